package tmplfunc

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf/internal/iac"
)

// The string functions.

func toLower(c Call) (*iac.Value, error) { return mapString(c, strings.ToLower) }
func toUpper(c Call) (*iac.Value, error) { return mapString(c, strings.ToUpper) }
func trim(c Call) (*iac.Value, error)    { return mapString(c, strings.TrimSpace) }
func uriComponent(c Call) (*iac.Value, error) {
	return mapString(c, url.QueryEscape)
}
func base64Func(c Call) (*iac.Value, error) {
	return mapString(c, func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) })
}

// mapString applies f to the one string argument.
func mapString(c Call, f func(string) string) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	return c.newString(f(s)), nil
}

func uriComponentToString(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	u, err := url.QueryUnescape(s)
	if err != nil {
		return nil, fmt.Errorf("uriComponentToString: %w", err)
	}
	return c.newString(u), nil
}

func decodeBase64(c Call) (string, error) {
	s, err := c.str1()
	if err != nil {
		return "", err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.Name, err)
	}
	return string(b), nil
}

func base64ToString(c Call) (*iac.Value, error) {
	s, err := decodeBase64(c)
	if err != nil {
		return nil, err
	}
	return c.newString(s), nil
}

func base64ToJSON(c Call) (*iac.Value, error) {
	s, err := decodeBase64(c)
	if err != nil {
		return nil, err
	}
	return decodeJSON(s, c.Loc)
}

// concat joins strings or arrays; a null among arrays is skipped.
func concat(c Call) (*iac.Value, error) {
	if len(c.Args) == 0 {
		return c.newString(""), nil
	}
	if u := FirstUnknown(c.Args); u != nil {
		return u, nil
	}
	if c.Args[0].Kind == iac.Array {
		var items []*iac.Value
		for _, a := range c.Args {
			switch a.Kind {
			case iac.Array:
				items = append(items, a.Items...)
			case iac.Null:
			default:
				return nil, fmt.Errorf("concat: cannot mix arrays and %s", a.Kind)
			}
			if len(items) > MaxItems {
				return nil, fmt.Errorf("%s: result longer than %d items", c.Name, MaxItems)
			}
		}
		return iac.NewArray(c.Loc, items...), nil
	}
	var b strings.Builder
	for _, a := range c.Args {
		if a.Kind == iac.Array || a.Kind == iac.Object {
			return nil, fmt.Errorf("concat: cannot mix strings and %s", a.Kind)
		}
		b.WriteString(ToText(a))
		if b.Len() > MaxString {
			return nil, c.tooLong()
		}
	}
	return c.newString(b.String()), nil
}

func format(c Call) (*iac.Value, error) {
	f, err := c.str1()
	if err != nil {
		return nil, err
	}
	s, err := dotnetFormat(f, c.Args[1:])
	if u, ok := err.(unknownArg); ok {
		return iac.NewUnknown(u.v.Why, c.Loc), nil
	}
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	return c.newString(s), nil
}

func replace(c Call) (*iac.Value, error) {
	var s [3]string
	for i := range s {
		var err error
		if s[i], err = c.str(i); err != nil {
			return nil, err
		}
	}
	// Refuse before building a result that would be refused anyway.
	if grow := len(s[2]) - len(s[1]); grow > 0 && len(s[0])+strings.Count(s[0], s[1])*grow > MaxString {
		return nil, c.tooLong()
	}
	return c.newString(strings.ReplaceAll(s[0], s[1], s[2])), nil
}

// substring(s, start[, length]) counts characters, not bytes.
func substring(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	start, err := c.num(1)
	if err != nil {
		return nil, err
	}
	r := []rune(s)
	n := float64(len(r)) - start
	if len(c.Args) == 3 {
		if n, err = c.num(2); err != nil {
			return nil, err
		}
	}
	if start < 0 || n < 0 || start > float64(len(r)) || n > float64(len(r)) || int(start)+int(n) > len(r) {
		return nil, fmt.Errorf("substring: start %v and length %v fall outside %q", start, n, s)
	}
	return c.newString(string(r[int(start) : int(start)+int(n)])), nil
}

