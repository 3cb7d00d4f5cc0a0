package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions returns the Terraform functions that give the same result before and after
// apply. Functions that read files, the clock or random sources are left out on purpose:
// a call to one of them leaves the value unknown, with the reason, rather than a guess.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"abs":              stdlib.AbsoluteFunc,
		"can":              tryfunc.CanFunc,
		"ceil":             stdlib.CeilFunc,
		"chomp":            stdlib.ChompFunc,
		"chunklist":        stdlib.ChunklistFunc,
		"coalesce":         coalesceFunc,
		"coalescelist":     stdlib.CoalesceListFunc,
		"compact":          stdlib.CompactFunc,
		"concat":           stdlib.ConcatFunc,
		"contains":         stdlib.ContainsFunc,
		"distinct":         stdlib.DistinctFunc,
		"element":          stdlib.ElementFunc,
		"endswith":         endsWithFunc,
		"flatten":          stdlib.FlattenFunc,
		"floor":            stdlib.FloorFunc,
		"format":           stdlib.FormatFunc,
		"formatlist":       stdlib.FormatListFunc,
		"indent":           stdlib.IndentFunc,
		"index":            stdlib.IndexFunc,
		"join":             stdlib.JoinFunc,
		"jsondecode":       stdlib.JSONDecodeFunc,
		"jsonencode":       stdlib.JSONEncodeFunc,
		"keys":             stdlib.KeysFunc,
		"length":           stdlib.LengthFunc,
		"log":              stdlib.LogFunc,
		"lookup":           stdlib.LookupFunc,
		"lower":            stdlib.LowerFunc,
		"max":              stdlib.MaxFunc,
		"merge":            stdlib.MergeFunc,
		"min":              stdlib.MinFunc,
		"parseint":         stdlib.ParseIntFunc,
		"pow":              stdlib.PowFunc,
		"range":            stdlib.RangeFunc,
		"regex":            stdlib.RegexFunc,
		"regexall":         stdlib.RegexAllFunc,
		"replace":          replaceFunc,
		"reverse":          stdlib.ReverseListFunc,
		"setintersection":  stdlib.SetIntersectionFunc,
		"setproduct":       stdlib.SetProductFunc,
		"setsubtract":      stdlib.SetSubtractFunc,
		"setunion":         stdlib.SetUnionFunc,
		"signum":           stdlib.SignumFunc,
		"slice":            stdlib.SliceFunc,
		"sort":             stdlib.SortFunc,
		"split":            stdlib.SplitFunc,
		"startswith":       startsWithFunc,
		"strlen":           stdlib.StrlenFunc,
		"substr":           stdlib.SubstrFunc,
		"title":            stdlib.TitleFunc,
		"tobool":           stdlib.MakeToFunc(cty.Bool),
		"tolist":           stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":            stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":         stdlib.MakeToFunc(cty.Number),
		"toset":            stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":         stdlib.MakeToFunc(cty.String),
		"trim":             stdlib.TrimFunc,
		"trimprefix":       stdlib.TrimPrefixFunc,
		"trimspace":        stdlib.TrimSpaceFunc,
		"trimsuffix":       stdlib.TrimSuffixFunc,
		"try":              tryfunc.TryFunc,
		"upper":            stdlib.UpperFunc,
		"values":           stdlib.ValuesFunc,
		"zipmap":           stdlib.ZipmapFunc,
		"strrev":           stdlib.ReverseFunc,
		"base64encode":     stringFunc(func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil }),
		"base64decode":     stringFunc(base64Decode),
		"md5":              stringFunc(hexDigest(func(b []byte) []byte { h := md5.Sum(b); return h[:] })),
		"sha1":             stringFunc(hexDigest(func(b []byte) []byte { h := sha1.Sum(b); return h[:] })),
		"sha256":           stringFunc(hexDigest(func(b []byte) []byte { h := sha256.Sum256(b); return h[:] })),
		"urlencode":        stringFunc(func(s string) (string, error) { return url.QueryEscape(s), nil }),
		"sensitive":        identityFunc,
		"nonsensitive":     identityFunc,
		"one":              oneFunc,
		"alltrue":          boolListFunc(true),
		"anytrue":          boolListFunc(false),
		"uuid":             later("uuid() gives a new value on every run"),
		"timestamp":        later("timestamp() is the time of the run"),
		"plantimestamp":    later("plantimestamp() is the time of the plan"),
		"bcrypt":           later("bcrypt() salts randomly"),
		"file":             later("file() is not read by the scanner"),
		"filebase64":       later("filebase64() is not read by the scanner"),
		"fileexists":       later("fileexists() is not evaluated by the scanner"),
		"fileset":          later("fileset() is not evaluated by the scanner"),
		"templatefile":     later("templatefile() is not evaluated by the scanner"),
		"filemd5":          later("filemd5() is not evaluated by the scanner"),
		"filesha256":       later("filesha256() is not evaluated by the scanner"),
		"abspath":          later("abspath() depends on where Terraform runs"),
		"pathexpand":       later("pathexpand() depends on where Terraform runs"),
		"cidrsubnet":       cidrSubnetFunc,
		"cidrhost":         cidrHostFunc,
		"cidrnetmask":      cidrNetmaskFunc,
		"cidrsubnets":      cidrSubnetsFunc,
		"yamlencode":       yamlEncodeFunc,
		"yamldecode":       yamlDecodeFunc,
		"sum":              sumFunc,
		"transpose":        transposeFunc,
		"matchkeys":        matchkeysFunc,
		"strcontains":      strContainsFunc,
		"base64gzip":       stringFunc(base64Gzip),
		"base64sha256":     stringFunc(base64Digest(sha256Sum)),
		"base64sha512":     stringFunc(base64Digest(sha512Sum)),
		"sha512":           stringFunc(hexDigest(sha512Sum)),
		"uuidv5":           uuidV5Func,
		"csvdecode":        stdlib.CSVDecodeFunc,
		"formatdate":       stdlib.FormatDateFunc,
		"timeadd":          stdlib.TimeAddFunc,
		"timecmp":          timeCmpFunc,
		"basename":         stringFunc(baseName),
		"dirname":          stringFunc(dirName),
		"ephemeralasnull":  identityFunc,
		"filesha1":         later("filesha1() is not evaluated by the scanner"),
		"filesha512":       later("filesha512() is not evaluated by the scanner"),
		"filebase64sha256": later("filebase64sha256() is not evaluated by the scanner"),
		"filebase64sha512": later("filebase64sha512() is not evaluated by the scanner"),
		"templatestring":   later("templatestring() is not evaluated by the scanner"),
		"textencodebase64": later("textencodebase64() is not evaluated by the scanner"),
		"textdecodebase64": later("textdecodebase64() is not evaluated by the scanner"),
		"issensitive":      later("issensitive() depends on sensitivity, which the scanner does not track"),
	}
}

