package bicep

import (
	"fmt"
	"strings"
	"testing"
)

// render shows tokens compactly: kind:text@line:col, strings with their decoded value.
func render(toks []Token) string {
	var parts []string
	for _, t := range toks {
		var s string
		switch t.Kind {
		case tEOF:
			s = "EOF"
		case tNewline:
			s = "NL"
		case tString, tStringHead, tStringMiddle, tStringTail:
			s = fmt.Sprintf("%s(%q)", [...]string{tString: "S", tStringHead: "SH", tStringMiddle: "SM", tStringTail: "ST"}[t.Kind], t.Value)
		default:
			s = t.Text
		}
		if t.Err != "" {
			s += "!" + t.Err
		}
		parts = append(parts, fmt.Sprintf("%s@%d:%d", s, t.Pos.Line, t.Pos.Col))
	}
	return strings.Join(parts, " ")
}

func TestLex(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"declaration", "param x int = 1", "param@1:1 x@1:7 int@1:9 =@1:13 1@1:15 EOF@1:16"},
		{"newlines collapse and comments vanish", "a // note\n\n/* block\ncomment */ b", "a@1:1 NL@1:10 b@4:12 EOF@4:13"},
		{"escapes", `'it\'s \\ \n \t \$ \u{1F600}'`, `S("it's \\ \n \t $ 😀")@1:1 EOF@1:30`},
		{"interpolation", "'a${b}c${d}e'", `SH("a")@1:1 b@1:5 SM("c")@1:6 d@1:10 ST("e")@1:11 EOF@1:14`},
		{"object inside interpolation", "'${ {a: 1}.a }'", `SH("")@1:1 {@1:5 a@1:6 :@1:7 1@1:9 }@1:10 .@1:11 a@1:12 ST("")@1:14 EOF@1:16`},
		{"nested string in interpolation", "'x${f('y${z}')}'", `SH("x")@1:1 f@1:5 (@1:6 SH("y")@1:7 z@1:11 ST("")@1:12 )@1:14 ST("")@1:15 EOF@1:17`},
		{"multi-line string keeps text verbatim", "'''\nline ${x}\n\\n'''", `S("line ${x}\n\\n")@1:1 EOF@3:6`},
		{"operators", "a.?b ?? c =~ d != e >= f => g :: h ... i", "a@1:1 .?@1:2 b@1:4 ??@1:6 c@1:9 =~@1:11 d@1:14 !=@1:16 e@1:19 >=@1:21 f@1:24 =>@1:26 g@1:29 ::@1:31 h@1:34 ...@1:36 i@1:40 EOF@1:41"},
		{"columns count runes", "'é' x", `S("é")@1:1 x@1:5 EOF@1:6`},
		{"unterminated string", "'abc\nx", `S("abc")!unterminated string@1:1 NL@1:5 x@2:1 EOF@2:2`},
		{"bad escape", `'\q'`, `S("\\q")!unknown escape sequence at 1:2@1:1 EOF@1:5`},
		{"illegal character", "a # b", "a@1:1 #!unexpected character '#'@1:3 b@1:5 EOF@1:6"},
		{"unterminated comment", "a /* b", "a@1:1 /*!unterminated block comment@1:3 EOF@1:7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(Lex(tt.src)); got != tt.want {
				t.Errorf("Lex(%q)\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}
