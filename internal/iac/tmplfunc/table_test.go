package tmplfunc

import (
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

func TestTable(t *testing.T) {
	for key, s := range table {
		if key != strings.ToLower(s.Name) {
			t.Errorf("%s is keyed %q", s.Name, key)
		}
		if e, ok := ByName(s.Name); !ok || e != s {
			t.Errorf("ByName(%q) does not find it", s.Name)
		}
		if _, ok := ByName(key); ok && key != s.Name {
			t.Errorf("ByName finds %q in lower case", key)
		}
		if s.Fn == nil || s.Min < 0 || (s.Max >= 0 && s.Max < s.Min) {
			t.Errorf("%s: bad entry %+v", s.Name, s)
		}
	}
	if got := len(Specs()); got != len(table) {
		t.Errorf("Specs lists %d of %d", got, len(table))
	}
}

func call(name string, args ...*iac.Value) (*iac.Value, error) {
	s, ok := Lookup(strings.ToLower(name))
	if !ok {
		panic(name)
	}
	return s.Eval(Call{Name: name, Args: args, Loc: awaf.Location{File: "t"}, Scope: ResourceGroupScope})
}

func str(s string) *iac.Value  { return iac.NewString(s, awaf.Location{}) }
func num(n float64) *iac.Value { return iac.NewNumber(n, awaf.Location{}) }

// TestLimits checks that results past the limits are refused, and refused before
// they are built where building them would take the memory the limit protects.
func TestLimits(t *testing.T) {
	big := str(strings.Repeat("x", 1000))
	tests := []struct {
		name string
		fn   string
		args []*iac.Value
	}{
		{"replace grows past the limit", "replace", []*iac.Value{big, str("x"), str(strings.Repeat("y", 2000))}},
		{"replace of the empty string", "replace", []*iac.Value{str(strings.Repeat("x", 600000)), str(""), str("ab")}},
		{"format alignment", "format", []*iac.Value{str("{0,2000000000}"), str("a")}},
		{"format repeats", "format", []*iac.Value{str(strings.Repeat("{0}", 2000)), big}},
		{"join", "join", []*iac.Value{iac.NewArray(awaf.Location{}, func() []*iac.Value {
			items := make([]*iac.Value, 2000)
			for i := range items {
				items[i] = big
			}
			return items
		}()...), str(",")}},
		{"concat", "concat", func() []*iac.Value {
			args := make([]*iac.Value, 2000)
			for i := range args {
				args[i] = big
			}
			return args
		}()},
		{"range", "range", []*iac.Value{num(0), num(10001)}},
		{"substring far out", "substring", []*iac.Value{str("abc"), num(1e300), num(1e300)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := call(tt.fn, tt.args...)
			if err == nil {
				t.Errorf("%s gave %d bytes, want an error", tt.fn, len(v.Str))
			}
		})
	}
}

func TestToText(t *testing.T) {
	tests := []struct {
		v    *iac.Value
		want string
	}{
		{num(3), "3"}, {num(-0.25), "-0.25"}, {num(1e21), "1e+21"},
		{iac.NewBool(true, awaf.Location{}), "True"}, {iac.NewNull(awaf.Location{}), ""},
		{iac.NewArray(awaf.Location{}, str("a"), num(1)), `["a",1]`},
	}
	for _, tt := range tests {
		if got := ToText(tt.v); got != tt.want {
			t.Errorf("ToText(%s) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// FuzzFormat feeds arbitrary format strings to format(): it may refuse them, but
// never panic nor give a result past the limit.
func FuzzFormat(f *testing.F) {
	f.Add("{0}-{1:D3}-{{x}}", "a", 7.0)
	f.Add("{1,-5}|{0:X4}|{0:N2}", "b", 255.5)
	f.Add("{0,99999999}{", "", -1.0)
	f.Add("}}{{{0:D}", "c", 1e300)
	f.Fuzz(func(t *testing.T, format, s string, n float64) {
		v, err := call("format", str(format), str(s), num(n))
		if err == nil && len(v.Str) > MaxString {
			t.Fatalf("format(%q) gave %d bytes", format, len(v.Str))
		}
	})
}
