package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf"
)

// Text from callers is checked at the edge, before any handler or database sees it:
// PostgreSQL refuses a NUL byte in a text column, and invalid UTF-8 is not text at
// all. Both databases then answer alike: 400, naming the field.

// validText reports whether s is UTF-8 without NUL bytes.
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func badText(where, name string) error {
	return awaf.Errorf(awaf.EINVALID, "%s %q is not valid text: it has a NUL byte or is not UTF-8", where, name)
}

// wildcards are the names of a route pattern's {wildcards}.
var wildcardRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(?:\.\.\.)?\}`)

func wildcards(pattern string) []string {
	var names []string
	for _, m := range wildcardRE.FindAllStringSubmatch(pattern, -1) {
		names = append(names, m[1])
	}
	return names
}

// checkText checks the path values, query parameters, form fields and JSON body of a
// request. decode checks JSON again for handlers called without a JSON content type.
func checkText(r *http.Request, names []string) error {
	for _, n := range names {
		if !validText(r.PathValue(n)) {
			return badText("the path part", n)
		}
	}
	if err := checkValues("the query parameter", r.URL.Query()); err != nil {
		return err
	}
	if !unsafeMethod(r.Method) {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" || strings.HasSuffix(ct, "+json") {
		raw, err := io.ReadAll(r.Body) // bounded by limitBody
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		return checkJSONText(raw)
	}
	if ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
		return nil
	}
	r.PostFormValue("") // parses the form as the handler will (the CSRF check often has)
	if err := checkValues("the field", r.PostForm); err != nil {
		return err
	}
	if mf := r.MultipartForm; mf != nil {
		if err := checkValues("the field", mf.Value); err != nil {
			return err
		}
		for name, fhs := range mf.File {
			for _, fh := range fhs {
				if !validText(name) || !validText(fh.Filename) {
					return badText("the file name of field", name)
				}
			}
		}
	}
	return nil
}

func checkValues(where string, vs map[string][]string) error {
	keys := make([]string, 0, len(vs))
	for k := range vs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same field is named whatever the map order
	for _, k := range keys {
		if !validText(k) {
			return badText(where, strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "?"))
		}
		for _, v := range vs[k] {
			if !validText(v) {
				return badText(where, k)
			}
		}
	}
	return nil
}

// checkJSONText finds the first field of a JSON document whose text is not valid:
// a NUL (\u0000), invalid UTF-8, or half of a surrogate pair (\ud800 alone), which
// encoding/json would otherwise turn silently into U+FFFD. It returns nil for a
// document that is not JSON at all; decoding reports that.
func checkJSONText(raw []byte) error {
	marked, changed := markBadJSONText(raw)
	if !changed && !strings.Contains(string(raw), `\u0000`) {
		return nil
	}
	var tree any
	if err := json.Unmarshal(marked, &tree); err != nil {
		return nil
	}
	if field := badJSONField(tree, ""); field != "" {
		return badText("the field", field)
	}
	return nil
}

// markBadJSONText rewrites every invalid UTF-8 byte and lone surrogate escape inside
// a JSON string as \u0000, so that decoding shows where they were.
func markBadJSONText(raw []byte) ([]byte, bool) {
	out := make([]byte, 0, len(raw))
	changed, inString := false, false
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case !inString:
			if c == '"' {
				inString = true
			}
			out = append(out, c)
			i++
		case c == '"':
			inString = false
			out = append(out, c)
			i++
		case c == '\\' && i+1 < len(raw) && raw[i+1] == 'u' && i+6 <= len(raw):
			r := hex4(raw[i+2 : i+6])
			switch {
			case r >= 0xd800 && r < 0xdc00: // a high surrogate needs a low one next
				if i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
					if lo := hex4(raw[i+8 : i+12]); lo >= 0xdc00 && lo < 0xe000 {
						out = append(out, raw[i:i+12]...)
						i += 12
						continue
					}
				}
				out = append(out, `\u0000`...)
				changed = true
			case r >= 0xdc00 && r < 0xe000:
				out = append(out, `\u0000`...)
				changed = true
			default:
				out = append(out, raw[i:i+6]...)
			}
			i += 6
		case c == '\\' && i+1 < len(raw):
			out = append(out, c, raw[i+1])
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				out = append(out, `\u0000`...)
				changed = true
			} else {
				out = append(out, raw[i:i+size]...)
			}
			i += size
		}
	}
	return out, changed
}

// hex4 reads four hex digits, or returns -1.
func hex4(b []byte) int {
	n := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*16 + int(c-'0')
		case c >= 'a' && c <= 'f':
			n = n*16 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			n = n*16 + int(c-'A'+10)
		default:
			return -1
		}
	}
	return n
}

// badJSONField returns the path (note, profile.kinds[0]) of the first string or key
// in v that is not valid text, or "".
func badJSONField(v any, path string) string {
	switch v := v.(type) {
	case string:
		if !validText(v) {
			return orRoot(path)
		}
	case []any:
		for i, e := range v {
			if f := badJSONField(e, fmt.Sprintf("%s[%d]", path, i)); f != "" {
				return f
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if !validText(k) {
				return orRoot(path) + " (a key)"
			}
			if f := badJSONField(v[k], p); f != "" {
				return f
			}
		}
	}
	return ""
}

func orRoot(path string) string {
	if path == "" {
		return "(the document)"
	}
	return path
}
