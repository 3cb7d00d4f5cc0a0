package lens

import (
	"strings"
	"unicode"
)

// Slug turns text into an id for the lens format: lowercase ASCII letters and digits,
// words joined with sep ('-' for area and lens ids, '_' for question and choice ids),
// at most max bytes. Importers use it to name what their sources leave unnamed.
func Slug(s string, sep byte, max int) string {
	var b strings.Builder
	pending := false
	for _, r := range strings.ToLower(s) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if pending && b.Len() > 0 {
				b.WriteByte(sep)
			}
			b.WriteRune(r)
			pending = false
			continue
		}
		pending = true
	}
	out := b.String()
	if len(out) > max {
		out = strings.TrimRight(out[:max], string(sep))
	}
	return out
}
