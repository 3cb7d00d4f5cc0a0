package judge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// PromptVersion is part of every cache key: changing a prompt invalidates old scores.
const PromptVersion = "1"

// MaxOutputTokens caps the judge's reply; the estimate assumes it is used in full.
const MaxOutputTokens = 80

// The rubrics follow the 1–5 scales of Azure AI Foundry's groundedness and relevance
// evaluators, in our own words.
const groundednessRubric = `You grade whether an ANSWER is supported by the CONTEXT it was given.
Score 1 to 5:
5 = every claim in the answer is stated in or directly implied by the context;
4 = supported, with a minor detail not in the context;
3 = partly supported, partly unsupported;
2 = mostly unsupported by the context;
1 = unrelated to or contradicted by the context.
Judge only support by the context, not whether the answer is true elsewhere.
Reply with JSON only: {"score": <1-5>, "reason": "<one sentence>"}`

const relevanceRubric = `You grade whether an ANSWER addresses the QUESTION that was asked.
Score 1 to 5:
5 = fully answers the question, nothing off topic;
4 = answers it with small gaps or some extra material;
3 = partly answers it;
2 = mostly misses the question;
1 = does not address the question.
Reply with JSON only: {"score": <1-5>, "reason": "<one sentence>"}`

// Messages builds the chat for one metric and item.
func Messages(metric string, it Item) ([]Message, error) {
	var b strings.Builder
	switch metric {
	case "groundedness":
		b.WriteString("CONTEXT:\n")
		for i, c := range it.Contexts {
			fmt.Fprintf(&b, "[%d] %s\n", i+1, c)
		}
		b.WriteString("\nANSWER:\n" + it.Answer)
		return []Message{{"system", groundednessRubric}, {"user", b.String()}}, nil
	case "relevance":
		b.WriteString("QUESTION:\n" + it.Question + "\n\nANSWER:\n" + it.Answer)
		return []Message{{"system", relevanceRubric}, {"user", b.String()}}, nil
	}
	return nil, fmt.Errorf("judge: no prompt for metric %q", metric)
}

// Key is the cache key of one judgement: model, metric, prompt version and messages.
func Key(model, metric string, msgs []Message) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", model, metric, PromptVersion)
	for _, m := range msgs {
		fmt.Fprintf(h, "\x00%s\x00%s", m.Role, m.Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Estimate is the expected size and cost of a judge run, shown before it starts.
type Estimate struct {
	Calls        int     `json:"calls"`  // uncached judgements to make
	Cached       int     `json:"cached"` // judgements already in the cache
	InputTokens  int     `json:"inputTokens"`
	OutputTokens int     `json:"outputTokens"`
	Cost         float64 `json:"cost"`
}

// EstimateTokens guesses a chat's prompt tokens: about 4 characters a token for English
// text, plus 4 tokens of overhead per message. It errs high on purpose.
func EstimateTokens(msgs []Message) int {
	n := 3
	for _, m := range msgs {
		n += 4 + (len(m.Content)+3)/4
	}
	return n
}

// Estimate counts the calls, tokens and cost of judging items for each metric, leaving
// out what the cache already holds.
func (c *Client) Estimate(metrics []string, items []Item) Estimate {
	var e Estimate
	for _, m := range metrics {
		for _, it := range items {
			msgs, err := Messages(m, it)
			if err != nil {
				continue
			}
			if _, ok := c.cache.Get(c.cacheKey(m, msgs)); ok {
				e.Cached++
				continue
			}
			e.Calls++
			e.InputTokens += EstimateTokens(msgs)
			e.OutputTokens += MaxOutputTokens
		}
	}
	e.Cost = float64(e.InputTokens)/1000*c.cfg.InputPer1K + float64(e.OutputTokens)/1000*c.cfg.OutputPer1K
	return e
}
