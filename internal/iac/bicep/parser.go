package bicep

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits that keep hostile input from exhausting the stack or flooding the report.
const (
	maxDepth  = 256
	maxErrors = 50
)

type parser struct {
	toks  []Token
	i     int
	errs  []SyntaxError
	depth int
	// skipNL is a stack: true inside parentheses, where newlines mean nothing; false
	// inside arrays and objects, where they separate items.
	skipNL []bool
}

// Parse parses a .bicep or .bicepparam source. It always returns a File; syntax
// errors are in File.Errors, and the statements around them are still there.
func Parse(path, src string) *File {
	p := &parser{toks: Lex(src)}
	f := &File{Path: path}
	for _, t := range p.toks {
		if t.Err != "" {
			p.errs = append(p.errs, SyntaxError{t.Pos, t.Err})
		}
	}
	for {
		p.skipNewlines()
		if p.peek().Kind == tEOF {
			break
		}
		n := len(p.errs)
		s := p.stmt()
		if s != nil {
			f.Stmts = append(f.Stmts, s)
		}
		if len(p.errs) > n {
			p.syncLine()
		} else if k := p.peek().Kind; k != tNewline && k != tEOF {
			p.errorf(p.peek().Pos, "expected a new line after the statement, found %s", p.peek().describe())
			p.syncLine()
		}
		if len(p.errs) >= maxErrors {
			p.errorf(p.peek().Pos, "too many errors; giving up on this file")
			break
		}
	}
	f.Errors = p.errs
	return f
}

// ParseExpr parses a single expression, for tests and tools.
func ParseExpr(src string) (Expr, []SyntaxError) {
	p := &parser{toks: Lex(src)}
	e := p.expr()
	p.skipNewlines()
	if p.peek().Kind != tEOF {
		p.errorf(p.peek().Pos, "unexpected %s after expression", p.peek().describe())
	}
	return e, p.errs
}

func (p *parser) errorf(pos Pos, format string, args ...any) {
	if len(p.errs) > maxErrors {
		return
	}
	p.errs = append(p.errs, SyntaxError{pos, fmt.Sprintf(format, args...)})
}

func (p *parser) ignoringNL() bool { return len(p.skipNL) > 0 && p.skipNL[len(p.skipNL)-1] }

// peek returns the next token, skipping newlines inside parentheses.
func (p *parser) peek() Token {
	if p.ignoringNL() {
		for p.toks[p.i].Kind == tNewline {
			p.i++
		}
	}
	return p.toks[p.i]
}

// peekPastNL returns the next token that is not a newline, without consuming.
func (p *parser) peekPastNL() (Token, int) {
	j := p.i
	for p.toks[j].Kind == tNewline {
		j++
	}
	return p.toks[j], j
}

func (p *parser) next() Token {
	t := p.peek()
	if t.Kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) is(sym string) bool {
	t := p.peek()
	return t.Kind == tPunct && t.Text == sym
}

func (p *parser) isKeyword(word string) bool {
	t := p.peek()
	return t.Kind == tIdent && t.Text == word
}

func (p *parser) accept(sym string) bool {
	if p.is(sym) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(sym string) Pos {
	t := p.peek()
	if t.Kind == tPunct && t.Text == sym {
		p.next()
		return t.Pos
	}
	p.errorf(t.Pos, "expected %q, found %s", sym, t.describe())
	return t.Pos
}

func (p *parser) ident(what string) (string, Pos) {
	t := p.peek()
	if t.Kind == tIdent {
		p.next()
		return t.Text, t.Pos
	}
	p.errorf(t.Pos, "expected %s, found %s", what, t.describe())
	return "", t.Pos
}

func (p *parser) skipNewlines() {
	for p.toks[p.i].Kind == tNewline {
		p.i++
	}
}

// syncLine skips to the end of the current line at the outer level, so one bad
// statement does not swallow the next.
func (p *parser) syncLine() {
	p.skipNL = p.skipNL[:0]
	depth := 0
	for {
		t := p.toks[p.i]
		switch {
		case t.Kind == tEOF:
			return
		case t.Kind == tNewline && depth <= 0:
			return
		case t.Kind == tPunct && (t.Text == "{" || t.Text == "[" || t.Text == "("):
			depth++
		case t.Kind == tPunct && (t.Text == "}" || t.Text == "]" || t.Text == ")"):
			depth--
		}
		p.i++
	}
}

func (p *parser) push(ignoreNL bool) { p.skipNL = append(p.skipNL, ignoreNL) }
func (p *parser) pop() {
	if len(p.skipNL) > 0 {
		p.skipNL = p.skipNL[:len(p.skipNL)-1]
	}
}

// enter guards recursion depth; callers must call leave.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		if p.depth == maxDepth+1 {
			p.errorf(p.peek().Pos, "nesting deeper than %d levels", maxDepth)
		}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// ---- statements ----

