package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Row is one prediction record, from a JSONL object or a CSV line. Values are looked up
// by column name; a missing key, an empty CSV cell and a JSON null all count as absent.
type Row struct {
	Line int
	// JSONL: top-level key/value spans into the line buffer.
	keys, vals [][]byte
	// CSV: the record and the header's column index.
	cells  []string
	header map[string]int
}

func (r *Row) lookup(key string) ([]byte, bool) {
	if r.header != nil {
		i, ok := r.header[key]
		if !ok || i >= len(r.cells) || r.cells[i] == "" {
			return nil, false
		}
		return nil, true
	}
	for i, k := range r.keys {
		if string(k) == key {
			v := r.vals[i]
			if len(v) == 4 && string(v) == "null" {
				return nil, false
			}
			return v, true
		}
	}
	return nil, false
}

// Has reports whether the row holds a value for key.
func (r *Row) Has(key string) bool {
	_, ok := r.lookup(key)
	return ok
}

// Text returns the value of key as text. JSON numbers are written in their shortest
// form, so 1 and 1.0 are the same class.
func (r *Row) Text(key string) (string, error) {
	v, ok := r.lookup(key)
	if !ok {
		return "", fmt.Errorf("%q is missing", key)
	}
	if r.header != nil {
		return r.cells[r.header[key]], nil
	}
	switch v[0] {
	case '"':
		return jsonString(v)
	case 't', 'f':
		return string(v), nil
	case '[', '{':
		return "", fmt.Errorf("%q: want a string or number, got %s", key, kindOf(v))
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return "", fmt.Errorf("%q: bad number %s", key, v)
	}
	return strconv.FormatFloat(f, 'g', -1, 64), nil
}

// AppendText appends the value of key as Text would return it, without allocating in
// the common cases (a plain string, an integer, a CSV cell). The class labels of a
// million-row file go through it.
func (r *Row) AppendText(dst []byte, key string) ([]byte, error) {
	v, ok := r.lookup(key)
	if !ok {
		return dst, fmt.Errorf("%q is missing", key)
	}
	if r.header != nil {
		return append(dst, r.cells[r.header[key]]...), nil
	}
	switch c := v[0]; {
	case c == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v):
		return append(dst, v[1:len(v)-1]...), nil
	case c >= '0' && c <= '9' && plainInt(v):
		return append(dst, v...), nil
	}
	t, err := r.Text(key)
	return append(dst, t...), err
}

// plainInt reports whether a JSON number is an integer written without a sign,
// fraction or exponent (so that it is already in its shortest form).
func plainInt(v []byte) bool {
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(v) < 16
}

// Number returns the value of key as a finite number. Numeric JSON strings are accepted;
// NaN and infinities are not, so no metric ever sees them.
func (r *Row) Number(key string) (float64, error) {
	v, ok := r.lookup(key)
	if !ok {
		return 0, fmt.Errorf("%q is missing", key)
	}
	var s string
	switch {
	case r.header != nil:
		s = r.cells[r.header[key]]
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		// The span is a checked JSON number: parse it in place, without a copy.
		f, err := strconv.ParseFloat(unsafe.String(&v[0], len(v)), 64)
		if err != nil || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%q: %s is not a finite number", key, v)
		}
		return f, nil
	case v[0] == '"':
		var err error
		if s, err = jsonString(v); err != nil {
			return 0, err
		}
	case v[0] == '[' || v[0] == '{' || v[0] == 't' || v[0] == 'f':
		return 0, fmt.Errorf("%q: want a number, got %s", key, kindOf(v))
	default:
		s = string(v)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: want a number, got %q", key, s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q: %s is not a finite number", key, s)
	}
	return f, nil
}

// JSON decodes the value of key into dst. In CSV the cell must hold JSON text (a JSON
// array of contexts, for instance).
func (r *Row) JSON(key string, dst any) error {
	v, ok := r.lookup(key)
	if !ok {
		return fmt.Errorf("%q is missing", key)
	}
	if r.header != nil {
		v = []byte(r.cells[r.header[key]])
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return fmt.Errorf("%q: %w", key, err)
	}
	return nil
}

