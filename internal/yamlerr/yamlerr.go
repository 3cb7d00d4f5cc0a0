// Package yamlerr places a YAML syntax error where the user can see it. yaml.v3 reports
// a syntax error at the start of the enclosing collection, counting lines from 0 for
// parser errors and from 1 for scanner errors, and without a column: an unclosed
// `[` two lines up is blamed on the line before it. Locate finds the line where the
// document stops being valid YAML instead.
package yamlerr

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// unclosed is the index of the last '[' or '{' in text that text does not close,
// outside quotes; -1 if none.
func unclosed(text string) int {
	var open []int
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || text[i-1] == ' '):
			i = len(text)
		case c == '[' || c == '{':
			open = append(open, i)
		case (c == ']' || c == '}') && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	if len(open) == 0 {
		return -1
	}
	return open[len(open)-1]
}

// Locate returns the 1-based line and column of the first line at which data fails
// with the same syntax error as err, and the message without yaml.v3's "yaml: line N:"
// prefix. For an unclosed bracket that is the bracket itself. ok is false when err is not a syntax error of data (a type error, say); the
// caller then keeps its own reading.
func Locate(data []byte, err error) (line, col int, msg string, ok bool) {
	if err == nil {
		return 0, 0, "", false
	}
	if _, isType := err.(*yaml.TypeError); isType {
		return 0, 0, "", false
	}
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	if n, _ := fmt.Sscanf(msg, "line %d:", &reported); n == 1 {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	fails := func(k int) bool {
		var n yaml.Node
		e := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		return e != nil && strings.HasSuffix(e.Error(), msg)
	}
	// The parser stops at the first error, so once a prefix fails this way every longer
	// prefix does: the smallest failing prefix ends on the line at fault.
	if !fails(len(lines)) {
		return 0, 0, "", false
	}
	lo, hi := 1, len(lines)
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	line = lo
	text := strings.TrimRight(string(lines[line-1]), "\r\n")
	col = len(text) - len(strings.TrimLeft(text, " ")) + 1
	if strings.TrimSpace(text) == "" {
		col = 1
	}
	// An unclosed flow collection fails on the line that opens it: point at the bracket.
	if strings.HasPrefix(msg, "did not find expected") {
		if i := unclosed(text); i >= 0 {
			col = i + 1
			msg += fmt.Sprintf("; the %c here is not closed", text[i])
		}
	}
	return line, col, msg, true
}
