// Package judge scores RAG answers for groundedness and relevance with an LLM at an
// Azure OpenAI or OpenAI-compatible chat completions endpoint. It paces calls to a
// requests-per-minute budget, retries 429s, 5xx and timeouts with exponential backoff,
// caches every score on disk so that a rerun costs nothing, and estimates tokens and
// cost before a run.
package judge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says where the judge is and how hard it may be called.
type Config struct {
	Provider   string // "azure" or "openai"
	Endpoint   string // https://NAME.openai.azure.com, or a base URL ending in /v1
	Deployment string // azure
	Model      string // openai; for azure, only recorded
	APIVersion string // azure
	APIKey     string
	// RequestsPerMinute paces calls; 0 means no pacing.
	RequestsPerMinute int
	MaxRetries        int
	Timeout           time.Duration // per attempt
	// Backoff is the first retry delay, doubled on every attempt (default 1s, at most
	// 60s); a Retry-After header overrides it.
	Backoff     time.Duration
	InputPer1K  float64
	OutputPer1K float64
}

// Item is what the judge sees of one RAG row.
type Item struct {
	Question, Answer string
	Contexts         []string
}

// Usage counts what a client has done.
type Usage struct {
	Calls     int `json:"calls"`    // judgements sent to the endpoint (cache misses)
	Attempts  int `json:"attempts"` // HTTP requests, retries included
	CacheHits int `json:"cacheHits"`
	Retries   int `json:"retries"`
	Failed    int `json:"failed"`
	// LastError is the error of the last judgement that failed, so a summary can say
	// why ("connection refused", "HTTP 401").
	LastError    string  `json:"lastError,omitempty"`
	InputTokens  int     `json:"inputTokens"`
	OutputTokens int     `json:"outputTokens"`
	Cost         float64 `json:"cost"`
}

// Client is an LLM judge. It is safe for concurrent use.
type Client struct {
	cfg   Config
	http  *http.Client
	cache *Cache
	pace  *pacer
	// sleep waits between retries; tests replace it to run without waiting.
	sleep func(context.Context, time.Duration) error

	mu    sync.Mutex
	usage Usage
	rng   *rand.Rand
}

// New returns a client. cache may be nil.
func New(cfg Config, hc *http.Client, cache *Cache) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Client{cfg: cfg, http: hc, cache: cache, pace: newPacer(cfg.RequestsPerMinute),
		sleep: sleepCtx, rng: rand.New(rand.NewPCG(1, 2))}
}

// Model names the judge model for reports.
func (c *Client) Model() string {
	if c.cfg.Provider == "azure" {
		return "azure:" + c.cfg.Deployment
	}
	return c.cfg.Model
}

// Usage returns the counts so far.
func (c *Client) Usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.usage
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ErrMalformed marks a reply that is not a usable score. It is not retried: a judge
// that answered off-format once at temperature 0 will most likely do it again.
var ErrMalformed = errors.New("malformed judge reply")

// Score returns the judge's 1–5 score for metric ("groundedness" or "relevance").
func (c *Client) Score(ctx context.Context, metric string, it Item) (float64, error) {
	msgs, err := Messages(metric, it)
	if err != nil {
		return 0, err
	}
	key := c.cacheKey(metric, msgs)
	if s, ok := c.cache.Get(key); ok {
		c.mu.Lock()
		c.usage.CacheHits++
		c.mu.Unlock()
		return s, nil
	}
	s, err := c.call(ctx, msgs)
	if err != nil {
		c.mu.Lock()
		c.usage.Failed++
		c.mu.Unlock()
		return 0, err
	}
	if err := c.cache.Put(key, s); err != nil {
		return s, fmt.Errorf("judge cache: %w", err)
	}
	return s, nil
}

func (c *Client) cacheKey(metric string, msgs []Message) string {
	return Key(c.Model(), metric, msgs)
}

