package iac

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/awaf/awaf"
)

// MaxDepth bounds how deeply JSON arrays and objects may nest before decoding gives up,
// so a hostile file cannot exhaust the stack.
const MaxDepth = 256

// SyntaxError is a JSON file that could not be read, with the place it went wrong.
type SyntaxError struct {
	Loc awaf.Location
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Loc.File, e.Loc.Line, e.Loc.Column, e.Msg)
}

// DecodeJSON reads one JSON document into a Value tree in which every value carries
// the file, line and column (1-based, in characters) where it starts. It accepts the
// comments ARM templates allow (// and /* */) and strings broken over several lines,
// and nothing else beyond RFC 8259. Object keys keep their source order; a repeated
// key keeps the last value.
func DecodeJSON(file string, data []byte) (*Value, error) {
	d := &decoder{file: file, data: data, line: 1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		d.pos, d.lineStart = 3, 3 // byte order mark
	}
	d.skipSpace()
	if d.err != nil {
		return nil, d.err
	}
	v := d.value(0)
	if d.err != nil {
		return nil, d.err
	}
	d.skipSpace()
	if d.err != nil {
		return nil, d.err
	}
	if d.pos < len(d.data) {
		return nil, d.fail("expected end of input after the top-level value, found %s", d.found())
	}
	return v, nil
}

// Deferred is a top-level array of a JSON document whose items are decoded one at a
// time, when asked for, rather than with the document: a template of tens of
// thousands of resources is then never held whole as values, only as its bytes.
// DecodeJSONDeferred gives it.
type Deferred struct {
	dec   decoder
	items []itemStart
	// Array is the placeholder the root holds for the array: its place, no items.
	Array *Value
}

// itemStart is the decoder's state at an item's first byte.
type itemStart struct {
	pos, line, lineStart, colLine, colPos, col int
}

// Len is the number of items.
func (a *Deferred) Len() int { return len(a.items) }

// Item decodes item i. The document was checked whole, so it cannot fail; the
// values come from a slab of their own, as DecodeJSON's do.
func (a *Deferred) Item(i int) *Value {
	s := a.items[i]
	d := &a.dec
	d.pos, d.line, d.lineStart, d.colLine, d.colPos, d.col = s.pos, s.line, s.lineStart, s.colLine, s.colPos, s.col
	d.err = nil
	return d.value(2)
}

// DecodeJSONDeferred is DecodeJSON for a document that may be one large object
// whose member key (matched case-insensitively, as Value.Field does) holds a long
// array: its items are checked, their places noted, and not decoded. The root holds
// the Deferred's Array placeholder under key. When the document is not such an
// object (no such member, not an array, the key given twice) or holds an error,
// it is decoded whole and the Deferred is nil: the caller reads the root as usual.
func DecodeJSONDeferred(file string, data []byte, key string) (*Value, *Deferred, error) {
	d := &decoder{file: file, data: data, line: 1, deferKey: key}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		d.pos, d.lineStart = 3, 3
	}
	d.skipSpace()
	var v *Value
	if d.err == nil {
		v = d.value(0)
	}
	if d.err == nil {
		d.skipSpace()
	}
	if d.err != nil || d.pos < len(d.data) || (d.deferred != nil && d.deferSeen != 1) {
		// Errors are found and worded by the plain decoder, and a key given twice
		// is settled by it.
		v, err := DecodeJSON(file, data)
		return v, nil, err
	}
	if d.deferred == nil {
		return v, nil, nil // nothing was deferred: v is whole
	}
	a := d.deferred
	a.dec = decoder{file: file, data: data}
	return v, a, nil
}

// deferArray checks the array at the current place item by item, noting where
// each starts, without building them.
func (d *decoder) deferArray(loc awaf.Location, depth int) *Value {
	a := &Deferred{}
	d.pos++ // [
	d.skipSpace()
	if d.err != nil {
		return nil
	}
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
	} else {
		for {
			d.loc() // brings the column cache to the item's start
			a.items = append(a.items, itemStart{d.pos, d.line, d.lineStart, d.colLine, d.colPos, d.col})
			d.discard = true
			d.value(depth + 1)
			d.discard = false
			if d.err != nil {
				return nil
			}
			d.skipSpace()
			if d.err != nil {
				return nil
			}
			if d.pos >= len(d.data) {
				d.fail("expected ',' or ']' to continue the array opened at line %d, found end of input", loc.Line)
				return nil
			}
			if d.data[d.pos] == ']' {
				d.pos++
				break
			}
			if d.data[d.pos] != ',' {
				d.fail("expected ',' or ']' in array, found %s", d.found())
				return nil
			}
			d.pos++
			d.skipSpace()
			if d.err != nil {
				return nil
			}
		}
	}
	a.Array = d.newValue(Array, loc)
	a.Array.Items = []*Value{}
	d.deferred = a
	return a.Array
}