func (p *parser) decorators() []*Decorator {
	var ds []*Decorator
	for p.is("@") {
		at := p.next().Pos
		e := p.postfix(p.primary())
		c, ok := e.(*Call)
		if !ok {
			// "@secure" without parentheses is not Bicep, but read it as a call.
			switch x := e.(type) {
			case *Ident:
				c = &Call{P: x.P, Name: x.Name}
			case *Member:
				c = &Call{P: x.P, Target: x.X, Name: x.Name}
			default:
				p.errorf(at, "expected a decorator call after '@'")
				c = &Call{P: at}
			}
		}
		ds = append(ds, &Decorator{P: at, Call: c})
		p.skipNewlines()
	}
	return ds
}

func (p *parser) stmt() Stmt {
	start := p.peek().Pos
	decs := p.decorators()
	t := p.peek()
	if t.Kind != tIdent {
		p.errorf(t.Pos, "expected a declaration (param, var, resource, module, output, ...), found %s", t.describe())
		return &BadStmt{P: start}
	}
	switch t.Text {
	case "targetScope":
		p.next()
		p.expect("=")
		return &TargetScope{P: t.Pos, Value: p.expr()}
	case "metadata":
		p.next()
		name, _ := p.ident("metadata name")
		p.expect("=")
		return &Metadata{P: t.Pos, Name: name, Value: p.expr()}
	case "param":
		p.next()
		s := &Param{P: t.Pos, Decorators: decs}
		s.Name, _ = p.ident("parameter name")
		if !p.is("=") {
			s.Type = p.typeExpr()
		}
		if p.accept("=") {
			s.Default = p.expr()
		}
		return s
	case "var":
		p.next()
		s := &Var{P: t.Pos, Decorators: decs}
		s.Name, _ = p.ident("variable name")
		if !p.is("=") {
			s.Type = p.typeExpr()
		}
		p.expect("=")
		s.Value = p.expr()
		return s
	case "resource":
		return p.resource(decs)
	case "module":
		p.next()
		s := &Module{P: t.Pos, Decorators: decs}
		s.Name, _ = p.ident("module name")
		s.Path, s.PathPos = p.plainString("module path")
		p.expect("=")
		s.Body = p.declBody()
		return s
	case "output":
		p.next()
		s := &Output{P: t.Pos, Decorators: decs}
		s.Name, _ = p.ident("output name")
		s.Type = p.typeExpr()
		p.expect("=")
		s.Value = p.expr()
		return s
	case "type":
		p.next()
		s := &TypeDecl{P: t.Pos, Decorators: decs}
		s.Name, _ = p.ident("type name")
		p.expect("=")
		s.Type = p.typeExpr()
		return s
	case "func":
		p.next()
		s := &Func{P: t.Pos, Decorators: decs}
		s.Name, _ = p.ident("function name")
		p.expect("(")
		p.push(true)
		for !p.is(")") && p.peek().Kind != tEOF {
			name, _ := p.ident("function parameter name")
			s.Params = append(s.Params, FuncParam{Name: name, Type: p.typeExpr()})
			if !p.accept(",") {
				break
			}
		}
		p.pop()
		p.expect(")")
		s.Result = p.typeExpr()
		p.expect("=>")
		p.skipNewlines()
		s.Body = p.expr()
		return s
	case "import", "extension", "provider":
		return p.importStmt(decs)
	case "using":
		p.next()
		s := &Using{P: t.Pos}
		if p.isKeyword("none") {
			p.next()
			s.None = true
			return s
		}
		s.Path, _ = p.plainString("template path")
		return s
	case "extends":
		p.next()
		s := &Extends{P: t.Pos}
		s.Path, _ = p.plainString("path")
		return s
	case "assert":
		p.next()
		s := &Assert{P: t.Pos, Decorators: decs}
		s.Name, _ = p.ident("assertion name")
		if p.is("=") {
			p.next()
			s.Value = p.expr()
		} else {
			p.errorf(p.peek().Pos, "expected '=' and a condition after assert %s, found %s", s.Name, p.peek().describe())
		}
		return s
	}
	p.errorf(t.Pos, "unknown declaration %q", t.Text)
	return &BadStmt{P: start}
}

