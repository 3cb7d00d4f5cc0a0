package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestRowJSONL(t *testing.T) {
	var r Row
	line := `{"label": 1, "pred": 1.0, "s": "0.25", "name": "caf\u00e9", "ok": true, "nil": null, "ctx": [{"id": 1, "text": "a"}], "m": {"a": 0.5}}`
	if err := r.parseObject([]byte(line)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, text string
	}{
		{"label", "1"}, {"pred", "1"}, {"s", "0.25"}, {"name", "café"}, {"ok", "true"},
	}
	for _, tt := range tests {
		got, err := r.Text(tt.key)
		if err != nil || got != tt.text {
			t.Errorf("Text(%q) = %q, %v; want %q", tt.key, got, err, tt.text)
		}
	}
	if f, err := r.Number("s"); err != nil || f != 0.25 {
		t.Errorf("Number(s) = %v, %v", f, err)
	}
	if r.Has("nil") || r.Has("absent") {
		t.Error("null and absent keys must count as missing")
	}
	if _, err := r.Number("ok"); err == nil {
		t.Error("a boolean is not a number")
	}
	if _, err := r.Text("ctx"); err == nil {
		t.Error("an array is not text")
	}
	var ctx []ragContext
	if err := r.JSON("ctx", &ctx); err != nil || ctx[0].ID != "1" || ctx[0].Text != "a" {
		t.Errorf("JSON(ctx) = %+v, %v", ctx, err)
	}
}

