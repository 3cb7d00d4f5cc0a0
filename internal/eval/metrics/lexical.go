package metrics

import (
	"strings"
	"unicode"
)

// The lexical proxies stand in for an LLM judge when none is configured. They measure
// word overlap, not meaning: an answer can paraphrase its sources and score low, or copy
// words and be wrong. Reports label them as proxies for that reason.

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be been but by can could did do does
		for from had has have how i if in into is it its may might no not of on or our
		should so than that the their them then there these they this to was we were what
		when where which who why will with would you your`) {
		m[w] = true
	}
	return m
}()

// Tokens splits text into lower-case words of letters and digits, without stop words.
func Tokens(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := f[:0]
	for _, t := range f {
		if !stopwords[t] {
			out = append(out, t)
		}
	}
	return out
}

func tokenSet(parts ...string) map[string]bool {
	m := map[string]bool{}
	for _, p := range parts {
		for _, t := range Tokens(p) {
			m[t] = true
		}
	}
	return m
}

// coverage is the share of tokens of s found in set; NaN when s has no tokens.
func coverage(s string, set map[string]bool) float64 {
	toks := Tokens(s)
	if len(toks) == 0 {
		return nan
	}
	var hit int
	for _, t := range toks {
		if set[t] {
			hit++
		}
	}
	return float64(hit) / float64(len(toks))
}

// GroundednessProxy is the share of the answer's words that appear in the retrieved
// contexts. NaN for an answer without words.
func GroundednessProxy(answer string, contexts []string) float64 {
	return coverage(answer, tokenSet(contexts...))
}

// RelevanceProxy is the share of the question's words that the answer repeats. NaN for a
// question without words.
func RelevanceProxy(question, answer string) float64 {
	return coverage(question, tokenSet(answer))
}

// TokenF1 is the harmonic mean of token precision and recall of the answer against the
// ground truth, counting repeated tokens (SQuAD's F1). 1 when both have no tokens, 0
// when only one has none.
func TokenF1(answer, truth string) float64 {
	a, t := Tokens(answer), Tokens(truth)
	if len(a) == 0 && len(t) == 0 {
		return 1
	}
	if len(a) == 0 || len(t) == 0 {
		return 0
	}
	counts := map[string]int{}
	for _, x := range t {
		counts[x]++
	}
	var common int
	for _, x := range a {
		if counts[x] > 0 {
			counts[x]--
			common++
		}
	}
	if common == 0 {
		return 0
	}
	p := float64(common) / float64(len(a))
	r := float64(common) / float64(len(t))
	return 2 * p * r / (p + r)
}