func (p *parser) resource(decs []*Decorator) *Resource {
	t := p.next()
	s := &Resource{P: t.Pos, Decorators: decs}
	errs := len(p.errs)
	defer func() { s.Broken = len(p.errs) > errs || errs >= maxErrors }()
	s.Name, _ = p.ident("resource symbolic name")
	s.TypeRef, s.TypePos = p.plainString("resource type 'Namespace/type@version'")
	if p.isKeyword("existing") {
		p.next()
		s.Existing = true
	}
	p.expect("=")
	s.Body = p.declBody()
	return s
}

// declBody reads the body of a resource or module: an object, "if (c) {...}" or
// "[for ...: ...]".
func (p *parser) declBody() Expr {
	t := p.peek()
	if t.Kind == tNewline {
		// "=" may end a line: `module m 'm.bicep' =\n  if (c) {`.
		if u, _ := p.peekPastNL(); (u.Kind == tIdent && u.Text == "if") || (u.Kind == tPunct && (u.Text == "{" || u.Text == "[")) {
			p.skipNewlines()
			t = u
		}
	}
	switch {
	case t.Kind == tIdent && t.Text == "if":
		return p.ifExpr()
	case t.Kind == tPunct && t.Text == "{":
		return p.object()
	case t.Kind == tPunct && t.Text == "[":
		return p.array()
	}
	p.errorf(t.Pos, "expected an object, 'if' or '[for' after '=', found %s", t.describe())
	return &BadExpr{P: t.Pos}
}

func (p *parser) ifExpr() Expr {
	t := p.next() // if
	e := &IfExpr{P: t.Pos}
	p.expect("(")
	p.push(true)
	e.Cond = p.expr()
	p.pop()
	p.expect(")")
	if !p.is("{") {
		p.errorf(p.peek().Pos, "expected an object after the 'if' condition, found %s", p.peek().describe())
		e.Body = &BadExpr{P: p.peek().Pos}
		return e
	}
	e.Body = p.object()
	return e
}

func (p *parser) importStmt(decs []*Decorator) Stmt {
	t := p.next()
	s := &Import{P: t.Pos, Decorators: decs, Keyword: t.Text}
	switch {
	case t.Text == "import" && p.is("*"):
		p.next()
		if !p.isKeyword("as") {
			p.errorf(p.peek().Pos, "expected 'as' after 'import *'")
		} else {
			p.next()
		}
		s.Wildcard, _ = p.ident("import alias")
		s.From = true
	case t.Text == "import" && p.is("{"):
		p.next()
		// Names are separated by commas, new lines or both.
		p.push(true)
		for !p.is("}") && p.peek().Kind != tEOF {
			name, pos := p.ident("imported symbol")
			if name == "" {
				break
			}
			in := ImportName{P: pos, Name: name}
			if p.isKeyword("as") {
				p.next()
				in.Alias, _ = p.ident("alias")
			}
			s.Names = append(s.Names, in)
			p.accept(",")
		}
		p.pop()
		p.expect("}")
		s.From = true
	}
	if s.From {
		if !p.isKeyword("from") {
			p.errorf(p.peek().Pos, "expected 'from' in import, found %s", p.peek().describe())
			return s
		}
		p.next()
		s.Path, _ = p.plainString("import path")
		return s
	}
	// import 'az@1.0.0' / extension microsoftGraphV1 / extension 'br:...' with {...} as x
	if p.peek().Kind == tString {
		s.Path, _ = p.plainString("extension")
	} else {
		s.Path, _ = p.ident("extension name")
	}
	if p.isKeyword("with") {
		p.next()
		p.object()
	}
	if p.isKeyword("as") {
		p.next()
		s.Alias, _ = p.ident("alias")
	}
	return s
}