func TestRowJSONLErrors(t *testing.T) {
	bad := map[string]string{
		"not an object":   `[1, 2]`,
		"unterminated":    `{"a": 1`,
		"cut after comma": `{"a": 1,`,
		"bad number":      `{"a": 01}`,
		"bad literal":     `{"a": tru}`,
		"bad nested":      `{"a": [1, }`,
		"trailing":        `{"a": 1} x`,
		"no colon":        `{"a" 1}`,
		"bad escape":      `{"a": "\x"}`,
		"control char":    "{\"a\": \"x\ty\"}",
		"unquoted key":    `{a: 1}`,
	}
	for name, line := range bad {
		t.Run(name, func(t *testing.T) {
			var r Row
			if err := r.parseObject([]byte(line)); err == nil {
				t.Errorf("parseObject(%q) accepted a malformed line", line)
			}
		})
	}
	for _, v := range []string{`"NaN"`, `"Inf"`, `"-Infinity"`} {
		var r Row
		if err := r.parseObject([]byte(`{"x": ` + v + `}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Number("x"); err == nil {
			t.Errorf("Number accepted %s", v)
		}
	}
}

func scanAll(t *testing.T, format Format, input string, keys ...string) ([]map[string]string, InputStats) {
	t.Helper()
	var got []map[string]string
	st := InputStats{}
	err := Scan(context.Background(), strings.NewReader(input), format, &st, func(r *Row) error {
		m := map[string]string{}
		for _, k := range keys {
			v, err := r.Text(k)
			if err != nil {
				return err
			}
			m[k] = v
		}
		got = append(got, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, st
}

func TestScanBadRowsKeepGoing(t *testing.T) {
	t.Run("jsonl", func(t *testing.T) {
		in := "{\"a\": 1}\n\n{\"a\": \n{\"b\": 2}\n   \n{\"a\": \"x\"}\n"
		got, st := scanAll(t, JSONL, in, "a")
		if len(got) != 2 || st.Rows != 2 || st.Bad != 2 {
			t.Fatalf("rows %v, stats %+v", got, st)
		}
		if st.BadRows[0].Line != 3 || st.BadRows[1].Line != 4 {
			t.Errorf("bad lines = %+v, want 3 and 4", st.BadRows)
		}
	})
	t.Run("csv", func(t *testing.T) {
		in := "\ufeffa,b\n1,2\n3\n\"4,5\n6,7\n"
		got, st := scanAll(t, CSV, in, "a")
		if st.Bad == 0 || len(got) < 1 || got[0]["a"] != "1" {
			t.Fatalf("rows %v, stats %+v", got, st)
		}
		if st.BadRows[0].Line != 3 {
			t.Errorf("first bad line = %d, want 3 (%+v)", st.BadRows[0].Line, st.BadRows)
		}
	})
	t.Run("csv quoted newline keeps line numbers", func(t *testing.T) {
		in := "a,b\n\"x\ny\",1\nz\n"
		_, st := scanAll(t, CSV, in, "a")
		if st.Bad != 1 || st.BadRows[0].Line != 4 {
			t.Errorf("stats %+v, want one bad row on line 4", st)
		}
	})
	t.Run("bad row cap", func(t *testing.T) {
		in := strings.Repeat("nope\n", maxBadRows+7)
		_, st := scanAll(t, JSONL, in)
		if st.Bad != maxBadRows+7 || len(st.BadRows) != maxBadRows {
			t.Errorf("bad = %d listed = %d", st.Bad, len(st.BadRows))
		}
	})
	t.Run("csv without header", func(t *testing.T) {
		st := InputStats{}
		if err := Scan(context.Background(), strings.NewReader(""), CSV, &st, func(*Row) error { return nil }); err == nil {
			t.Error("an empty CSV must be an error")
		}
	})
}

// FuzzJSONLRow checks the hand-written object scanner against encoding/json: it must
// never panic, must reject what json rejects as a top-level object, and must agree on
// every string value it accepts.
func FuzzJSONLRow(f *testing.F) {
	for _, s := range []string{`{"a": 1}`, `{"label": "x", "p": [1, {"b": "]"}]}`, `{"a": "\u00e9\"", "b": null}`, `{}`, `{"a":1,}`, `{"a": -1.5e3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Row
		err := r.parseObject(b)
		var m map[string]json.RawMessage
		jerr := json.Unmarshal(b, &m)
		if err == nil && (jerr != nil || m == nil) {
			t.Fatalf("scanner accepted %q, encoding/json says %v", b, jerr)
		}
		if err != nil || !bytes.Contains(b, []byte(`"`)) {
			return
		}
		for k, raw := range m {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				continue
			}
			if !r.Has(k) {
				continue // duplicate keys: the scanner keeps the first, json the last
			}
			got, err := r.Text(k)
			if err != nil {
				t.Fatalf("Text(%q): %v", k, err)
			}
			if got != s && countKey(r, k) == 1 {
				t.Fatalf("Text(%q) = %q, json says %q", k, got, s)
			}
		}
	})
}

func countKey(r Row, k string) int {
	n := 0
	for _, x := range r.keys {
		if string(x) == k {
			n++
		}
	}
	return n
}

func FuzzCSV(f *testing.F) {
	f.Add("label,prediction\n1,1\n0,1\n")
	f.Add("a,b\n\"x\ny\",1\n")
	f.Add("a\n1\n2,3\n")
	f.Fuzz(func(t *testing.T, s string) {
		st := InputStats{}
		_ = Scan(context.Background(), strings.NewReader(s), CSV, &st, func(r *Row) error {
			_, err := r.Number("label")
			if err == nil {
				v, _ := r.Number("label")
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite number %v accepted", v)
				}
			}
			return err
		})
		if st.Bad < 0 || len(st.BadRows) > maxBadRows {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestValidNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "10", "1.5", "-1.5e10", "2E-3", "0.0", "1e+2"} {
		if !validNumber([]byte(s)) || !json.Valid([]byte(s)) {
			t.Errorf("%q: want valid", s)
		}
	}
	for _, s := range []string{"", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.2.3", "--1", "0x1", "1e5.0"} {
		if validNumber([]byte(s)) {
			t.Errorf("%q: want invalid", s)
		}
	}
}

// Batches end at 1 MiB; rows must come out in order with the right line numbers across
// batch ends and around a line longer than a batch.
func TestScanJSONLBatches(t *testing.T) {
	var b strings.Builder
	want := 0
	for i := 1; i <= 30000; i++ {
		switch {
		case i == 20000:
			fmt.Fprintf(&b, "{\"a\": %d, \"big\": %q}\n", i, strings.Repeat("x", 3<<20))
		case i%7777 == 0:
			b.WriteString("{bad\n")
			continue
		default:
			fmt.Fprintf(&b, "{\"a\": %d, \"pad\": \"%s\"}\n", i, strings.Repeat("y", i%50))
		}
		want++
	}
	st := InputStats{}
	next := 1
	err := Scan(context.Background(), strings.NewReader(b.String()), JSONL, &st, func(r *Row) error {
		v, err := r.Number("a")
		if err != nil {
			return err
		}
		for next%7777 == 0 {
			next++
		}
		if int(v) != next || r.Line != next {
			t.Fatalf("row a=%v on line %d, want %d", v, r.Line, next)
		}
		next++
		return nil
	})
	if err != nil || st.Rows != want || st.Bad != 3 || st.BadRows[0].Line != 7777 {
		t.Fatalf("err %v, stats %+v", err, st)
	}
}

// FuzzScanJSONL runs the two-stage reader on any input: every non-blank line ends up
// either as a row or as a bad row, in order, and nothing panics or hangs.
func FuzzScanJSONL(f *testing.F) {
	f.Add("{\"a\": 1}\n{\"a\": \n\n{\"b\": [1, 2]}\r\n")
	f.Add("{}\n{}\n{\"x\":\"\\u00e9\"}")
	f.Fuzz(func(t *testing.T, s string) {
		st := InputStats{}
		last := 0
		err := Scan(context.Background(), strings.NewReader(s), JSONL, &st, func(r *Row) error {
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			_, err := r.Text("a")
			return err
		})
		if err != nil {
			return // a line over the limit
		}
		lines := 0
		for _, l := range strings.Split(s, "\n") {
			if !isBlank([]byte(l)) {
				lines++
			}
		}
		if st.Rows+st.Bad != lines {
			t.Fatalf("%d rows + %d bad != %d lines", st.Rows, st.Bad, lines)
		}
	})
}
