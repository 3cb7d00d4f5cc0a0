package bicep

import (
	"fmt"
	"strings"
	"testing"
)

// dump prints an expression as an S-expression, for comparing parse trees.
func dump(x Expr) string {
	switch n := x.(type) {
	case nil:
		return "<nil>"
	case *StringLit:
		if len(n.Exprs) == 0 {
			return fmt.Sprintf("%q", n.Parts[0])
		}
		var b strings.Builder
		b.WriteString("(str")
		for i, p := range n.Parts {
			fmt.Fprintf(&b, " %q", p)
			if i < len(n.Exprs) {
				b.WriteString(" " + dump(n.Exprs[i]))
			}
		}
		return b.String() + ")"
	case *IntLit:
		return fmt.Sprint(n.Value)
	case *BoolLit:
		return fmt.Sprint(n.Value)
	case *NullLit:
		return "null"
	case *Ident:
		return n.Name
	case *ArrayLit:
		parts := []string{"(array"}
		for _, it := range n.Items {
			parts = append(parts, dump(it))
		}
		return strings.Join(parts, " ") + ")"
	case *ObjectLit:
		parts := []string{"(object"}
		for _, p := range n.Props {
			switch {
			case p.Spread != nil:
				parts = append(parts, "..."+dump(p.Spread))
			case p.Resource != nil:
				parts = append(parts, "(resource "+p.Resource.Name+" "+dump(p.Resource.Body)+")")
			case p.KeyExpr != nil:
				parts = append(parts, dump(p.KeyExpr)+":"+dump(p.Value))
			default:
				parts = append(parts, p.Key+":"+dump(p.Value))
			}
		}
		return strings.Join(parts, " ") + ")"
	case *Member:
		op := "."
		if n.Safe {
			op = ".?"
		}
		return "(" + op + " " + dump(n.X) + " " + n.Name + ")"
	case *Index:
		op := "[]"
		if n.Safe {
			op = "[?]"
		}
		return "(" + op + " " + dump(n.X) + " " + dump(n.Index) + ")"
	case *Call:
		parts := []string{"(call"}
		if n.Target != nil {
			parts = append(parts, dump(n.Target)+"."+n.Name)
		} else {
			parts = append(parts, n.Name)
		}
		for _, a := range n.Args {
			parts = append(parts, dump(a))
		}
		return strings.Join(parts, " ") + ")"
	case *Ternary:
		return "(? " + dump(n.Cond) + " " + dump(n.Then) + " " + dump(n.Else) + ")"
	case *Binary:
		return "(" + n.Op + " " + dump(n.L) + " " + dump(n.R) + ")"
	case *Unary:
		return "(" + n.Op + " " + dump(n.X) + ")"
	case *NonNull:
		return "(! " + dump(n.X) + ")"
	case *ResourceAccess:
		return "(:: " + dump(n.X) + " " + n.Name + ")"
	case *Lambda:
		return "(lambda (" + strings.Join(n.Params, " ") + ") " + dump(n.Body) + ")"
	case *IfExpr:
		return "(if " + dump(n.Cond) + " " + dump(n.Body) + ")"
	case *ForExpr:
		vars := n.Item
		if n.Index != "" {
			vars += "," + n.Index
		}
		return "(for " + vars + " " + dump(n.Iter) + " " + dump(n.Body) + ")"
	case *Paren:
		return dump(n.X)
	case *Spread:
		return "..." + dump(n.X)
	case *BadExpr:
		return "<bad>"
	}
	return fmt.Sprintf("<%T>", x)
}

