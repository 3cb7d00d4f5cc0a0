// Package jsonpos reads a JSON document once, before it is decoded, to learn where each
// value starts and to refuse what encoding/json would accept silently: duplicate keys
// (it keeps the last one), nesting deep enough to be hostile, and trailing data. The
// importers then report every problem at a line and column of the user's file.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/awaf/awaf"
)

// Index maps value paths such as `pillars[0].questions[2].id` to where the value
// starts in the file.
type Index struct {
	name string
	data []byte
	offs map[string]int
}

// Scan checks data's syntax and builds its index. maxDepth bounds the nesting of
// objects and arrays. Problems are returned as awaf.Problems naming the file, line and
// column.
func Scan(name string, data []byte, maxDepth int) (*Index, error) {
	ix := &Index{name: name, data: data, offs: map[string]int{}}
	s := &scanner{ix: ix, dec: json.NewDecoder(bytes.NewReader(data)), max: maxDepth}
	s.dec.UseNumber()
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "file is empty: expected a JSON object"}}
	}
	if err := s.value("", 0); err != nil {
		if !errors.Is(err, errDepth) {
			s.problems = append(s.problems, s.fatal(err))
		}
	} else if rest := bytes.TrimLeft(data[s.dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		s.problems = append(s.problems, awaf.Problem{Location: ix.offset(len(data) - len(rest)), Message: "unexpected data after the end of the JSON document"})
	}
	if len(s.problems) > 0 {
		return nil, s.problems
	}
	return ix, nil
}

// At returns the location of the value at path, or the file alone when the path is
// unknown (a missing key is reported at its parent by the caller).
func (ix *Index) At(path string) awaf.Location {
	if off, ok := ix.offs[path]; ok {
		return ix.offset(off)
	}
	return awaf.Location{File: ix.name}
}

// Has reports whether the document has a value at path.
func (ix *Index) Has(path string) bool {
	_, ok := ix.offs[path]
	return ok
}

// Name is the file name problems are reported against.
func (ix *Index) Name() string { return ix.name }

func (ix *Index) offset(off int) awaf.Location {
	if off > len(ix.data) {
		off = len(ix.data)
	}
	line := 1 + bytes.Count(ix.data[:off], []byte{'\n'})
	col := off - bytes.LastIndexByte(ix.data[:off], '\n')
	return awaf.Location{File: ix.name, Line: line, Column: col}
}

// Key returns the path of key inside the object at path.
func Key(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Elem returns the path of element i of the array at path.
func Elem(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

type scanner struct {
	ix       *Index
	dec      *json.Decoder
	max      int
	problems awaf.Problems
}

// errDepth stops the walk: going on would mean reading the hostile part.
var errDepth = errors.New("too deep")

// next returns the offset where the next token starts, past white space and the
// separators the decoder has not consumed yet.
func (s *scanner) next() int {
	off := int(s.dec.InputOffset())
	for off < len(s.ix.data) {
		switch s.ix.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (s *scanner) value(path string, depth int) error {
	start := s.next()
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	s.ix.offs[path] = start
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth+1 > s.max {
		s.problems = append(s.problems, awaf.Problem{Location: s.ix.offset(start),
			Message: fmt.Sprintf("nesting is deeper than the %d levels allowed", s.max)})
		return errDepth
	}
	switch d {
	case '{':
		keys := map[string]int{}
		for s.dec.More() {
			kstart := s.next()
			kt, err := s.dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			child := Key(path, key)
			if first, dup := keys[key]; dup {
				s.problems = append(s.problems, awaf.Problem{Location: s.ix.offset(kstart),
					Message: fmt.Sprintf("%s: duplicate key %q (first at line %d)", orRoot(path), key, s.ix.offset(first).Line)})
				child += "#dup"
			} else {
				keys[key] = kstart
			}
			if err := s.value(child, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for i := 0; s.dec.More(); i++ {
			if err := s.value(Elem(path, i), depth+1); err != nil {
				return err
			}
		}
	}
	_, err = s.dec.Token() // the closing delimiter
	return err
}

// fatal turns the error that stopped the walk into a problem at its place.
func (s *scanner) fatal(err error) awaf.Problem {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return awaf.Problem{Location: s.ix.offset(max(0, int(se.Offset)-1)), Message: "invalid JSON: " + se.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return awaf.Problem{Location: s.ix.offset(len(s.ix.data)), Message: "invalid JSON: the file ends in the middle of a value (truncated?)"}
	}
	return awaf.Problem{Location: s.ix.offset(s.next()), Message: "invalid JSON: " + err.Error()}
}

func orRoot(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

// Kind names the JSON type of a value decoded with UseNumber, for messages such as
// "expected a string, found a list".
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "true or false"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