// later is a function whose result the scanner does not compute: it returns an
// Unknown that says why, instead of failing the expression.
func later(reason string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
		Type:     function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return unknown("%s", reason), nil
		},
	})
}

func stringFunc(f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			out, err := f(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(out), nil
		},
	})
}

func base64Decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("invalid base64: %w", err)
	}
	if !utf8.Valid(b) {
		return "", errors.New("the decoded bytes are not UTF-8")
	}
	return string(b), nil
}

func hexDigest(sum func([]byte) []byte) func(string) (string, error) {
	return func(s string) (string, error) { return hex.EncodeToString(sum([]byte(s))), nil }
}

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

// oneFunc is Terraform's one(): null for an empty collection, the element for one,
// an error for more.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			if n := len(ty.TupleElementTypes()); n == 1 {
				return ty.TupleElementTypes()[0], nil
			} else if n == 0 {
				return cty.DynamicPseudoType, nil
			}
			return cty.NilType, errors.New("must be a list, set or tuple of at most one element")
		}
		return cty.NilType, errors.New("must be a list, set or tuple")
	},
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		v := args[0]
		switch n := v.LengthInt(); {
		case n == 0:
			return cty.NullVal(ty), nil
		case n > 1:
			return cty.NilVal, errors.New("must have at most one element")
		}
		it := v.ElementIterator()
		it.Next()
		_, el := it.Element()
		return el, nil
	},
})

// boolListFunc is alltrue (all = true) or anytrue (all = false).
func boolListFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for it := args[0].ElementIterator(); it.Next(); {
				_, el := it.Element()
				if !el.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if el.IsNull() {
					continue
				}
				if el.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

var startsWithFunc = stringPredicate(strings.HasPrefix)

var endsWithFunc = stringPredicate(strings.HasSuffix)

func stringPredicate(pred func(s, affix string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "str", Type: cty.String},
			{Name: "affix", Type: cty.String},
		},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(pred(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

// coalesceFunc is Terraform's coalesce: the first argument that is neither null nor an
// empty string. cty's own version only skips nulls.
var coalesceFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		types := make([]cty.Type, len(args))
		for i, a := range args {
			types[i] = a.Type()
		}
		ty, _ := convert.UnifyUnsafe(types)
		if ty == cty.NilType {
			return cty.NilType, errors.New("all arguments must have the same type")
		}
		return ty, nil
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		for _, a := range args {
			if !a.IsKnown() {
				return cty.UnknownVal(retType), nil
			}
			if a.IsNull() || (a.Type() == cty.String && a.AsString() == "") {
				continue
			}
			return convert.Convert(a, retType)
		}
		return cty.NilVal, errors.New("no non-null, non-empty-string arguments")
	},
})