func TestParseExpr(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"precedence", "a + b * c - d", "(- (+ a (* b c)) d)"},
		{"comparison and logic", "a == 1 && b != 2 || !c", "(|| (&& (== a 1) (!= b 2)) (! c))"},
		{"coalesce is lowest", "a ?? b || c", "(?? a (|| b c))"},
		{"ternary nests right", "a ? b : c ? d : e", "(? a b (? c d e))"},
		{"ternary over lines", "a\n  ? b\n  : c", "(? a b c)"},
		{"negative literal", "-5 + -x", "(+ -5 (- x))"},
		{"member, safe member, index", "a.b.?c[0][?'k']", "([?] ([] (.? (. a b) c) 0) \"k\")"},
		{"namespaced call", "az.resourceGroup().location", "(. (call az.resourceGroup) location)"},
		{"method on resource", "stg.listKeys().keys[0].value", "(. ([] (. (call stg.listKeys) keys) 0) value)"},
		{"interpolation", "'${a}-${b.c}'", "(str \"\" a \"-\" (. b c) \"\")"},
		{"lambda", "filter(xs, x => x.enabled)", "(call filter xs (lambda (x) (. x enabled)))"},
		{"lambda with two params", "reduce(xs, 0, (acc, x) => acc + x)", "(call reduce xs 0 (lambda (acc x) (+ acc x)))"},
		{"lambda without params", "() => 1", "(lambda () 1)"},
		{"parenthesised expression is not a lambda", "(a + b) * c", "(* (+ a b) c)"},
		{"array over lines", "[\n  1\n  'two'\n  [3]\n]", "(array 1 \"two\" (array 3))"},
		{"array with commas", "[1, 2, 3]", "(array 1 2 3)"},
		{"object over lines and commas", "{\n  a: 1\n  'b-c': 2, d: true\n}", "(object a:1 b-c:2 d:true)"},
		{"interpolated key", "{ '${k}': v }", "(object (str \"\" k \"\"):v)"},
		{"keywords as keys", "{ if: 1, for: 2, resource: 3 }", "(object if:1 for:2 resource:3)"},
		{"spread", "{ ...a, b: [...c, d] }", "(object ...a b:(array ...c d))"},
		{"for with index", "[for (x, i) in range(0, 3): x * i]", "(for x,i (call range 0 3) (* x i))"},
		{"for with condition", "[for x in xs: if (x.on) { n: x }]", "(for x xs (if (. x on) (object n:x)))"},
		{"non-null and nested resource access", "a!.b + acct::dep.id", "(+ (. (! a) b) (. (:: acct dep) id))"},
		{"call args over lines", "union(\n  a,\n  b\n)", "(call union a b)"},
		{"sys namespace", "sys.concat('a', 'b')", "(call sys.concat \"a\" \"b\")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, errs := ParseExpr(tt.src)
			if len(errs) > 0 {
				t.Fatalf("ParseExpr(%q): %v", tt.src, errs)
			}
			if got := dump(x); got != tt.want {
				t.Errorf("ParseExpr(%q)\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestParseStatements(t *testing.T) {
	src := `targetScope = 'subscription'
metadata owner = 'team'
import { a, b as c } from 'lib.bicep'
import * as lib from 'lib.bicep'
extension microsoftGraphV1
@secure()
@description('The key')
param key string
param sku string = 'S0'
param opt string?
@export()
type t = {
  @minLength(1)
  name: string
  size: 'small' | 'large'
  *: int
}
type u = ('a' | 'b')[]
type props = resourceInput<'Microsoft.Storage/storageAccounts@2023-05-01'>.properties
func greet(name string) string => 'hi ${name}'
var v = 1
resource acct 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'st'
}
resource child 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = if (v == 1) {
  parent: acct
  name: 'default'
  resource c 'containers' = [for n in ['a', 'b']: {
    name: n
  }]
}
module m 'br/public:avm/res/x:1.0.0' = [for i in range(0, 2): {
  name: 'm${i}'
}]
output o resource 'Microsoft.Storage/storageAccounts@2023-05-01' = acct
output s string = greet('x')
`
	f := Parse("main.bicep", src)
	if len(f.Errors) > 0 {
		t.Fatalf("errors: %v", f.Errors)
	}
	var got []string
	for _, st := range f.Stmts {
		switch s := st.(type) {
		case *TargetScope:
			got = append(got, "targetScope="+dump(s.Value))
		case *Metadata:
			got = append(got, "metadata "+s.Name)
		case *Import:
			got = append(got, fmt.Sprintf("%s %q names=%d wildcard=%s", s.Keyword, s.Path, len(s.Names), s.Wildcard))
		case *Param:
			typ := ""
			if s.Type != nil {
				typ = s.Type.Text
			}
			got = append(got, fmt.Sprintf("param %s %s decorators=%d default=%s", s.Name, typ, len(s.Decorators), dump(s.Default)))
		case *TypeDecl:
			got = append(got, "type "+s.Name+" "+s.Type.Text)
		case *Func:
			got = append(got, fmt.Sprintf("func %s params=%d %s", s.Name, len(s.Params), dump(s.Body)))
		case *Var:
			got = append(got, "var "+s.Name+" "+dump(s.Value))
		case *Resource:
			got = append(got, fmt.Sprintf("resource %s %s existing=%v %s", s.Name, s.TypeRef, s.Existing, dump(s.Body)))
		case *Module:
			got = append(got, fmt.Sprintf("module %s %s %s", s.Name, s.Path, dump(s.Body)))
		case *Output:
			got = append(got, "output "+s.Name+" "+s.Type.Text+" "+dump(s.Value))
		default:
			got = append(got, fmt.Sprintf("%T", s))
		}
	}
	want := []string{
		`targetScope="subscription"`,
		`metadata owner`,
		`import "lib.bicep" names=2 wildcard=`,
		`import "lib.bicep" names=0 wildcard=lib`,
		`extension "microsoftGraphV1" names=0 wildcard=`,
		`param key string decorators=2 default=<nil>`,
		`param sku string decorators=0 default="S0"`,
		`param opt string? decorators=0 default=<nil>`,
		`type t object`,
		`type u ('a' | 'b')[]`,
		`type props resourceInput<'Microsoft.Storage/storageAccounts@2023-05-01'>.properties`,
		`func greet params=1 (str "hi " name "")`,
		`var v 1`,
		`resource acct Microsoft.Storage/storageAccounts@2023-05-01 existing=true (object name:"st")`,
		`resource child Microsoft.Storage/storageAccounts/blobServices@2023-05-01 existing=false (if (== v 1) (object parent:acct name:"default" (resource c (for n (array "a" "b") (object name:n)))))`,
		`module m br/public:avm/res/x:1.0.0 (for i (call range 0 2) (object name:(str "m" i "")))`,
		`output o resource 'Microsoft.Storage/storageAccounts@2023-05-01' acct`,
		`output s string (call greet "x")`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statements, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("statement %d\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // "line:col: message" prefixes, in order
		stmts     int      // statements still read
	}{
		{"missing value", "param x string =\nvar y = 1", []string{"1:17: expected an expression"}, 2},
		{"unknown keyword", "banana x = 1\nvar y = 2", []string{`1:1: unknown declaration "banana"`}, 2},
		{"unclosed object", "var o = {\n  a: 1\nvar y = 2", []string{`3:5: expected ":"`}, 1},
		{"interpolated module path", "module m '${p}.bicep' = {}", []string{"1:10: module path must not use string interpolation"}, 1},
		{"two statements on a line", "var a = 1 var b = 2", []string{"1:11: expected a new line after the statement"}, 1},
		{"bad resource body", "resource r 'A/b@1' = 5", []string{"1:22: expected an object, 'if' or '[for' after '='"}, 1},
		{"missing colon", "var o = { a 1 }", []string{`1:13: expected ":"`}, 1},
		{"unterminated string", "var s = 'abc\nvar t = 1", []string{"1:9: unterminated string"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse("x.bicep", tt.src)
			if len(f.Errors) < len(tt.want) {
				t.Fatalf("got errors %v, want %v", f.Errors, tt.want)
			}
			for i, w := range tt.want {
				if got := f.Errors[i].Error(); !strings.HasPrefix(got, w) {
					t.Errorf("error %d: got %q, want prefix %q", i, got, w)
				}
			}
			if len(f.Stmts) != tt.stmts {
				t.Errorf("got %d statements, want %d", len(f.Stmts), tt.stmts)
			}
		})
	}
}

func TestParseDeepNesting(t *testing.T) {
	src := "var x = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	f := Parse("deep.bicep", src)
	if len(f.Errors) == 0 || !strings.Contains(f.Errors[0].Msg, "nesting deeper") {
		t.Fatalf("want a nesting error, got %v", f.Errors)
	}
}
