package awslens

import (
	"fmt"
	"strings"
)

// AWS risk conditions are boolean expressions over choice ids with &&, || and !, and
// parentheses. They are valid CEL, so awaf keeps them as they are and only renames the
// ids (AWS ids may be upper case; awaf's are lower case). The renaming works on tokens,
// so spacing and parentheses survive a round trip byte for byte.

// renameIDs replaces every id in cond through rename. It fails on anything that is not
// an id, an operator, a parenthesis or space, and on ids rename does not know.
func renameIDs(cond string, rename func(string) (string, bool)) (string, error) {
	if strings.TrimSpace(cond) == condDeflt {
		return cond, nil
	}
	var b strings.Builder
	ids := 0
	for i := 0; i < len(cond); {
		c := cond[i]
		switch {
		case isIDByte(c):
			j := i
			for j < len(cond) && isIDByte(cond[j]) {
				j++
			}
			id := cond[i:j]
			to, ok := rename(id)
			if !ok {
				return "", fmt.Errorf("condition %q names %q, which is not a choice of this question", cond, id)
			}
			b.WriteString(to)
			ids++
			i = j
		case c == '&' || c == '|':
			if i+1 >= len(cond) || cond[i+1] != c {
				return "", fmt.Errorf("condition %q: %q at offset %d must be doubled (%c%c)", cond, c, i, c, c)
			}
			b.WriteString(cond[i : i+2])
			i += 2
		case c == '!' || c == '(' || c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			b.WriteByte(c)
			i++
		default:
			return "", fmt.Errorf("condition %q: %q at offset %d is not allowed; conditions use choice ids, &&, ||, ! and parentheses", cond, c, i)
		}
	}
	if ids == 0 {
		return "", fmt.Errorf("condition %q names no choice", cond)
	}
	return b.String(), nil
}

func isIDByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
