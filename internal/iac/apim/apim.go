// Package apim reads Azure API Management policy documents, from .xml files and from
// the policy resources of Bicep, ARM and Terraform (properties.value), into the iac
// model: each policy resource gets properties.policy, an object with one list per
// element name found anywhere in the document (inbound, backend, outbound, on-error,
// inside choose blocks too), each element carrying its attributes, its section, its
// parent element and its location.
package apim

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// FileType is the resource type of a policy read from an .xml file. Its scope (global,
// product, API, operation) is not known from the file, so it is read as the service-level
// policy type.
const FileType = "Microsoft.ApiManagement/service/policies"

// MaxFile bounds one policy file.
const MaxFile = 2 << 20

// maxElements bounds the elements of one document.
const maxElements = 20_000

// Sniff tells whether an .xml file is an API Management policy document.
func Sniff(name string, head []byte) bool {
	if !strings.EqualFold(path.Ext(name), ".xml") {
		return false
	}
	h := bytes.ToLower(head)
	return bytes.Contains(h, []byte("<policies")) || (bytes.Contains(h, []byte("<fragment")) && bytes.Contains(h, []byte("<")))
}

// IsPolicyType reports whether typ is an API Management policy resource type.
func IsPolicyType(typ string) bool {
	// Called on every resource of a scan: compared in place, without lower-casing.
	const svc = "microsoft.apimanagement/service"
	if len(typ) < len(svc) || !strings.EqualFold(typ[:len(svc)], svc) {
		return false
	}
	return hasSuffixFold(typ, "/policies") || hasSuffixFold(typ, "/policyfragments")
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// Scan reads policy files.
// Scanner is the reader as an iac.Scanner.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan hands the resources to sink (nil keeps them all) and returns what it keeps.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	var out []iac.Resource
	var diags []iac.Diagnostic
	sort.Strings(paths)
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		st, err := fs.Stat(fsys, p)
		if err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("cannot read %s: %v", p, err), Loc: awaf.Location{File: p}})
			continue
		}
		if st.Size() > MaxFile {
			diags = append(diags, iac.Diagnostic{Severity: "warning", Message: fmt.Sprintf("%s is %d bytes, over the %d-byte limit; not read", p, st.Size(), MaxFile), Loc: awaf.Location{File: p}})
			continue
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("cannot read %s: %v", p, err), Loc: awaf.Location{File: p}})
			continue
		}
		start := awaf.Location{File: p, Line: 1, Column: 1}
		pol, err := Parse(string(data), start, true)
		if err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: err.Error(), Loc: locOf(err, start)})
			continue
		}
		props := iac.NewObject(start)
		props.Set("format", iac.NewString("rawxml", start))
		props.Set("policy", pol)
		name := strings.TrimSuffix(path.Base(p), path.Ext(p))
		out = append(out, iac.Resource{Type: FileType, Name: iac.NewString(name, start), ID: p, Loc: start, Source: "apim-policy", Properties: props})
	}
	return sink.Keep(out), diags, nil
}

// Enrich parses the XML policy of every API Management policy resource that declares
// one inline (properties.value with an XML format) and sets properties.policy. A policy
// that cannot be parsed gets a diagnostic and is left as it was.
func Enrich(res []iac.Resource) []iac.Diagnostic {
	var diags []iac.Diagnostic
	for i := range res {
		r := &res[i]
		if !IsPolicyType(r.Type) || r.Properties == nil || r.Properties.Kind != iac.Object || r.Properties.Field("policy") != nil {
			continue
		}
		format, _, _ := r.Properties.Field("format").AsString()
		if format != "" && !strings.Contains(strings.ToLower(format), "xml") {
			continue // a link to a policy file, not the policy
		}
		v := r.Properties.Field("value")
		text, known, ok := v.AsString()
		if !ok || !known || !strings.Contains(text, "<") {
			continue
		}
		// Every element is placed at the string: a literal may be a Bicep multi-line
		// string, an escaped ARM JSON string or text loaded from another file
		// (loadTextContent, file()), and only the first keeps line offsets true.
		pol, err := Parse(text, v.Loc, false)
		if err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "warning", Message: fmt.Sprintf("policy of %s: %v", r.ID, err), Loc: locOf(err, v.Loc)})
			continue
		}
		r.Properties.Set("policy", pol)
	}
	return diags
}