type decoder struct {
	file      string
	data      []byte
	pos       int
	line      int
	lineStart int
	err       error
	// column cache for loc
	colLine, colPos, col int
	// slab hands out Values from chunks: one allocation per many values. A value
	// kept after the file is done holds its whole chunk, so whoever keeps a few
	// values of a file copies them (Value.Clone).
	slab []Value
	// discard checks syntax without building values (the items of a deferred
	// array): every value is the one scratch value, objects get no fields, arrays
	// no items.
	discard bool
	scratch Value
	// deferKey names the top-level member whose array is deferred; deferred
	// collects its items' places, deferSeen counts the members so named.
	deferKey  string
	deferred  *Deferred
	deferSeen int
}

func (d *decoder) newValue(kind Kind, loc awaf.Location) *Value {
	if d.discard {
		d.scratch = Value{Kind: kind, Loc: loc}
		return &d.scratch
	}
	if len(d.slab) == 0 {
		d.slab = make([]Value, 128)
	}
	v := &d.slab[0]
	d.slab = d.slab[1:]
	v.Kind, v.Loc = kind, loc
	return v
}

func (d *decoder) loc() awaf.Location {
	// Columns count characters; counting resumes from the last place asked about on
	// the same line, so long minified lines stay linear.
	if d.colLine != d.line || d.colPos < d.lineStart || d.colPos > d.pos {
		d.colLine, d.colPos, d.col = d.line, d.lineStart, 1
	}
	d.col += utf8.RuneCount(d.data[d.colPos:d.pos])
	d.colPos = d.pos
	return awaf.Location{File: d.file, Line: d.line, Column: d.col}
}

func (d *decoder) fail(format string, args ...any) error {
	if d.err == nil {
		d.err = &SyntaxError{Loc: d.loc(), Msg: fmt.Sprintf(format, args...)}
	}
	return d.err
}

// found describes the input at the current position for error messages.
func (d *decoder) found() string {
	if d.pos >= len(d.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(d.data[d.pos:])
	return strconv.QuoteRune(r)
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; c {
		case '\n':
			d.pos++
			d.line++
			d.lineStart = d.pos
		case ' ', '\t', '\r':
			d.pos++
		case '/':
			if d.pos+1 >= len(d.data) {
				d.fail("expected a comment after '/'")
				return
			}
			switch d.data[d.pos+1] {
			case '/':
				for d.pos < len(d.data) && d.data[d.pos] != '\n' {
					d.pos++
				}
			case '*':
				start := d.loc()
				d.pos += 2
				for {
					if d.pos+1 >= len(d.data) {
						d.err = &SyntaxError{Loc: start, Msg: "unterminated /* comment"}
						return
					}
					if d.data[d.pos] == '*' && d.data[d.pos+1] == '/' {
						d.pos += 2
						break
					}
					if d.data[d.pos] == '\n' {
						d.line++
						d.lineStart = d.pos + 1
					}
					d.pos++
				}
			default:
				d.fail("expected a comment after '/'")
				return
			}
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) *Value {
	if depth > MaxDepth {
		d.fail("nesting deeper than %d levels", MaxDepth)
		return nil
	}
	if d.pos >= len(d.data) {
		d.fail("expected a value, found end of input")
		return nil
	}
	loc := d.loc()
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(loc, depth)
	case c == '[':
		return d.array(loc, depth)
	case c == '"':
		s, ok := d.str()
		if !ok {
			return nil
		}
		v := d.newValue(String, loc)
		v.Str = s
		return v
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number(loc)
	case c == 't':
		if d.literal("true") {
			v := d.newValue(Bool, loc)
			v.Bool = true
			return v
		}
	case c == 'f':
		if d.literal("false") {
			return d.newValue(Bool, loc)
		}
	case c == 'n':
		if d.literal("null") {
			return d.newValue(Null, loc)
		}
	}
	d.fail("expected a value (object, array, string, number, true, false or null), found %s", d.found())
	return nil
}

func (d *decoder) literal(word string) bool {
	if strings.HasPrefix(string(d.data[d.pos:min(len(d.data), d.pos+len(word))]), word) {
		end := d.pos + len(word)
		if end < len(d.data) && isIdentByte(d.data[end]) {
			return false
		}
		d.pos = end
		return true
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (d *decoder) object(loc awaf.Location, depth int) *Value {
	v := d.newValue(Object, loc)
	if !d.discard {
		v.Fields, v.Keys = map[string]*Value{}, make([]string, 0, 4)
	}
	d.pos++ // {
	d.skipSpace()
	if d.err != nil {
		return nil
	}
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return v
	}
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			d.fail("expected a property name in double quotes, found %s", d.found())
			return nil
		}
		key, ok := d.str()
		if !ok {
			return nil
		}
		d.skipSpace()
		if d.err != nil {
			return nil
		}
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			d.fail("expected ':' after property name %q, found %s", key, d.found())
			return nil
		}
		d.pos++
		d.skipSpace()
		if d.err != nil {
			return nil
		}
		var f *Value
		if depth == 0 && d.deferKey != "" && strings.EqualFold(key, d.deferKey) {
			d.deferSeen++
			if d.deferSeen == 1 && d.pos < len(d.data) && d.data[d.pos] == '[' {
				f = d.deferArray(d.loc(), depth+1)
			} else {
				f = d.value(depth + 1)
			}
		} else {
			f = d.value(depth + 1)
		}
		if d.err != nil {
			return nil
		}
		if !d.discard {
			if _, dup := v.Fields[key]; !dup {
				v.Keys = append(v.Keys, key)
			}
			v.Fields[key] = f
		}
		d.skipSpace()
		if d.err != nil {
			return nil
		}
		if d.pos >= len(d.data) {
			d.fail("expected ',' or '}' to continue the object opened at line %d, found end of input", loc.Line)
			return nil
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
			if d.err != nil {
				return nil
			}
		case '}':
			d.pos++
			return v
		default:
			d.fail("expected ',' or '}' after the value of %q, found %s", key, d.found())
			return nil
		}
	}
}