func kindOf(v []byte) string {
	switch v[0] {
	case '[':
		return "an array"
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

func jsonString(v []byte) (string, error) {
	if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1]), nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", err
	}
	return s, nil
}

// parseObject splits one JSON object line into top-level key and value spans. Scalars
// are checked as it goes; nested arrays and objects are checked with json.Valid, so a
// malformed line is always a bad row, whether or not its broken value is used.
func (r *Row) parseObject(b []byte) error {
	r.keys, r.vals = r.keys[:0], r.vals[:0]
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errors.New("not a JSON object")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return trailing(b, i+1)
	}
	for {
		if i >= len(b) {
			return errors.New("line ends inside the object")
		}
		if b[i] != '"' {
			return fmt.Errorf("column %d: want a key", i+1)
		}
		end, esc, err := scanString(b, i)
		if err != nil {
			return err
		}
		key := b[i+1 : end-1]
		if esc {
			s, err := jsonString(b[i:end])
			if err != nil {
				return fmt.Errorf("column %d: %w", i+1, err)
			}
			key = []byte(s)
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return fmt.Errorf("column %d: want ':'", i+1)
		}
		i = skipSpace(b, i+1)
		vend, err := scanValue(b, i)
		if err != nil {
			return err
		}
		r.keys = append(r.keys, key)
		r.vals = append(r.vals, b[i:vend])
		i = skipSpace(b, vend)
		if i >= len(b) {
			return errors.New("unterminated object")
		}
		if b[i] == '}' {
			return trailing(b, i+1)
		}
		if b[i] != ',' {
			return fmt.Errorf("column %d: want ',' or '}'", i+1)
		}
		i = skipSpace(b, i+1)
	}
}

func trailing(b []byte, i int) error {
	if i = skipSpace(b, i); i != len(b) {
		return fmt.Errorf("column %d: text after the object", i+1)
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// scanString returns the index after the closing quote of the string at b[i].
func scanString(b []byte, i int) (end int, escaped bool, err error) {
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			escaped = true
			j++
		case c < 0x20:
			return 0, false, fmt.Errorf("column %d: control character in string", j+1)
		}
	}
	return 0, false, fmt.Errorf("column %d: unterminated string", i+1)
}

func scanValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("missing value")
	}
	switch c := b[i]; {
	case c == '"':
		end, esc, err := scanString(b, i)
		if err == nil && esc && !json.Valid(b[i:end]) {
			err = fmt.Errorf("column %d: bad escape in string", i+1)
		}
		return end, err
	case c == '{' || c == '[':
		end, err := scanNested(b, i)
		if err != nil {
			return 0, err
		}
		if !json.Valid(b[i:end]) {
			return 0, fmt.Errorf("column %d: malformed %s", i+1, kindOf(b[i:]))
		}
		return end, nil
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		j := i
		for j < len(b) && (b[j] == '-' || b[j] == '+' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || (b[j] >= '0' && b[j] <= '9')) {
			j++
		}
		if !validNumber(b[i:j]) {
			return 0, fmt.Errorf("column %d: bad number %q", i+1, b[i:j])
		}
		return j, nil
	}
	return 0, fmt.Errorf("column %d: unexpected %q", i+1, b[i])
}

// validNumber checks the JSON number grammar:
// -? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - start
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

func literal(b []byte, i int, word string) (int, error) {
	if !bytes.HasPrefix(b[i:], []byte(word)) {
		return 0, fmt.Errorf("column %d: bad literal", i+1)
	}
	return i + len(word), nil
}

// scanNested finds the end of the array or object at b[i] by bracket depth, skipping
// strings; json.Valid checks the contents afterwards.
func scanNested(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			end, _, err := scanString(b, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("column %d: unterminated %s", i+1, kindOf(b[i:]))
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