type chatRequest struct {
	Model       string    `json:"model,omitempty"`
	Messages    []Message `json:"messages"`
	Temperature float64   `json:"temperature"`
	MaxTokens   int       `json:"max_tokens"`
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

func (c *Client) url() string {
	base := strings.TrimRight(c.cfg.Endpoint, "/")
	if c.cfg.Provider == "azure" {
		return base + "/openai/deployments/" + url.PathEscape(c.cfg.Deployment) +
			"/chat/completions?api-version=" + url.QueryEscape(c.cfg.APIVersion)
	}
	return base + "/chat/completions"
}

// retryable is an error worth another attempt.
type retryable struct {
	err   error
	after time.Duration // from Retry-After, 0 if none
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

func (c *Client) call(ctx context.Context, msgs []Message) (float64, error) {
	body, err := json.Marshal(chatRequest{Model: c.cfg.Model, Messages: msgs, MaxTokens: MaxOutputTokens})
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.usage.Calls++
	c.mu.Unlock()
	s, err := c.attempts(ctx, body)
	if err != nil && ctx.Err() == nil {
		c.mu.Lock()
		c.usage.LastError = err.Error()
		c.mu.Unlock()
	}
	return s, err
}

// attempts sends one judgement, retrying what is worth retrying.
func (c *Client) attempts(ctx context.Context, body []byte) (float64, error) {
	var last error
	for attempt := 0; attempt <= c.cfg.MaxRetries; attempt++ {
		if attempt > 0 {
			d := c.backoff(attempt, last)
			c.mu.Lock()
			c.usage.Retries++
			c.mu.Unlock()
			if err := c.sleep(ctx, d); err != nil {
				return 0, err
			}
		}
		if err := c.pace.wait(ctx); err != nil {
			return 0, err
		}
		s, err := c.once(ctx, body)
		if err == nil {
			return s, nil
		}
		var rt *retryable
		if !errors.As(err, &rt) || ctx.Err() != nil {
			return 0, err
		}
		last = err
	}
	return 0, fmt.Errorf("judge: gave up after %d attempts: %w", c.cfg.MaxRetries+1, last)
}

// backoff is Backoff·2^(attempt−1), capped at 60s, with ±20% jitter so that parallel
// workers do not retry in step; a Retry-After from the server wins.
func (c *Client) backoff(attempt int, last error) time.Duration {
	var rt *retryable
	if errors.As(last, &rt) && rt.after > 0 {
		return rt.after
	}
	d := c.cfg.Backoff << (attempt - 1)
	if d > time.Minute || d <= 0 {
		d = time.Minute
	}
	c.mu.Lock()
	j := 0.8 + 0.4*c.rng.Float64()
	c.mu.Unlock()
	return time.Duration(float64(d) * j)
}

func (c *Client) once(ctx context.Context, body []byte) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.Provider == "azure" {
		req.Header.Set("api-key", c.cfg.APIKey)
	} else if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	c.mu.Lock()
	c.usage.Attempts++
	c.mu.Unlock()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return 0, &retryable{err: fmt.Errorf("judge: no reply within %s", c.cfg.Timeout)}
		}
		return 0, &retryable{err: fmt.Errorf("judge: %w", err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return 0, &retryable{err: fmt.Errorf("judge: reply cut off after %s", c.cfg.Timeout)}
		}
		return 0, &retryable{err: fmt.Errorf("judge: read reply: %w", err)}
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return 0, &retryable{err: fmt.Errorf("judge: HTTP %d", resp.StatusCode), after: retryAfter(resp.Header)}
	case resp.StatusCode != http.StatusOK:
		return 0, fmt.Errorf("judge: HTTP %d: %s", resp.StatusCode, snippet(b))
	}
	var cr chatResponse
	if err := json.Unmarshal(b, &cr); err != nil {
		return 0, fmt.Errorf("%w: body is not JSON: %s", ErrMalformed, snippet(b))
	}
	c.mu.Lock()
	c.usage.InputTokens += cr.Usage.PromptTokens
	c.usage.OutputTokens += cr.Usage.CompletionTokens
	c.usage.Cost = float64(c.usage.InputTokens)/1000*c.cfg.InputPer1K + float64(c.usage.OutputTokens)/1000*c.cfg.OutputPer1K
	c.mu.Unlock()
	if len(cr.Choices) == 0 {
		return 0, fmt.Errorf("%w: no choices", ErrMalformed)
	}
	return ParseScore(cr.Choices[0].Message.Content)
}

// retryAfter reads Azure's retry-after-ms or the standard Retry-After (seconds or an
// HTTP date). Waits above 5 minutes are capped.
func retryAfter(h http.Header) time.Duration {
	if v := h.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return min(time.Duration(ms*float64(time.Millisecond)), 5*time.Minute)
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return min(time.Duration(s*float64(time.Second)), 5*time.Minute)
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, 5*time.Minute)
		}
	}
	return 0
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// ParseScore reads the judge's reply: a JSON object with an integer "score" from 1 to
// 5, possibly wrapped in prose or a code fence, or a bare number.
func ParseScore(content string) (float64, error) {
	s := strings.TrimSpace(content)
	if i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}'); i >= 0 && j > i {
		var v struct {
			Score *float64 `json:"score"`
		}
		if err := json.Unmarshal([]byte(s[i:j+1]), &v); err != nil || v.Score == nil {
			return 0, fmt.Errorf("%w: no score in %q", ErrMalformed, snippet([]byte(s)))
		}
		return checkScore(*v.Score)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: no score in %q", ErrMalformed, snippet([]byte(s)))
	}
	return checkScore(f)
}

func checkScore(f float64) (float64, error) {
	if f < 1 || f > 5 || f != float64(int(f)) {
		return 0, fmt.Errorf("%w: score %g is not an integer from 1 to 5", ErrMalformed, f)
	}
	return f, nil
}

// pacer spaces calls evenly to stay under a requests-per-minute budget.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newPacer(rpm int) *pacer {
	p := &pacer{}
	if rpm > 0 {
		p.interval = time.Minute / time.Duration(rpm)
	}
	return p
}

func (p *pacer) wait(ctx context.Context) error {
	if p.interval == 0 {
		return ctx.Err()
	}
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	p.mu.Unlock()
	return sleepCtx(ctx, time.Until(at))
}
