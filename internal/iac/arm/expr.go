package arm

import (
	"fmt"
	"strconv"
	"strings"
)

// The ARM expression language: a "[...]" string holds one expression made of function
// calls, single-quoted string literals ('' escapes a quote), integers, and member
// (.name) or index ([expr]) access on any of them.

// node is one parsed expression.
type node interface{ pos() int }

type strLit struct {
	at int
	s  string
}

type numLit struct {
	at int
	n  float64
}

type call struct {
	at   int
	name string // lower-case; "ns.fn" for user-defined functions
	orig string // as written, for messages
	args []node
}

type member struct {
	at   int
	x    node
	name string
}

type index struct {
	at  int
	x   node
	idx node
}

func (n *strLit) pos() int { return n.at }
func (n *numLit) pos() int { return n.at }
func (n *call) pos() int   { return n.at }
func (n *member) pos() int { return n.at }
func (n *index) pos() int  { return n.at }

// maxExprDepth bounds nesting of calls and accessors within one expression.
const maxExprDepth = 128

// exprError is a syntax error at a byte offset inside the expression text.
type exprError struct {
	Offset int
	Msg    string
}

func (e *exprError) Error() string { return fmt.Sprintf("at offset %d: %s", e.Offset, e.Msg) }

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tLParen
	tRParen
	tLBrack
	tRBrack
	tComma
	tDot
)

func (k tokKind) String() string {
	return [...]string{"end of expression", "identifier", "string", "number", "'('", "')'", "'['", "']'", "','", "'.'"}[k]
}

type token struct {
	kind tokKind
	at   int
	text string // identifier, decoded string or number text
}

type parser struct {
	src   string
	pos   int
	tok   token
	depth int
}

// parseExpr parses the text between the outer brackets of an ARM expression.
func parseExpr(src string) (n node, err error) {
	p := &parser{src: src}
	if err := p.next(); err != nil {
		return nil, err
	}
	n, err = p.expr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, &exprError{p.tok.at, fmt.Sprintf("expected end of expression, found %s", p.describe())}
	}
	return n, nil
}

func (p *parser) describe() string {
	switch p.tok.kind {
	case tIdent:
		return strconv.Quote(p.tok.text)
	case tString:
		return "string '" + p.tok.text + "'"
	case tNumber:
		return "number " + p.tok.text
	}
	return p.tok.kind.String()
}

func (p *parser) next() error {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
	start := p.pos
	if p.pos >= len(p.src) {
		p.tok = token{kind: tEOF, at: start}
		return nil
	}
	c := p.src[p.pos]
	if k := punct(c); k != tEOF {
		p.pos++
		p.tok = token{kind: k, at: start}
		return nil
	}
	switch {
	case c == '\'':
		// Fast path: no doubled quote inside, so the text is a slice of the source.
		if end := strings.IndexByte(p.src[start+1:], '\''); end >= 0 {
			after := start + 1 + end + 1
			if after >= len(p.src) || p.src[after] != '\'' {
				p.pos = after
				p.tok = token{kind: tString, at: start, text: p.src[start+1 : start+1+end]}
				return nil
			}
		}
		var b strings.Builder
		p.pos++
		for {
			if p.pos >= len(p.src) {
				return &exprError{start, "unterminated string literal: expected a closing '"}
			}
			if p.src[p.pos] == '\'' {
				if p.pos+1 < len(p.src) && p.src[p.pos+1] == '\'' {
					b.WriteByte('\'')
					p.pos += 2
					continue
				}
				p.pos++
				break
			}
			b.WriteByte(p.src[p.pos])
			p.pos++
		}
		p.tok = token{kind: tString, at: start, text: b.String()}
	case c == '-' || c >= '0' && c <= '9':
		p.pos++
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		text := p.src[start:p.pos]
		if text == "-" {
			return &exprError{start, "expected a digit after '-'"}
		}
		p.tok = token{kind: tNumber, at: start, text: text}
	case isIdentStart(c):
		for p.pos < len(p.src) && isIdentPart(p.src[p.pos]) {
			p.pos++
		}
		p.tok = token{kind: tIdent, at: start, text: p.src[start:p.pos]}
	default:
		return &exprError{start, fmt.Sprintf("unexpected character %q", c)}
	}
	return nil
}