func (p *parser) plainString(what string) (string, Pos) {
	t := p.peek()
	if t.Kind == tString {
		p.next()
		return t.Value, t.Pos
	}
	if t.Kind == tStringHead {
		p.errorf(t.Pos, "%s must not use string interpolation", what)
		p.expr()
		return "", t.Pos
	}
	p.errorf(t.Pos, "expected %s as a string, found %s", what, t.describe())
	return "", t.Pos
}

// ---- types ----

// typeExpr reads a type and keeps its text. Types only matter for documentation and
// nullability, so the reader is lenient about their inner structure.
func (p *parser) typeExpr() *TypeExpr {
	if !p.enter() {
		p.leave()
		return &TypeExpr{P: p.peek().Pos}
	}
	defer p.leave()
	// A union may start on the next line with a leading "|".
	if nt, j := p.peekPastNL(); nt.Kind == tPunct && nt.Text == "|" {
		p.i = j + 1
		p.skipNewlines()
	}
	start := p.peek().Pos
	var parts []string
	for {
		parts = append(parts, p.typeMember())
		// A union may continue on the next line with "|".
		if nt, j := p.peekPastNL(); nt.Kind == tPunct && nt.Text == "|" {
			p.i = j
			p.next()
			p.skipNewlines()
			continue
		}
		break
	}
	te := &TypeExpr{P: start, Text: strings.Join(parts, " | ")}
	if strings.HasSuffix(te.Text, "?") {
		te.Nullable = true
	}
	return te
}

func (p *parser) typeMember() string {
	t := p.peek()
	var text string
	switch {
	case t.Kind == tIdent && t.Text == "resource":
		p.next()
		s, _ := p.plainString("resource type")
		text = "resource '" + s + "'"
	case t.Kind == tIdent:
		p.next()
		text = t.Text
		// Type arguments, as in resourceInput<'Microsoft.X/y@2024-01-01'>.properties.
		if p.is("<") {
			p.next()
			arg := p.typeExpr()
			p.expect(">")
			text += "<" + arg.Text + ">"
		}
		// Member and element access into a type: .properties.items[*].name
		for {
			if p.is(".") {
				p.next()
				n, _ := p.ident("type name")
				text += "." + n
				continue
			}
			if p.is("[") {
				nt := p.toks[p.i+1]
				if (nt.Kind == tPunct && nt.Text == "*") || nt.Kind == tInt || nt.Kind == tString {
					p.next()
					p.next()
					p.expect("]")
					text += "[" + nt.Text + "]"
					continue
				}
			}
			break
		}
	case t.Kind == tString:
		p.next()
		text = "'" + t.Value + "'"
	case t.Kind == tInt:
		p.next()
		text = t.Text
	case t.Kind == tPunct && t.Text == "-":
		p.next()
		n := p.next()
		text = "-" + n.Text
	case t.Kind == tPunct && t.Text == "{":
		p.objectType()
		text = "object"
	case t.Kind == tPunct && t.Text == "[":
		p.next()
		p.push(false)
		last := -1
		for {
			p.skipNewlines()
			if p.is("]") || p.peek().Kind == tEOF || p.i == last {
				break
			}
			last = p.i
			p.decorators()
			p.typeExpr()
			p.accept(",")
		}
		p.pop()
		p.expect("]")
		text = "tuple"
	case t.Kind == tPunct && t.Text == "(":
		p.next()
		p.push(true)
		inner := p.typeExpr()
		p.pop()
		p.expect(")")
		text = "(" + inner.Text + ")"
	default:
		p.errorf(t.Pos, "expected a type, found %s", t.describe())
		return ""
	}
	for p.is("[") && p.toks[p.i+1].Kind == tPunct && p.toks[p.i+1].Text == "]" {
		p.next()
		p.next()
		text += "[]"
	}
	if p.is("?") {
		p.next()
		text += "?"
	}
	return text
}

func (p *parser) objectType() {
	p.expect("{")
	p.push(false)
	defer p.pop()
	last := -1
	for {
		p.skipNewlines()
		if p.is("}") || p.peek().Kind == tEOF || p.i == last {
			break
		}
		last = p.i
		p.decorators()
		t := p.next()
		switch {
		case t.Kind == tIdent || t.Kind == tString:
		case t.Kind == tPunct && t.Text == "*":
		default:
			p.errorf(t.Pos, "expected a property name in object type, found %s", t.describe())
			p.syncItem()
			continue
		}
		p.expect(":")
		p.typeExpr()
		if p.accept(",") {
			continue
		}
		if k := p.peek().Kind; k != tNewline && !p.is("}") && k != tEOF {
			p.errorf(p.peek().Pos, "expected a new line or '}' after property type, found %s", p.peek().describe())
			p.syncItem()
		}
	}
	p.expect("}")
}

