package bicep

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pos is a place in a source file. Line and Col start at 1; Col counts runes.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// TokenKind is the kind of a Token.
type TokenKind uint8

// Token kinds. A string with interpolation is lexed as a tStringHead ('abc${), any
// number of tStringMiddle (}def${) and a tStringTail (}ghi'), with the tokens of each
// embedded expression in between, so the parser reads them as ordinary expressions.
const (
	tEOF TokenKind = iota
	tNewline
	tIdent
	tInt
	tString       // a complete string without interpolation; Value holds the decoded text
	tStringHead   // 'text${
	tStringMiddle // }text${
	tStringTail   // }text'
	tPunct        // operators and delimiters; Text holds the symbol
	tIllegal
)

var kindNames = [...]string{"end of file", "newline", "identifier", "integer", "string",
	"string", "string", "string", "symbol", "illegal character"}

func (k TokenKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "token"
}

// Token is one lexical token. Value is the decoded text of string pieces.
type Token struct {
	Kind  TokenKind
	Text  string // source text (for tPunct the symbol, for tIdent the name)
	Value string // decoded string content for tString, tStringHead, tStringMiddle, tStringTail
	Pos   Pos
	Err   string // for tIllegal tokens and malformed strings
}

func (t Token) describe() string {
	switch t.Kind {
	case tEOF, tNewline:
		return t.Kind.String()
	case tPunct, tIdent, tInt:
		return fmt.Sprintf("%q", t.Text)
	}
	return t.Kind.String()
}

// punctLen returns the length of the operator or delimiter at the start of s, or 0.
// Longer symbols win: "=~" over "=", "..." over ".".
func punctLen(s string) int {
	if strings.HasPrefix(s, "...") {
		return 3
	}
	if len(s) >= 2 {
		switch s[:2] {
		case "=~", "!~", "==", "!=", "<=", ">=", "&&", "||", "??", ".?", "=>", "::":
			return 2
		}
	}
	switch s[0] {
	case '{', '}', '[', ']', '(', ')', ',', '.', ':', '?', '=', '<', '>', '+', '-', '*', '/', '%', '!', '@', '|':
		return 1
	}
	return 0
}

type lexer struct {
	src  string
	off  int
	line int
	col  int
	toks []Token
	// interp holds, for each string interpolation we are inside, the depth of
	// braces opened since its "${"; a "}" at depth 0 resumes the string.
	interp []int
}

// Lex splits src into tokens. It never fails: bad input becomes tIllegal tokens or
// tokens with Err set, which the parser reports with their position.
func Lex(src string) []Token {
	// Bicep averages five to six bytes a token; sizing up front avoids regrowing.
	lx := &lexer{src: src, line: 1, col: 1, toks: make([]Token, 0, len(src)/5+16)}
	lx.run()
	return lx.toks
}

func (lx *lexer) pos() Pos { return Pos{lx.line, lx.col} }

func (lx *lexer) peekByte(n int) byte {
	if lx.off+n < len(lx.src) {
		return lx.src[lx.off+n]
	}
	return 0
}

// advance moves over n bytes, keeping line and column right.
func (lx *lexer) advance(n int) {
	end := lx.off + n
	for lx.off < end && lx.off < len(lx.src) {
		if c := lx.src[lx.off]; c < utf8.RuneSelf && c != '\n' {
			lx.off++
			lx.col++
			continue
		}
		r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
		lx.off += size
		if r == '\n' {
			lx.line++
			lx.col = 1
		} else {
			lx.col++
		}
	}
}

func (lx *lexer) emit(t Token) { lx.toks = append(lx.toks, t) }

func (lx *lexer) run() {
	for {
		// Skip blanks and comments; collapse newlines into one token.
		for lx.off < len(lx.src) {
			c := lx.src[lx.off]
			switch {
			case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
				lx.advance(1)
				continue
			case c == '/' && lx.peekByte(1) == '/':
				for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
					lx.advance(1)
				}
				continue
			case c == '/' && lx.peekByte(1) == '*':
				p := lx.pos()
				end := strings.Index(lx.src[lx.off+2:], "*/")
				if end < 0 {
					lx.advance(len(lx.src) - lx.off)
					lx.emit(Token{Kind: tIllegal, Pos: p, Text: "/*", Err: "unterminated block comment"})
					continue
				}
				lx.advance(end + 4)
				continue
			case c == '#' && (lx.off == 0 || lineStart(lx.src, lx.off)):
				// A pragma such as "#disable-next-line BCP036" speaks to the Bicep
				// linter; it has no meaning for evaluation.
				for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
					lx.advance(1)
				}
				continue
			case c == '\n':
				p := lx.pos()
				lx.advance(1)
				if n := len(lx.toks); n == 0 || lx.toks[n-1].Kind != tNewline {
					lx.emit(Token{Kind: tNewline, Pos: p, Text: "\n"})
				}
				continue
			}
			break
		}
		if lx.off >= len(lx.src) {
			lx.emit(Token{Kind: tEOF, Pos: lx.pos()})
			return
		}
		lx.next()
	}
}