func punct(c byte) tokKind {
	switch c {
	case '(':
		return tLParen
	case ')':
		return tRParen
	case '[':
		return tLBrack
	case ']':
		return tRBrack
	case ',':
		return tComma
	case '.':
		return tDot
	}
	return tEOF
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func (p *parser) expect(k tokKind, what string) error {
	if p.tok.kind != k {
		return &exprError{p.tok.at, fmt.Sprintf("expected %s, found %s", what, p.describe())}
	}
	return p.next()
}

func (p *parser) expr() (node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxExprDepth {
		return nil, &exprError{p.tok.at, fmt.Sprintf("expression nested deeper than %d levels", maxExprDepth)}
	}
	var n node
	switch p.tok.kind {
	case tString:
		n = &strLit{at: p.tok.at, s: p.tok.text}
		if err := p.next(); err != nil {
			return nil, err
		}
	case tNumber:
		f, err := strconv.ParseFloat(p.tok.text, 64)
		if err != nil {
			return nil, &exprError{p.tok.at, fmt.Sprintf("invalid number %s", p.tok.text)}
		}
		n = &numLit{at: p.tok.at, n: f}
		if err := p.next(); err != nil {
			return nil, err
		}
	case tIdent:
		c, err := p.call()
		if err != nil {
			return nil, err
		}
		n = c
	default:
		return nil, &exprError{p.tok.at, fmt.Sprintf("expected a function call, string or number, found %s", p.describe())}
	}
	return p.accessors(n)
}

func (p *parser) call() (node, error) {
	at, name := p.tok.at, p.tok.text
	if err := p.next(); err != nil {
		return nil, err
	}
	// User-defined functions are called as namespace.name(...).
	if p.tok.kind == tDot {
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind != tIdent {
			return nil, &exprError{p.tok.at, fmt.Sprintf("expected a function name after %q., found %s", name, p.describe())}
		}
		name += "." + p.tok.text
		if err := p.next(); err != nil {
			return nil, err
		}
	}
	if p.tok.kind != tLParen {
		return nil, &exprError{p.tok.at, fmt.Sprintf("expected '(' after function name %q, found %s", name, p.describe())}
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	c := &call{at: at, name: strings.ToLower(name), orig: name, args: make([]node, 0, 4)}
	if p.tok.kind == tRParen {
		return c, p.next()
	}
	for {
		arg, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, arg)
		switch p.tok.kind {
		case tComma:
			if err := p.next(); err != nil {
				return nil, err
			}
		case tRParen:
			return c, p.next()
		default:
			return nil, &exprError{p.tok.at, fmt.Sprintf("expected ',' or ')' in the arguments of %s, found %s", name, p.describe())}
		}
	}
}

func (p *parser) accessors(n node) (node, error) {
	for {
		switch p.tok.kind {
		case tDot:
			at := p.tok.at
			if err := p.next(); err != nil {
				return nil, err
			}
			if p.tok.kind != tIdent {
				return nil, &exprError{p.tok.at, fmt.Sprintf("expected a property name after '.', found %s", p.describe())}
			}
			n = &member{at: at, x: n, name: p.tok.text}
			if err := p.next(); err != nil {
				return nil, err
			}
		case tLBrack:
			at := p.tok.at
			if err := p.next(); err != nil {
				return nil, err
			}
			idx, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(tRBrack, "']'"); err != nil {
				return nil, err
			}
			n = &index{at: at, x: n, idx: idx}
		default:
			return n, nil
		}
	}
}

// isExpression reports whether a JSON string is an ARM expression: it starts with '['
// and ends with ']', and does not start with "[[" (the escape for a literal '[').
func isExpression(s string) bool {
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && s[1] != '['
}

// literal returns the string a non-expression JSON string stands for.
func literal(s string) string {
	if len(s) >= 2 && s[0] == '[' && s[1] == '[' && s[len(s)-1] == ']' {
		return s[1:]
	}
	return s
}