func (d *decoder) array(loc awaf.Location, depth int) *Value {
	v := d.newValue(Array, loc)
	if !d.discard {
		v.Items = []*Value{}
	}
	d.pos++ // [
	d.skipSpace()
	if d.err != nil {
		return nil
	}
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return v
	}
	for {
		it := d.value(depth + 1)
		if d.err != nil {
			return nil
		}
		if !d.discard {
			v.Items = append(v.Items, it)
		}
		d.skipSpace()
		if d.err != nil {
			return nil
		}
		if d.pos >= len(d.data) {
			d.fail("expected ',' or ']' to continue the array opened at line %d, found end of input", loc.Line)
			return nil
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
			if d.err != nil {
				return nil
			}
		case ']':
			d.pos++
			return v
		default:
			d.fail("expected ',' or ']' in array, found %s", d.found())
			return nil
		}
	}
}

func (d *decoder) number(loc awaf.Location) *Value {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	intStart := d.pos
	if digits() == 0 {
		d.fail("expected a digit in number, found %s", d.found())
		return nil
	}
	if d.data[intStart] == '0' && d.pos-intStart > 1 {
		d.pos = intStart + 1
		d.fail("a number must not start with 0")
		return nil
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if digits() == 0 {
			d.fail("expected a digit after the decimal point, found %s", d.found())
			return nil
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			d.fail("expected a digit in the exponent, found %s", d.found())
			return nil
		}
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil {
		// Only a range error gets here; ParseFloat still returns ±Inf.
		d.pos = start
		d.fail("number %s is out of range", d.data[start:min(len(d.data), start+32)])
		return nil
	}
	v := d.newValue(Number, loc)
	v.Number = f
	return v
}

// str reads a string token starting at the opening quote.
func (d *decoder) str() (string, bool) {
	quote, qLine, qLineStart := d.pos, d.line, d.lineStart
	d.pos++ // opening quote
	start := d.pos
	// Fast path: no escapes, no control characters.
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			if d.discard {
				d.pos++
				return "", true
			}
			s := string(d.data[start:d.pos])
			d.pos++
			if !ascii && !utf8.ValidString(s) {
				return strings.ToValidUTF8(s, "\uFFFD"), true
			}
			return s, true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		if c >= 0x80 {
			ascii = false
		}
		d.pos++
	}
	var b strings.Builder
	b.Write(d.data[start:d.pos])
	for {
		if d.pos >= len(d.data) {
			d.pos, d.line, d.lineStart = quote, qLine, qLineStart
			d.fail("unterminated string: expected a closing '\"' for the string that starts here")
			return "", false
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return strings.ToValidUTF8(b.String(), "\uFFFD"), true
		case c == '\n':
			// ARM accepts strings broken over several lines (tab and CR too).
			b.WriteByte(c)
			d.pos++
			d.line++
			d.lineStart = d.pos
			continue
		case c == '\r' || c == '\t':
			b.WriteByte(c)
			d.pos++
			continue
		case c < 0x20:
			d.fail("control character %#x in string must be escaped", c)
			return "", false
		case c != '\\':
			b.WriteByte(c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.data) {
			d.fail("unterminated string")
			return "", false
		}
		e := d.data[d.pos+1]
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := d.hex4(d.pos + 2)
			if !ok {
				d.fail("expected four hex digits after \\u")
				return "", false
			}
			d.pos += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := d.hex4(d.pos + 2); ok && d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						d.pos += 6
						b.WriteRune(dec)
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default:
			d.pos++
			d.fail("invalid escape \\%c in string", e)
			return "", false
		}
		d.pos += 2
	}
}

func (d *decoder) hex4(at int) (rune, bool) {
	if at+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[at : at+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}