// lineStart reports whether only blanks precede off on its line.
func lineStart(src string, off int) bool {
	for i := off - 1; i >= 0; i-- {
		switch src[i] {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return true
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (lx *lexer) next() {
	p := lx.pos()
	c := lx.src[lx.off]
	switch {
	case isIdentStart(c):
		start := lx.off
		for lx.off < len(lx.src) && (isIdentStart(lx.src[lx.off]) || isDigit(lx.src[lx.off])) {
			lx.advance(1)
		}
		lx.emit(Token{Kind: tIdent, Text: lx.src[start:lx.off], Pos: p})
		return
	case isDigit(c):
		start := lx.off
		for lx.off < len(lx.src) && isDigit(lx.src[lx.off]) {
			lx.advance(1)
		}
		lx.emit(Token{Kind: tInt, Text: lx.src[start:lx.off], Pos: p})
		return
	case c == '\'':
		if strings.HasPrefix(lx.src[lx.off:], "'''") {
			lx.multiline(p)
			return
		}
		lx.advance(1)
		lx.stringBody(p, true)
		return
	case c == '}' && len(lx.interp) > 0 && lx.interp[len(lx.interp)-1] == 0:
		lx.interp = lx.interp[:len(lx.interp)-1]
		lx.advance(1)
		lx.stringBody(p, false)
		return
	}
	if n := punctLen(lx.src[lx.off:]); n > 0 {
		s := lx.src[lx.off : lx.off+n]
		{
			if len(lx.interp) > 0 {
				switch s {
				case "{":
					lx.interp[len(lx.interp)-1]++
				case "}":
					lx.interp[len(lx.interp)-1]--
				}
			}
			lx.advance(len(s))
			lx.emit(Token{Kind: tPunct, Text: s, Pos: p})
			return
		}
	}
	r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
	lx.advance(size)
	lx.emit(Token{Kind: tIllegal, Text: string(r), Pos: p, Err: fmt.Sprintf("unexpected character %q", r)})
}

// multiline reads a ”'...”' string: no escapes and no interpolation; a newline right
// after the opening quotes is not part of the value.
func (lx *lexer) multiline(p Pos) {
	start := lx.off
	lx.advance(3)
	body := lx.off
	end := strings.Index(lx.src[body:], "'''")
	if end < 0 {
		lx.advance(len(lx.src) - lx.off)
		lx.emit(Token{Kind: tString, Pos: p, Text: lx.src[start:], Err: "unterminated multi-line string"})
		return
	}
	// A run of quotes longer than three at the end belongs to the content.
	for body+end+3 < len(lx.src) && lx.src[body+end+3] == '\'' {
		end++
	}
	v := lx.src[body : body+end]
	if strings.HasPrefix(v, "\r\n") {
		v = v[2:]
	} else if strings.HasPrefix(v, "\n") {
		v = v[1:]
	}
	lx.advance(end + 3)
	lx.emit(Token{Kind: tString, Pos: p, Text: lx.src[start:lx.off], Value: v})
}

// stringBody reads string content after an opening quote (first) or after the "}"
// that closes an interpolation, up to the closing quote or the next "${".
func (lx *lexer) stringBody(p Pos, first bool) {
	start := lx.off
	// Fast path: most strings hold no escapes, so their value is a slice of the source.
	j := lx.off
	for j < len(lx.src) {
		c := lx.src[j]
		if c == '\'' || c == '\\' || c == '\n' || (c == '$' && j+1 < len(lx.src) && lx.src[j+1] == '{') {
			break
		}
		j++
	}
	if j < len(lx.src) && (lx.src[j] == '\'' || lx.src[j] == '$') {
		lit := lx.src[start:j]
		lx.advance(j - lx.off)
		if lx.src[j] == '\'' {
			lx.advance(1)
			kind := tStringTail
			if first {
				kind = tString
			}
			lx.emit(Token{Kind: kind, Pos: p, Text: lx.src[start:lx.off], Value: lit})
			return
		}
		lx.advance(2)
		kind := tStringMiddle
		if first {
			kind = tStringHead
		}
		lx.emit(Token{Kind: kind, Pos: p, Text: lx.src[start:lx.off], Value: lit})
		lx.interp = append(lx.interp, 0)
		return
	}
	var b strings.Builder
	errMsg := ""
	badEscape := func() {
		if errMsg == "" {
			errMsg = fmt.Sprintf("unknown escape sequence at %s", lx.pos())
		}
	}
	for {
		if lx.off >= len(lx.src) || lx.src[lx.off] == '\n' {
			kind := tStringTail
			if first {
				kind = tString
			}
			lx.emit(Token{Kind: kind, Pos: p, Text: lx.src[start:lx.off], Value: b.String(), Err: "unterminated string"})
			return
		}
		c := lx.src[lx.off]
		switch {
		case c == '\'':
			lx.advance(1)
			kind := tStringTail
			if first {
				kind = tString
			}
			lx.emit(Token{Kind: kind, Pos: p, Text: lx.src[start:lx.off], Value: b.String(), Err: errMsg})
			return
		case c == '$' && lx.peekByte(1) == '{':
			lx.advance(2)
			kind := tStringMiddle
			if first {
				kind = tStringHead
			}
			lx.emit(Token{Kind: kind, Pos: p, Text: lx.src[start:lx.off], Value: b.String(), Err: errMsg})
			lx.interp = append(lx.interp, 0)
			return
		case c == '\\':
			esc := lx.peekByte(1)
			switch esc {
			case '\\', '\'', '$':
				b.WriteByte(esc)
				lx.advance(2)
			case 'n':
				b.WriteByte('\n')
				lx.advance(2)
			case 'r':
				b.WriteByte('\r')
				lx.advance(2)
			case 't':
				b.WriteByte('\t')
				lx.advance(2)
			case 'u':
				// \u{hex}
				rest := lx.src[lx.off+2:]
				if strings.HasPrefix(rest, "{") {
					if end := strings.IndexByte(rest, '}'); end > 1 {
						if n, err := strconv.ParseUint(rest[1:end], 16, 32); err == nil && n <= utf8.MaxRune {
							b.WriteRune(rune(n))
							lx.advance(2 + end + 1)
							continue
						}
					}
				}
				badEscape()
				b.WriteString(`\u`)
				lx.advance(2)
			default:
				badEscape()
				b.WriteByte('\\')
				lx.advance(1)
			}
		default:
			r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
			b.WriteRune(r)
			lx.advance(size)
		}
	}
}
