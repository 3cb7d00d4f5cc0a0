package rules

//go:generate go test -run ^TestBuiltinGenerated$ -update .

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
	"sort"
	"sync"

	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
)

// The built-in catalog is YAML with CEL in it, and parsing that CEL was most of a
// scan's start-up. So the rules come parsed into the binary as well: builtin_gen.go,
// written by TestBuiltinGenerated from the files (go test ./internal/rules -run
// TestBuiltinGenerated -update), holds every rule's fields and the syntax trees of
// its CEL, with the digest of the files it was written from. Builtin uses it only
// while that digest is the embedded files' own; an edited rule file is read the slow
// way until the file is written again, and the test fails until it is.

// generatedRule is one rule of builtin_gen.go with the syntax trees of its When and
// Condition (nil when empty).
type generatedRule struct {
	rule       *Rule
	when, cond celast.Expr
}

// generatedCatalog builds the catalog from builtin_gen.go, or gives nil when that was
// written from other files than the embedded ones.
func generatedCatalog() *Catalog {
	if builtinDigest != catalogDigest(builtinFS, "catalog") {
		return nil
	}
	env := sync.OnceValues(newEnv)
	c := newCatalog()
	for _, g := range generatedRules(&treeBuilder{fac: celast.NewExprFactory()}) {
		g.rule.ready(env, g.cond, g.when, nil, false)
		c.add(g.rule)
	}
	return c
}

// catalogDigest is the SHA-256 of the rule files in dir of fsys: each name, its length
// and its bytes, in name order. "" when they cannot be read.
func catalogDigest(fsys fs.FS, dir string) string {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		data, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return ""
		}
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// A treeBuilder makes the CEL syntax trees of builtin_gen.go, numbering the nodes in
// the order it makes them. The trees are read (for fast paths and for what a rule
// reads), never type-checked: a program is compiled from the rule's text.
type treeBuilder struct {
	fac celast.ExprFactory
	id  int64
}

func (b *treeBuilder) next() int64 { b.id++; return b.id }

func (b *treeBuilder) call(fn string, args ...celast.Expr) celast.Expr {
	return b.fac.NewCall(b.next(), fn, args...)
}

func (b *treeBuilder) member(fn string, target celast.Expr, args ...celast.Expr) celast.Expr {
	return b.fac.NewMemberCall(b.next(), fn, target, args...)
}

func (b *treeBuilder) ident(name string) celast.Expr { return b.fac.NewIdent(b.next(), name) }

func (b *treeBuilder) sel(operand celast.Expr, field string) celast.Expr {
	return b.fac.NewSelect(b.next(), operand, field)
}

func (b *treeBuilder) has(operand celast.Expr, field string) celast.Expr {
	return b.fac.NewPresenceTest(b.next(), operand, field)
}

func (b *treeBuilder) str(s string) celast.Expr { return b.fac.NewLiteral(b.next(), types.String(s)) }

func (b *treeBuilder) bytes(s string) celast.Expr {
	return b.fac.NewLiteral(b.next(), types.Bytes(s))
}

func (b *treeBuilder) int(i int64) celast.Expr { return b.fac.NewLiteral(b.next(), types.Int(i)) }

func (b *treeBuilder) uint(u uint64) celast.Expr { return b.fac.NewLiteral(b.next(), types.Uint(u)) }

func (b *treeBuilder) double(f float64) celast.Expr {
	return b.fac.NewLiteral(b.next(), types.Double(f))
}

func (b *treeBuilder) boolean(v bool) celast.Expr { return b.fac.NewLiteral(b.next(), types.Bool(v)) }

func (b *treeBuilder) null() celast.Expr { return b.fac.NewLiteral(b.next(), types.NullValue) }

// list makes a list; opt are the indices of optional elements (`?x`).
func (b *treeBuilder) list(opt []int32, elems ...celast.Expr) celast.Expr {
	return b.fac.NewList(b.next(), elems, opt)
}

func (b *treeBuilder) mapOf(entries ...celast.EntryExpr) celast.Expr {
	return b.fac.NewMap(b.next(), entries)
}

func (b *treeBuilder) entry(key, value celast.Expr, optional bool) celast.EntryExpr {
	return b.fac.NewMapEntry(b.next(), key, value, optional)
}

func (b *treeBuilder) object(typeName string, fields ...celast.EntryExpr) celast.Expr {
	return b.fac.NewStruct(b.next(), typeName, fields)
}

func (b *treeBuilder) field(name string, value celast.Expr, optional bool) celast.EntryExpr {
	return b.fac.NewStructField(b.next(), name, value, optional)
}

// comp is a comprehension, as the macros (exists, all, map, filter) expand to; iter2
// is the second variable of a two-variable one, "" otherwise.
func (b *treeBuilder) comp(iterRange celast.Expr, iter, iter2, accu string, init, cond, step, result celast.Expr) celast.Expr {
	if iter2 != "" {
		return b.fac.NewComprehensionTwoVar(b.next(), iterRange, iter, iter2, accu, init, cond, step, result)
	}
	return b.fac.NewComprehension(b.next(), iterRange, iter, accu, init, cond, step, result)
}