// syncItem skips to the end of the current item of an array or object.
func (p *parser) syncItem() {
	depth := 0
	for {
		t := p.toks[p.i]
		switch {
		case t.Kind == tEOF:
			return
		case t.Kind == tNewline && depth <= 0:
			return
		case t.Kind == tPunct && (t.Text == "{" || t.Text == "[" || t.Text == "("):
			depth++
		case t.Kind == tPunct && (t.Text == "}" || t.Text == "]" || t.Text == ")"):
			if depth == 0 {
				return
			}
			depth--
		}
		p.i++
	}
}

// ---- expressions ----

func (p *parser) expr() Expr {
	if !p.enter() {
		p.leave()
		// Consume one token so callers make progress.
		t := p.next()
		return &BadExpr{P: t.Pos}
	}
	defer p.leave()
	if e := p.tryLambda(); e != nil {
		return e
	}
	cond := p.binary(0)
	if t, j := p.peekPastNL(); t.Kind == tPunct && t.Text == "?" {
		p.i = j
		p.next()
		p.push(true)
		then := p.expr()
		p.pop()
		if t2, j2 := p.peekPastNL(); t2.Kind == tPunct && t2.Text == ":" {
			p.i = j2
			p.next()
		} else {
			p.errorf(t2.Pos, "expected ':' in conditional expression, found %s", t2.describe())
			return &Ternary{P: cond.Start(), Cond: cond, Then: then, Else: &BadExpr{P: t2.Pos}}
		}
		p.skipNewlines()
		return &Ternary{P: cond.Start(), Cond: cond, Then: then, Else: p.expr()}
	}
	return cond
}

// tryLambda reads "x => body", "(x, y) => body" or "() => body" if one starts here.
func (p *parser) tryLambda() Expr {
	t := p.peek()
	j := p.i
	for p.toks[j].Kind == tNewline {
		j++
	}
	if t.Kind == tIdent && p.toks[j+1].Kind == tPunct && p.toks[j+1].Text == "=>" {
		p.next()
		p.next()
		p.skipNewlines()
		return &Lambda{P: t.Pos, Params: []string{t.Text}, Body: p.expr()}
	}
	if !(t.Kind == tPunct && t.Text == "(") {
		return nil
	}
	// Scan "(" ident {"," ident} ")" "=>" allowing newlines.
	k := j + 1
	var params []string
	for {
		for p.toks[k].Kind == tNewline {
			k++
		}
		if p.toks[k].Kind == tPunct && p.toks[k].Text == ")" {
			break
		}
		if p.toks[k].Kind != tIdent {
			return nil
		}
		params = append(params, p.toks[k].Text)
		k++
		for p.toks[k].Kind == tNewline {
			k++
		}
		if p.toks[k].Kind == tPunct && p.toks[k].Text == "," {
			k++
			continue
		}
		if p.toks[k].Kind == tPunct && p.toks[k].Text == ")" {
			break
		}
		return nil
	}
	k++
	if !(p.toks[k].Kind == tPunct && p.toks[k].Text == "=>") {
		return nil
	}
	p.i = k + 1
	p.skipNewlines()
	return &Lambda{P: t.Pos, Params: params, Body: p.expr()}
}

// Binary operator precedence, lowest first.
var precedence = map[string]int{
	"??": 1,
	"||": 2,
	"&&": 3,
	"==": 4, "!=": 4, "=~": 4, "!~": 4,
	"<": 5, "<=": 5, ">": 5, ">=": 5,
	"+": 6, "-": 6,
	"*": 7, "/": 7, "%": 7,
}

// continuesOnNextLine lists operators that may start a continuation line: none of them
// can start an array item or object property.
var continuesOnNextLine = map[string]bool{"??": true, "||": true, "&&": true}

