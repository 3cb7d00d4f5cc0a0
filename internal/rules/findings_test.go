package rules

import (
	"reflect"
	"testing"
)

func TestFindingsRuns(t *testing.T) {
	msgs := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Message)
		}
		return out
	}
	var f Findings
	if f.Len() != 0 || len(f.Slice()) != 0 {
		t.Fatalf("empty: %d findings", f.Len())
	}
	f.add([]Finding{{Message: "a"}, {Message: "b"}})
	f.add(nil)
	f.add([]Finding{{Message: "c"}})
	f.add([]Finding{{Message: "d"}, {Message: "e"}})
	want := []string{"a", "b", "c", "d", "e"}
	if got := msgs(f.Slice()); !reflect.DeepEqual(got, want) {
		t.Fatalf("Slice: %v", got)
	}
	if f.Len() != len(want) || len(f.Runs()) != 3 {
		t.Fatalf("Len %d, %d runs", f.Len(), len(f.Runs()))
	}
	for i, w := range want {
		if got := f.At(i).Message; got != w {
			t.Errorf("At(%d) = %q, want %q", i, got, w)
		}
	}
	n := 0
	for i, x := range f.All() {
		if i != n || x != f.At(i) {
			t.Errorf("All: %d at %d, or not At's finding", i, n)
		}
		n++
	}
	for lo := 0; lo <= len(want); lo++ {
		for hi := lo; hi <= len(want)+1; hi++ {
			var got []string
			for i, x := range f.Between(lo, hi) {
				if x != f.At(i) {
					t.Errorf("Between(%d, %d): %d is not At's finding", lo, hi, i)
				}
				got = append(got, x.Message)
			}
			if exp := want[lo:min(hi, len(want))]; !reflect.DeepEqual(got, exp) && len(got)+len(exp) > 0 {
				t.Errorf("Between(%d, %d) = %v, want %v", lo, hi, got, exp)
			}
		}
	}
	f.At(3).Message = "D" // findings are held, not copied
	if f.Runs()[2][0].Message != "D" {
		t.Error("At gave a copy")
	}
	if g := FindingsOf([]Finding{{Message: "x"}}); g.Len() != 1 || g.At(0).Message != "x" {
		t.Errorf("FindingsOf: %d", g.Len())
	}
}

func TestMergeLate(t *testing.T) {
	early := []Finding{{Message: "e1"}, {Message: "e4"}, {Message: "e5"}}
	late := []Finding{{Message: "l0"}, {Message: "l2"}, {Message: "l9"}}
	got := mergeLate(early, []uint16{1, 4, 5}, late, []uint16{0, 2, 9})
	var msgs []string
	for _, f := range got {
		msgs = append(msgs, f.Message)
	}
	if want := []string{"l0", "e1", "l2", "e4", "e5", "l9"}; !reflect.DeepEqual(msgs, want) {
		t.Errorf("got %v, want %v", msgs, want)
	}
}
