package awslens

import (
	"fmt"
	"strings"
)

// AWS risk conditions are boolean expressions over choice ids with &&, || and !, and
// parentheses. They are valid CEL, so awaf keeps them as they are and only renames the
// ids (AWS ids may be upper case; awaf's are lower case). The renaming works on tokens,
// so spacing and parentheses survive a round trip byte for byte.

// renameIDs replaces every id in cond through rename. It fails on anything that is not
// an id, an operator, a parenthesis or space, and on ids rename does not know.
func renameIDs(cond string, rename func(string) (string, bool)) (string, error) {
	if strings.TrimSpace(cond) == condDeflt {
		return cond, nil
	}
	var b strings.Builder
	ids := 0
	for i := 0; i < len(cond); {
		c := cond[i]
		switch {
		case isIDByte(c):
			j := i
			for j < len(cond) && isIDByte(cond[j]) {
				j++
			}
			id := cond[i:j]
			to, ok := rename(id)
			if !ok {
				return "", fmt.Errorf("condition %q names %q, which is not a choice of this question", cond, id)
			}
			b.WriteString(to)
			ids++
			i = j
		case c == '&' || c == '|':
			if i+1 >= len(cond) || cond[i+1] != c {
				return "", fmt.Errorf("condition %q: %q at offset %d must be doubled (%c%c)", cond, c, i, c, c)
			}
			b.WriteString(cond[i : i+2])
			i += 2
		case c == '!' || c == '(' || c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			b.WriteByte(c)
			i++
		default:
			return "", fmt.Errorf("condition %q: %q at offset %d is not allowed; conditions use choice ids, &&, ||, ! and parentheses", cond, c, i)
		}
	}
	if ids == 0 {
		return "", fmt.Errorf("condition %q names no choice", cond)
	}
	if err := checkGrammar(cond); err != nil {
		return "", err
	}
	return b.String(), nil
}

func isIDByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// checkGrammar parses cond as AWS writes conditions: or-expressions of
// and-expressions of ids, negations and parenthesized expressions. renameIDs has
// already checked the characters; this catches a missing parenthesis or operand.
func checkGrammar(cond string) error {
	if strings.TrimSpace(cond) == condDeflt {
		return nil
	}
	p := &condParser{s: cond}
	if err := p.or(0); err != nil {
		return fmt.Errorf("condition %q: %w", cond, err)
	}
	if tok := p.next(); tok != "" {
		return fmt.Errorf("condition %q: unexpected %q at offset %d", cond, tok, p.at)
	}
	return nil
}

type condParser struct {
	s   string
	pos int
	at  int // where the last token started
}

// maxCondDepth bounds nesting so a hostile condition cannot exhaust the stack.
const maxCondDepth = 64

func (p *condParser) next() string {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
	p.at = p.pos
	if p.pos >= len(p.s) {
		return ""
	}
	c := p.s[p.pos]
	switch {
	case isIDByte(c):
		j := p.pos
		for j < len(p.s) && isIDByte(p.s[j]) {
			j++
		}
		tok := p.s[p.pos:j]
		p.pos = j
		return tok
	case (c == '&' || c == '|') && p.pos+1 < len(p.s) && p.s[p.pos+1] == c:
		p.pos += 2
		return p.s[p.at:p.pos]
	}
	p.pos++
	return string(c)
}

func (p *condParser) peek() string {
	pos, at := p.pos, p.at
	tok := p.next()
	p.pos, p.at = pos, at
	return tok
}

func (p *condParser) or(depth int) error {
	if err := p.and(depth); err != nil {
		return err
	}
	for p.peek() == "||" {
		p.next()
		if err := p.and(depth); err != nil {
			return err
		}
	}
	return nil
}

func (p *condParser) and(depth int) error {
	if err := p.unary(depth); err != nil {
		return err
	}
	for p.peek() == "&&" {
		p.next()
		if err := p.unary(depth); err != nil {
			return err
		}
	}
	return nil
}

func (p *condParser) unary(depth int) error {
	if depth > maxCondDepth {
		return fmt.Errorf("nested more than %d levels", maxCondDepth)
	}
	tok := p.next()
	switch {
	case tok == "!":
		return p.unary(depth + 1)
	case tok == "(":
		open := p.at
		if err := p.or(depth + 1); err != nil {
			return err
		}
		if t := p.next(); t != ")" {
			return fmt.Errorf("missing ) for the ( at offset %d", open)
		}
		return nil
	case tok != "" && isIDByte(tok[0]):
		return nil
	case tok == "":
		return fmt.Errorf("ends where a choice id, ! or ( was expected")
	}
	return fmt.Errorf("%q at offset %d where a choice id, ! or ( was expected", tok, p.at)
}