func (p *parser) binary(minPrec int) Expr {
	left := p.unary()
	for {
		t := p.peek()
		j := p.i
		if t.Kind == tNewline {
			if nt, nj := p.peekPastNL(); nt.Kind == tPunct && continuesOnNextLine[nt.Text] {
				t, j = nt, nj
			}
		}
		if t.Kind != tPunct {
			return left
		}
		prec, ok := precedence[t.Text]
		if !ok || prec <= minPrec {
			return left
		}
		p.i = j
		p.next()
		p.skipNewlines()
		if !p.enter() {
			p.leave()
			return left
		}
		right := p.binary(prec)
		p.leave()
		left = &Binary{P: left.Start(), Op: t.Text, L: left, R: right}
	}
}

func (p *parser) unary() Expr {
	t := p.peek()
	if t.Kind == tPunct && (t.Text == "!" || t.Text == "-" || t.Text == "+") {
		p.next()
		if !p.enter() {
			p.leave()
			return &BadExpr{P: t.Pos}
		}
		x := p.unary()
		p.leave()
		// Fold "-5" into a literal so negative numbers print and compare simply.
		if lit, ok := x.(*IntLit); ok && t.Text == "-" {
			return &IntLit{P: t.Pos, Value: -lit.Value}
		}
		return &Unary{P: t.Pos, Op: t.Text, X: x}
	}
	return p.postfix(p.primary())
}

func (p *parser) postfix(x Expr) Expr {
	for {
		t := p.peek()
		if t.Kind != tPunct {
			return x
		}
		switch t.Text {
		case ".", ".?":
			p.next()
			nt := p.peek()
			if nt.Kind != tIdent {
				p.errorf(nt.Pos, "expected a property name after %q, found %s", t.Text, nt.describe())
				return x
			}
			p.next()
			if t.Text == "." && p.is("(") {
				x = &Call{P: x.Start(), Target: x, Name: nt.Text, Args: p.args()}
				continue
			}
			x = &Member{P: x.Start(), X: x, Name: nt.Text, Safe: t.Text == ".?"}
		case "[":
			p.next()
			p.push(true)
			safe := p.accept("?")
			idx := p.expr()
			p.pop()
			p.expect("]")
			x = &Index{P: x.Start(), X: x, Index: idx, Safe: safe}
		case "::":
			p.next()
			n, _ := p.ident("nested resource name")
			x = &ResourceAccess{P: x.Start(), X: x, Name: n}
		case "!":
			// Postfix non-null assertion; "!=" is lexed separately.
			p.next()
			x = &NonNull{P: x.Start(), X: x}
		default:
			return x
		}
	}
}

func (p *parser) args() []Expr {
	p.expect("(")
	p.push(true)
	var args []Expr
	for !p.is(")") && p.peek().Kind != tEOF {
		args = append(args, p.expr())
		if !p.accept(",") {
			break
		}
	}
	p.pop()
	p.expect(")")
	return args
}

func (p *parser) primary() Expr {
	t := p.peek()
	switch t.Kind {
	case tInt:
		p.next()
		v, err := strconv.ParseInt(t.Text, 10, 64)
		if err != nil {
			p.errorf(t.Pos, "integer %s out of range", t.Text)
		}
		return &IntLit{P: t.Pos, Value: v}
	case tString:
		p.next()
		return &StringLit{P: t.Pos, Parts: []string{t.Value}}
	case tStringHead:
		return p.interpolated()
	case tIdent:
		p.next()
		switch t.Text {
		case "true", "false":
			return &BoolLit{P: t.Pos, Value: t.Text == "true"}
		case "null":
			return &NullLit{P: t.Pos}
		}
		if p.is("(") {
			return &Call{P: t.Pos, Name: t.Text, Args: p.args()}
		}
		return &Ident{P: t.Pos, Name: t.Text}
	case tPunct:
		switch t.Text {
		case "(":
			p.next()
			p.push(true)
			x := p.expr()
			p.pop()
			p.expect(")")
			return &Paren{P: t.Pos, X: x}
		case "[":
			return p.array()
		case "{":
			return p.object()
		}
	}
	p.errorf(t.Pos, "expected an expression, found %s", t.describe())
	if t.Kind != tEOF && t.Kind != tNewline && !(t.Kind == tPunct && (t.Text == "}" || t.Text == "]" || t.Text == ")")) {
		p.next()
	}
	return &BadExpr{P: t.Pos}
}

