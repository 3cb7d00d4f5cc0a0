package iac

import (
	"strings"
	"testing"
)

func TestDecodeYAML(t *testing.T) {
	v, err := DecodeYAML("a.yml", []byte("name: x\nn: 3\nok: true\nlist:\n  - a\n  - {b: null}\nbase: &b {k: 1}\nderived:\n  <<: *b\n  j: 2\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if v.Field("n").Kind != Number || v.Field("ok").Kind != Bool || v.Get("list[1].b").Kind != Null {
		t.Errorf("kinds wrong: %+v", v.Keys)
	}
	if l := v.Get("list[0]").Loc; l.File != "a.yml" || l.Line != 15 || l.Column != 5 {
		t.Errorf("location %+v, want a.yml:15:5", l)
	}
	if v.Get("derived.k") == nil || v.Get("derived.j") == nil {
		t.Error("merge key not applied")
	}
}

func TestYAMLAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	if _, err := DecodeYAML("bomb.yml", []byte(b.String()), 0); err == nil {
		t.Fatal("an alias bomb was expanded")
	}
}

func FuzzDecodeYAML(f *testing.F) {
	f.Add([]byte("a: [1, {b: &x c}, *x]\n"))
	f.Add([]byte("<<: {a: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeYAML("f.yml", data, 0)
		if err == nil && v == nil {
			t.Fatal("no value and no error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.yml") {
			t.Errorf("error without the file: %v", err)
		}
	})
}