// split(s, delimiter or delimiters) splits at the leftmost delimiter each time.
func split(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	var seps []string
	switch d := c.Args[1]; d.Kind {
	case iac.String:
		seps = []string{d.Str}
	case iac.Array:
		for _, it := range d.Items {
			if it.Kind != iac.String {
				return nil, fmt.Errorf("split: delimiters must be strings")
			}
			seps = append(seps, it.Str)
		}
	default:
		return nil, fmt.Errorf("split: expected a string or array of delimiters")
	}
	parts := splitAny(s, seps)
	items := make([]*iac.Value, len(parts))
	for i, p := range parts {
		items[i] = c.newString(p)
	}
	return iac.NewArray(c.Loc, items...), nil
}

func join(c Call) (*iac.Value, error) {
	if c.Args[0].Kind != iac.Array {
		return nil, fmt.Errorf("join: expected an array, found %s", c.Args[0].Kind)
	}
	sep, err := c.str(1)
	if err != nil {
		return nil, err
	}
	parts := make([]string, len(c.Args[0].Items))
	size := 0
	for i, it := range c.Args[0].Items {
		if it.IsUnknown() {
			return it, nil
		}
		parts[i] = ToText(it)
		if size += len(parts[i]) + len(sep); size > MaxString+len(sep) {
			return nil, c.tooLong()
		}
	}
	return c.newString(strings.Join(parts, sep)), nil
}

func indexOf(c Call) (*iac.Value, error)     { return index(c, false) }
func lastIndexOf(c Call) (*iac.Value, error) { return index(c, true) }

// index finds an item in an array, or a substring case-insensitively, in characters.
func index(c Call, last bool) (*iac.Value, error) {
	if c.Args[0].Kind == iac.Array {
		idx := -1
		for i, it := range c.Args[0].Items {
			if eq, _ := iac.Equal(it, c.Args[1]); eq {
				idx = i
				if !last {
					break
				}
			}
		}
		return c.newNumber(float64(idx)), nil
	}
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	sub, err := c.str(1)
	if err != nil {
		return nil, err
	}
	s, sub = strings.ToLower(s), strings.ToLower(sub)
	i := strings.Index(s, sub)
	if last {
		i = strings.LastIndex(s, sub)
	}
	if i >= 0 {
		i = utf8.RuneCountInString(s[:i])
	}
	return c.newNumber(float64(i)), nil
}

func startsWith(c Call) (*iac.Value, error) { return affix(c, strings.HasPrefix) }
func endsWith(c Call) (*iac.Value, error)   { return affix(c, strings.HasSuffix) }

// affix compares the two string arguments case-insensitively with has.
func affix(c Call, has func(s, x string) bool) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	x, err := c.str(1)
	if err != nil {
		return nil, err
	}
	return c.newBool(has(strings.ToLower(s), strings.ToLower(x))), nil
}

func padLeft(c Call) (*iac.Value, error) {
	s := ToText(c.Args[0])
	n, err := c.num(1)
	if err != nil {
		return nil, err
	}
	pad := " "
	if len(c.Args) == 3 {
		if pad, err = c.str(2); err != nil || pad == "" {
			return nil, fmt.Errorf("padLeft: expected a padding character")
		}
	}
	if n > 10000 {
		return nil, fmt.Errorf("padLeft: width %v is above 10000", n)
	}
	if k := int(n) - utf8.RuneCountInString(s); k > 0 {
		s = strings.Repeat(pad[:1], k) + s
	}
	return c.newString(s), nil
}

// stringFunc is string(): text as ToText gives it. A value with an Unknown inside
// has no known text.
func stringFunc(c Call) (*iac.Value, error) {
	if c.Args[0].Kind == iac.String {
		return c.Args[0], nil
	}
	if u := deepUnknown(c.Args, c.Loc); u != nil {
		return u, nil
	}
	return c.newString(ToText(c.Args[0])), nil
}

// uri resolves a relative URI against a base, as .NET's Uri(base, relative) does.
func uri(c Call) (*iac.Value, error) {
	base, err := c.str1()
	if err != nil {
		return nil, err
	}
	rel, err := c.str(1)
	if err != nil {
		return nil, err
	}
	b, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("uri: %w", err)
	}
	r, err := url.Parse(rel)
	if err != nil {
		return nil, fmt.Errorf("uri: %w", err)
	}
	return c.newString(b.ResolveReference(r).String()), nil
}

// uniqueString and guid stand for values Azure hashes from their arguments; see
// Placeholder.
func uniqueString(c Call) (*iac.Value, error) {
	return c.newString(Placeholder("uniq-", c.Args)[:13]), nil
}

func guid(c Call) (*iac.Value, error) {
	h := Placeholder("", c.Args)
	h = (h + h)[:32]
	return c.newString(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]), nil
}