// Error is a policy that is not well-formed XML, at a place.
type Error struct {
	Loc awaf.Location
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Loc.File, e.Loc.Line, e.Loc.Column, e.Msg)
}

func locOf(err error, dflt awaf.Location) awaf.Location {
	var e *Error
	if errors.As(err, &e) {
		return e.Loc
	}
	return dflt
}

// Parse reads a policy document. Locations are relative to start: with multiline, line
// n of the text is start.Line+n-1; without, every element is at start.
func Parse(text string, start awaf.Location, multiline bool) (*iac.Value, error) {
	src := blankExpressions(text)
	lines := lineStarts(src)
	at := func(off int64) awaf.Location {
		if !multiline {
			return start
		}
		n := sort.Search(len(lines), func(i int) bool { return int64(lines[i]) > off }) - 1
		col := int(off) - lines[n] + 1
		if n == 0 {
			col += start.Column - 1
		}
		return awaf.Location{File: start.File, Line: start.Line + n, Column: col}
	}
	dec := xml.NewDecoder(strings.NewReader(src))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	pol := iac.NewObject(start)
	type open struct {
		name, section string
	}
	var stack []open
	count := 0
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			msg := err.Error()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				msg = se.Msg
			}
			return nil, &Error{Loc: at(dec.InputOffset()), Msg: "policy is not well-formed XML: " + msg}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxElements {
				return nil, &Error{Loc: at(off), Msg: fmt.Sprintf("more than %d elements", maxElements)}
			}
			if len(stack) > 200 {
				return nil, &Error{Loc: at(off), Msg: "elements nested too deeply"}
			}
			name := strings.ToLower(t.Name.Local)
			section, parent := "", ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1].name
				section = stack[len(stack)-1].section
			}
			if parent == "policies" {
				section = name
			}
			stack = append(stack, open{name, section})
			loc := at(off)
			el := iac.NewObject(loc)
			for _, a := range t.Attr {
				el.Set(strings.ToLower(a.Name.Local), iac.NewString(a.Value, loc))
			}
			el.Set("section", iac.NewString(section, loc))
			el.Set("parent", iac.NewString(parent, loc))
			list := pol.Field(name)
			if list == nil {
				list = iac.NewArray(loc)
				pol.Set(name, list)
			}
			list.Items = append(list.Items, el)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			// Element text (a vary-by key, a dimension) is kept on the element.
			if len(stack) > 0 {
				s := strings.TrimSpace(string(t))
				if s != "" {
					list := pol.Field(stack[len(stack)-1].name)
					if list != nil && len(list.Items) > 0 {
						el := list.Items[len(list.Items)-1]
						if el.Field("text") == nil {
							el.Set("text", iac.NewString(s, el.Loc))
						}
					}
				}
			}
		}
	}
	if count == 0 {
		return nil, &Error{Loc: start, Msg: "policy has no elements"}
	}
	return pol, nil
}

// blankExpressions replaces the bodies of policy expressions, @(...) and @{...}, with
// spaces (keeping newlines), since C# inside them (generics, comparisons) is not XML.
// Offsets stay the same, so locations do too.
func blankExpressions(s string) string {
	b := []byte(s)
	for i := 0; i+1 < len(b); i++ {
		if b[i] != '@' || (b[i+1] != '(' && b[i+1] != '{') {
			continue
		}
		openCh := b[i+1]
		closeCh := byte(')')
		if openCh == '{' {
			closeCh = '}'
		}
		depth := 0
		j := i + 1
		inStr := byte(0)
		for ; j < len(b); j++ {
			c := b[j]
			if inStr != 0 {
				if c == '\\' && j+1 < len(b) {
					b[j] = ' '
					j++
					if b[j] != '\n' {
						b[j] = ' '
					}
					continue
				}
				if c == inStr {
					inStr = 0
				}
				if c != '\n' {
					b[j] = ' '
				}
				continue
			}
			switch c {
			case '"':
				inStr = c
				b[j] = ' '
				continue
			case openCh:
				depth++
			case closeCh:
				depth--
			}
			if depth == 0 {
				break
			}
			if j > i+1 && c != '\n' {
				b[j] = ' '
			}
		}
		i = j
	}
	return string(b)
}

func lineStarts(s string) []int {
	out := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}
