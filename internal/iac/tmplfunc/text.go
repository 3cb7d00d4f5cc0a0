package tmplfunc

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// ToText renders a value the way ARM does when a function needs a string: integers
// without a fraction, booleans as True and False, null as "", arrays and objects as
// JSON.
func ToText(v *iac.Value) string {
	switch v.Kind {
	case iac.String:
		return v.Str
	case iac.Number:
		if iac.IsInteger(v.Number) {
			return strconv.FormatInt(int64(v.Number), 10)
		}
		return strconv.FormatFloat(v.Number, 'g', -1, 64)
	case iac.Bool:
		if v.Bool {
			return "True"
		}
		return "False"
	case iac.Null:
		return ""
	}
	return v.String()
}

// Placeholder is a stable stand-in for uniqueString and guid: the same arguments give
// the same text, as with the real functions, but nobody mistakes it for a real value.
// An Unknown argument contributes its reason.
func Placeholder(prefix string, args []*iac.Value) string {
	h := fnv.New64a()
	for _, a := range args {
		if a.IsUnknown() {
			h.Write([]byte("?" + a.Why))
		} else {
			h.Write([]byte(ToText(a)))
		}
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s%016x", prefix, h.Sum64())
}

// unknownOf is the first Unknown inside args, placed at loc.
func unknownOf(args []*iac.Value, loc awaf.Location) *iac.Value {
	for _, a := range args {
		if u := a.FirstUnknown(); u != nil {
			return u.At(loc)
		}
	}
	return iac.NewUnknown("unknown", loc)
}

// deepUnknown is the first Unknown anywhere inside args, as a value of its own at loc,
// or nil: text built from a value with an Unknown inside is not knowable.
func deepUnknown(args []*iac.Value, loc awaf.Location) *iac.Value {
	for _, a := range args {
		if u := a.FirstUnknown(); u != nil {
			return iac.NewUnknown(u.Why, loc)
		}
	}
	return nil
}

// dotnetFormat implements the composite format strings ARM's format() takes:
// "{0}", "{1:D3}", "{0,-5}", with "{{" and "}}" for braces.
func dotnetFormat(f string, args []*iac.Value) (string, error) {
	var b strings.Builder
	var unknown error // the first placeholder that cannot be known; the format is checked to its end
	for i := 0; i < len(f); i++ {
		if b.Len() > MaxString {
			return "", fmt.Errorf("result longer than %d bytes", MaxString)
		}
		ch := f[i]
		if ch == '}' {
			if i+1 < len(f) && f[i+1] == '}' {
				i++
			}
			b.WriteByte('}')
			continue
		}
		if ch != '{' {
			b.WriteByte(ch)
			continue
		}
		if i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		end := strings.IndexByte(f[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed '{' in format string %q", f)
		}
		s, err := placeholderText(f, f[i+1:i+end], args)
		if _, ok := err.(unknownArg); ok {
			unknown = cmp.Or(unknown, err)
		} else if err != nil {
			return "", err
		}
		i += end
		b.WriteString(s)
	}
	if unknown != nil {
		return "", unknown
	}
	return b.String(), nil
}

// placeholderText is one "{index[,alignment][:format]}" of a format string.
func placeholderText(f, spec string, args []*iac.Value) (string, error) {
	var align, format string
	if k := strings.IndexByte(spec, ':'); k >= 0 {
		spec, format = spec[:k], spec[k+1:]
	}
	if k := strings.IndexByte(spec, ','); k >= 0 {
		spec, align = spec[:k], strings.TrimSpace(spec[k+1:])
	}
	n, err := strconv.Atoi(strings.TrimSpace(spec))
	if err != nil || n < 0 {
		return "", fmt.Errorf("bad placeholder {%s} in %q", spec, f)
	}
	if n >= len(args) {
		return "", fmt.Errorf("placeholder {%d} has no argument", n)
	}
	if u := args[n].FirstUnknown(); u != nil {
		return "", unknownArg{u}
	}
	s := formatOne(args[n], format)
	if align == "" {
		return s, nil
	}
	w, err := strconv.Atoi(align)
	if err != nil {
		return s, nil
	}
	if pad := min(abs(w), MaxString+1) - len(s); pad > 0 {
		if w > 0 {
			return strings.Repeat(" ", pad) + s, nil
		}
		return s + strings.Repeat(" ", pad), nil
	}
	return s, nil
}

// unknownArg is a placeholder whose argument has an Unknown inside: the text is not
// knowable.
type unknownArg struct{ v *iac.Value }

func (e unknownArg) Error() string { return e.v.Why }

func formatOne(v *iac.Value, format string) string {
	if v.Kind == iac.Number && format != "" {
		width, _ := strconv.Atoi(format[1:])
		width = min(width, MaxString+1)
		switch format[0] {
		case 'D', 'd':
			return fmt.Sprintf("%0*d", width, int64(v.Number))
		case 'X':
			return fmt.Sprintf("%0*X", width, int64(v.Number))
		case 'x':
			return fmt.Sprintf("%0*x", width, int64(v.Number))
		case 'N', 'n', 'F', 'f':
			return strconv.FormatFloat(v.Number, 'f', width, 64)
		}
	}
	return ToText(v)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// splitAny splits s at every occurrence of any of seps, the leftmost first.
func splitAny(s string, seps []string) []string {
	var out []string
	for {
		best, bestLen := -1, 0
		for _, sep := range seps {
			if sep == "" {
				continue
			}
			if i := strings.Index(s, sep); i >= 0 && (best < 0 || i < best) {
				best, bestLen = i, len(sep)
			}
		}
		if best < 0 {
			return append(out, s)
		}
		out = append(out, s[:best])
		s = s[best+bestLen:]
	}
}

// decodeJSON reads JSON text held in a string and places every value at loc.
func decodeJSON(s string, loc awaf.Location) (*iac.Value, error) {
	v, err := iac.DecodeJSON(loc.File, []byte(s))
	if err != nil {
		return nil, fmt.Errorf("json: the string is not valid JSON: %v", err)
	}
	return Relocate(v, loc), nil
}

// Relocate moves a value built from expression text to the expression's place.
func Relocate(v *iac.Value, loc awaf.Location) *iac.Value {
	v.Loc = loc
	for _, it := range v.Items {
		Relocate(it, loc)
	}
	for _, f := range v.Fields {
		Relocate(f, loc)
	}
	return v
}
