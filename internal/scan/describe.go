package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Describe says what a JSON-named file that no front end takes is, for messages:
// binary, empty, not valid JSON (with the line and column of the first error), or
// JSON of another kind. Comments are allowed, as in ARM templates.
func Describe(data []byte) string {
	if bytes.IndexByte(data[:min(len(data), sniffHead)], 0) >= 0 {
		return "a binary file, not JSON"
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "empty"
	}
	const other = "JSON, but not an ARM template, parameter file, Terraform plan or Azure export"
	if json.Valid(data) {
		return other
	}
	clean := stripJSONComments(data)
	if json.Valid(clean) {
		return other
	}
	var raw json.RawMessage
	if err := json.Unmarshal(clean, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the bytes read, the offending one included.
			off := int(min(max(se.Offset-1, 0), int64(len(data))))
			line := 1 + bytes.Count(data[:off], []byte{'\n'})
			col := off - bytes.LastIndexByte(data[:off], '\n')
			return fmt.Sprintf("not valid JSON (line %d, column %d: %s)", line, col, se.Error())
		}
		return "not valid JSON (" + err.Error() + ")"
	}
	return other
}

// SkipDir reports whether a scan never walks into a directory of this name.
func SkipDir(name string) bool { return skipDirs[name] }

// stripJSONComments blanks // and /* */ comments outside strings, keeping every
// offset (and so every line and column) where it was.
func stripJSONComments(data []byte) []byte {
	if !bytes.Contains(data, []byte("/")) {
		return data
	}
	out := bytes.Clone(data)
	inStr, esc := false, false
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inStr:
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			j := bytes.Index(out[i+2:], []byte("*/"))
			end := len(out)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			for ; i < end; i++ {
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
			i--
		}
	}
	return out
}