func (p *parser) interpolated() Expr {
	t := p.next()
	s := &StringLit{P: t.Pos, Parts: []string{t.Value}}
	p.push(true)
	defer p.pop()
	for {
		s.Exprs = append(s.Exprs, p.expr())
		nt := p.peek()
		switch nt.Kind {
		case tStringMiddle:
			p.next()
			s.Parts = append(s.Parts, nt.Value)
			continue
		case tStringTail:
			p.next()
			s.Parts = append(s.Parts, nt.Value)
			return s
		}
		p.errorf(nt.Pos, "expected '}' to close string interpolation, found %s", nt.describe())
		s.Parts = append(s.Parts, "")
		return s
	}
}

// array reads "[ items ]" or "[for ...: body]". Items are separated by newlines or
// commas.
func (p *parser) array() Expr {
	start := p.expect("[")
	p.push(false)
	defer p.pop()
	if nt, j := p.peekPastNL(); nt.Kind == tIdent && nt.Text == "for" {
		p.i = j
		return p.forExpr(start)
	}
	a := &ArrayLit{P: start}
	last := -1
	for {
		p.skipNewlines()
		if p.is("]") || p.peek().Kind == tEOF || p.i == last {
			break
		}
		last = p.i
		if p.is("...") {
			sp := p.next().Pos
			a.Items = append(a.Items, &Spread{P: sp, X: p.expr()})
		} else {
			a.Items = append(a.Items, p.expr())
		}
		if p.accept(",") {
			continue
		}
		if k := p.peek().Kind; k != tNewline && !p.is("]") && k != tEOF {
			p.errorf(p.peek().Pos, "expected a new line, ',' or ']' after array item, found %s", p.peek().describe())
			p.syncItem()
		}
	}
	p.expect("]")
	return a
}

func (p *parser) forExpr(start Pos) Expr {
	p.next() // for
	f := &ForExpr{P: start}
	if p.accept("(") {
		f.Item, _ = p.ident("loop item name")
		p.expect(",")
		f.Index, _ = p.ident("loop index name")
		p.expect(")")
	} else {
		f.Item, _ = p.ident("loop item name")
	}
	if !p.isKeyword("in") {
		p.errorf(p.peek().Pos, "expected 'in' in for loop, found %s", p.peek().describe())
	} else {
		p.next()
	}
	p.push(true)
	f.Iter = p.expr()
	p.pop()
	p.expect(":")
	p.skipNewlines()
	if p.isKeyword("if") {
		f.Body = p.ifExpr()
	} else {
		f.Body = p.expr()
	}
	p.skipNewlines()
	p.expect("]")
	return f
}

func (p *parser) object() Expr {
	start := p.expect("{")
	p.push(false)
	defer p.pop()
	o := &ObjectLit{P: start}
	last := -1
loop:
	for {
		p.skipNewlines()
		if p.is("}") || p.peek().Kind == tEOF || p.i == last {
			break
		}
		last = p.i
		decs := p.decorators()
		t := p.peek()
		prop := &Property{P: t.Pos, Decorators: decs}
		switch {
		case t.Kind == tPunct && t.Text == "...":
			p.next()
			prop.Spread = p.expr()
		case t.Kind == tIdent && t.Text == "resource" && p.toks[p.i+1].Kind == tIdent:
			prop.Resource = p.resource(decs)
		case t.Kind == tIdent:
			p.next()
			prop.Key = t.Text
			p.expect(":")
			prop.Value = p.expr()
		case t.Kind == tString:
			p.next()
			prop.Key = t.Value
			p.expect(":")
			prop.Value = p.expr()
		case t.Kind == tStringHead:
			prop.KeyExpr = p.interpolated()
			p.expect(":")
			prop.Value = p.expr()
		default:
			p.errorf(t.Pos, "expected a property name, found %s", t.describe())
			if !(t.Kind == tPunct && (t.Text == "]" || t.Text == ")")) {
				p.next()
			}
			p.syncItem()
			if p.is("]") || p.is(")") {
				// A stray closer would loop forever; leave the object here.
				break loop
			}
			continue
		}
		o.Props = append(o.Props, prop)
		if p.accept(",") {
			continue
		}
		if k := p.peek().Kind; k != tNewline && !p.is("}") && k != tEOF {
			p.errorf(p.peek().Pos, "expected a new line, ',' or '}' after property, found %s", p.peek().describe())
			p.syncItem()
			if p.is("]") || p.is(")") {
				break loop
			}
		}
	}
	p.expect("}")
	return o
}
