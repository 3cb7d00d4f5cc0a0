package server

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckJSONText(t *testing.T) {
	for _, c := range []struct {
		in, field string // field "" means valid
	}{
		{`{"note":"fine ü \n \t \\u0000 \ud83d\ude00"}`, ""},
		{`{"note":"a\u0000b"}`, "note"},
		{`{"note":"a\ud800b"}`, "note"},
		{`{"note":"a\udc00b"}`, "note"},
		{`{"note":"a\ud800\u0041"}`, "note"},
		{"{\"note\":\"a\xffb\"}", "note"},
		{"{\"note\":\"a\xed\xa0\x80b\"}", "note"},
		{`{"profile":{"kinds":["x","y\u0000"]}}`, "profile.kinds[1]"},
		{`{"a\u0000":"x"}`, "(the document) (a key)"},
		{`"\u0000"`, "(the document)"},
		{`{"note":`, ""}, // not JSON: decoding says so
	} {
		err := checkJSONText([]byte(c.in))
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.field != "" && (err == nil || !strings.Contains(err.Error(), `"`+c.field+`"`)):
			t.Errorf("%q: %v, want an error naming %q", c.in, err, c.field)
		}
	}
}

// FuzzCheckJSONText checks that a JSON document whose decoded text holds a NUL, or
// whose bytes are not UTF-8, is always refused, and that nothing panics.
func FuzzCheckJSONText(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u0000"}`, `["\ud800"]`, "\"\xff\"", `{"a":"\\u0000"}`, `"\\\"\u0000"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		err := checkJSONText(raw)
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return
		}
		if !utf8.Valid(raw) && err == nil {
			t.Fatalf("%q: invalid UTF-8 passed", raw)
		}
		if badJSONField(v, "") != "" && err == nil {
			t.Fatalf("%q: a NUL passed", raw)
		}
	})
}
