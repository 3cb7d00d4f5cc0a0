package judge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server is a fake chat completions endpoint that answers with the replies in order,
// repeating the last one.
type server struct {
	*httptest.Server
	calls   atomic.Int32
	replies []func(w http.ResponseWriter, r *http.Request)
	last    atomic.Value // *http.Request
	body    atomic.Value // chatRequest
}

func newServer(t *testing.T, replies ...func(w http.ResponseWriter, r *http.Request)) *server {
	s := &server{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.calls.Add(1)) - 1
		s.last.Store(r)
		var req chatRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err == nil {
			s.body.Store(req)
		}
		s.replies[min(n, len(s.replies)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func reply(content string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"choices":[{"message":{"role":"assistant","content":%q}}],"usage":{"prompt_tokens":100,"completion_tokens":20}}`, content)
	}
}

func status(code int, header ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		fmt.Fprint(w, `{"error":{"code":"x","message":"nope"}}`)
	}
}

func raw(body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }
}

func hang(d time.Duration) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
}

// client returns a client whose retries wait no real time but record the delays.
func client(s *server, cache *Cache, tweak func(*Config)) (*Client, *[]time.Duration) {
	cfg := Config{Provider: "openai", Endpoint: s.URL + "/v1", Model: "judge-1", APIKey: "k",
		MaxRetries: 3, Timeout: 2 * time.Second, Backoff: 100 * time.Millisecond, InputPer1K: 0.5, OutputPer1K: 1.5}
	if tweak != nil {
		tweak(&cfg)
	}
	c := New(cfg, s.Client(), cache)
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return c, &waits
}

var item = Item{Question: "What is the capital?", Answer: "Paris.", Contexts: []string{"Paris is the capital of France."}}

func TestScoreOK(t *testing.T) {
	s := newServer(t, reply(`{"score": 4, "reason": "mostly supported"}`))
	c, _ := client(s, nil, nil)
	got, err := c.Score(context.Background(), "groundedness", item)
	if err != nil || got != 4 {
		t.Fatalf("Score = %v, %v", got, err)
	}
	r := s.last.Load().(*http.Request)
	if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer k" {
		t.Errorf("request %s with auth %q", r.URL, r.Header.Get("Authorization"))
	}
	req := s.body.Load().(chatRequest)
	if req.Model != "judge-1" || req.Temperature != 0 || len(req.Messages) != 2 || !strings.Contains(req.Messages[1].Content, "Paris is the capital") {
		t.Errorf("request body %+v", req)
	}
	u := c.Usage()
	if u.Calls != 1 || u.InputTokens != 100 || u.OutputTokens != 20 || u.Cost != 0.1*0.5+0.02*1.5 {
		t.Errorf("usage %+v", u)
	}
}

func TestAzureRequest(t *testing.T) {
	s := newServer(t, reply(`{"score": 5}`))
	c, _ := client(s, nil, func(c *Config) {
		c.Provider, c.Endpoint, c.Deployment, c.APIVersion = "azure", s.URL, "gpt-4o-mini", "2024-10-21"
	})
	if _, err := c.Score(context.Background(), "relevance", item); err != nil {
		t.Fatal(err)
	}
	r := s.last.Load().(*http.Request)
	if r.URL.Path != "/openai/deployments/gpt-4o-mini/chat/completions" || r.URL.Query().Get("api-version") != "2024-10-21" {
		t.Errorf("url %s", r.URL)
	}
	if r.Header.Get("api-key") != "k" || r.Header.Get("Authorization") != "" {
		t.Errorf("headers %v", r.Header)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name    string
		replies []func(http.ResponseWriter, *http.Request)
		want    float64
		waits   []time.Duration // exact waits, when known
		calls   int32
		errIs   error
		errText string
	}{
		{name: "429 with retry-after-ms", replies: []func(http.ResponseWriter, *http.Request){status(429, "retry-after-ms", "1500"), reply(`{"score": 3}`)},
			want: 3, waits: []time.Duration{1500 * time.Millisecond}, calls: 2},
		{name: "429 with Retry-After seconds", replies: []func(http.ResponseWriter, *http.Request){status(429, "Retry-After", "7"), reply(`{"score": 2}`)},
			want: 2, waits: []time.Duration{7 * time.Second}, calls: 2},
		{name: "503 then 500 then ok", replies: []func(http.ResponseWriter, *http.Request){status(503), status(500), reply(`{"score": 5}`)},
			want: 5, calls: 3},
		{name: "gives up", replies: []func(http.ResponseWriter, *http.Request){status(429)},
			calls: 4, errText: "gave up after 4 attempts"},
		{name: "400 is not retried", replies: []func(http.ResponseWriter, *http.Request){status(400)},
			calls: 1, errText: "HTTP 400"},
		{name: "not JSON", replies: []func(http.ResponseWriter, *http.Request){raw(`<html>gateway</html>`)},
			calls: 1, errIs: ErrMalformed},
		{name: "no choices", replies: []func(http.ResponseWriter, *http.Request){raw(`{"choices": []}`)},
			calls: 1, errIs: ErrMalformed},
		{name: "prose without score", replies: []func(http.ResponseWriter, *http.Request){reply("I think it is fine.")},
			calls: 1, errIs: ErrMalformed},
		{name: "score out of range", replies: []func(http.ResponseWriter, *http.Request){reply(`{"score": 7}`)},
			calls: 1, errIs: ErrMalformed},
		{name: "fenced JSON", replies: []func(http.ResponseWriter, *http.Request){reply("```json\n{\"score\": 4, \"reason\": \"ok\"}\n```")},
			want: 4, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.replies...)
			c, waits := client(s, nil, nil)
			got, err := c.Score(context.Background(), "relevance", item)
			if s.calls.Load() != tt.calls {
				t.Errorf("calls = %d, want %d", s.calls.Load(), tt.calls)
			}
			switch {
			case tt.errIs != nil || tt.errText != "":
				if err == nil || (tt.errIs != nil && !errors.Is(err, tt.errIs)) || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("err = %v, want %v %q", err, tt.errIs, tt.errText)
				}
				if c.Usage().Failed != 1 {
					t.Errorf("failed = %d", c.Usage().Failed)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("score = %v, want %v", got, tt.want)
			}
			if tt.waits != nil && fmt.Sprint(*waits) != fmt.Sprint(tt.waits) {
				t.Errorf("waits = %v, want %v", *waits, tt.waits)
			}
		})
	}
}

func TestBackoffGrows(t *testing.T) {
	s := newServer(t, status(502))
	c, waits := client(s, nil, func(c *Config) { c.MaxRetries = 4 })
	c.Score(context.Background(), "relevance", item)
	if len(*waits) != 4 {
		t.Fatalf("waits = %v", *waits)
	}
	for i, w := range *waits {
		base := 100 * time.Millisecond << i
		if w < base*8/10 || w > base*12/10 {
			t.Errorf("wait %d = %v, want %v ± 20%%", i, w, base)
		}
	}
}

func TestTimeout(t *testing.T) {
	// The first attempt hangs past the timeout; the retry succeeds.
	s := newServer(t, hang(5*time.Second), reply(`{"score": 4}`))
	c, _ := client(s, nil, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	start := time.Now()
	got, err := c.Score(context.Background(), "relevance", item)
	if err != nil || got != 4 {
		t.Fatalf("Score = %v, %v", got, err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v: the timeout did not cut the hung call", time.Since(start))
	}
	if c.Usage().Retries != 1 {
		t.Errorf("retries = %d", c.Usage().Retries)
	}
}

func TestCancel(t *testing.T) {
	s := newServer(t, hang(5*time.Second))
	c, _ := client(s, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Score(ctx, "relevance", item); err == nil {
		t.Fatal("a cancelled context must stop the judge")
	}
}

func TestCacheAndEstimate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.jsonl")
	cache, err := OpenCache(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, reply(`{"score": 5}`))
	c, _ := client(s, cache, nil)
	other := Item{Question: "Why?", Answer: "Because.", Contexts: []string{"x"}}
	e := c.Estimate([]string{"groundedness", "relevance"}, []Item{item, other})
	if e.Calls != 4 || e.Cached != 0 || e.OutputTokens != 4*MaxOutputTokens || e.InputTokens < 4*50 {
		t.Errorf("estimate %+v", e)
	}
	if _, err := c.Score(context.Background(), "groundedness", item); err != nil {
		t.Fatal(err)
	}
	cache.Close()

	// A new process: the cache file answers without a call.
	cache2, err := OpenCache(path)
	if err != nil || cache2.Len() != 1 {
		t.Fatalf("reopened cache: %v, %d entries", err, cache2.Len())
	}
	c2, _ := client(s, cache2, nil)
	e = c2.Estimate([]string{"groundedness", "relevance"}, []Item{item, other})
	if e.Calls != 3 || e.Cached != 1 {
		t.Errorf("estimate after one cached score %+v", e)
	}
	before := s.calls.Load()
	if got, err := c2.Score(context.Background(), "groundedness", item); err != nil || got != 5 {
		t.Fatalf("cached Score = %v, %v", got, err)
	}
	if s.calls.Load() != before || c2.Usage().CacheHits != 1 {
		t.Errorf("a cached score made a call (calls %d -> %d)", before, s.calls.Load())
	}
	// Another model must not reuse the score.
	c3, _ := client(s, cache2, func(c *Config) { c.Model = "judge-2" })
	if e := c3.Estimate([]string{"groundedness"}, []Item{item}); e.Cached != 0 {
		t.Error("cache key ignores the model")
	}
}

func TestPacer(t *testing.T) {
	p := newPacer(600) // one call per 100ms
	start := time.Now()
	for range 3 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("3 calls at 600/min took %v, want at least 200ms", d)
	}
}

func TestParseScore(t *testing.T) {
	tests := map[string]float64{`{"score": 1}`: 1, ` 5 `: 5, `Result: {"reason": "x", "score": 3}`: 3}
	for in, want := range tests {
		if got, err := ParseScore(in); err != nil || got != want {
			t.Errorf("ParseScore(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{``, `{"score": 0}`, `{"score": 3.5}`, `{"score": "4"}`, `{"reason": "x"}`, `six`} {
		if _, err := ParseScore(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseScore(%q) err = %v", in, err)
		}
	}
}

// TestUsageSeparatesRetriesAndKeepsTheError: a judgement that needed three requests is
// one call, and a judgement that failed leaves its reason in the summary.
func TestUsageSeparatesRetriesAndKeepsTheError(t *testing.T) {
	busy := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTooManyRequests) }
	s := newServer(t, busy, busy, reply(`{"score": 5}`))
	c, _ := client(s, nil, nil)
	if _, err := c.Score(context.Background(), "relevance", item); err != nil {
		t.Fatal(err)
	}
	u := c.Usage()
	if u.Calls != 1 || u.Attempts != 3 || u.Retries != 2 || u.LastError != "" {
		t.Errorf("usage %+v, want 1 call, 3 attempts, 2 retries, no error", u)
	}

	dead := newServer(t, reply(`{}`))
	dead.Close() // nothing listens any more: every attempt is refused
	c, _ = client(dead, nil, func(cfg *Config) { cfg.MaxRetries = 1 })
	if _, err := c.Score(context.Background(), "relevance", item); err == nil {
		t.Fatal("a refused connection gave a score")
	}
	u = c.Usage()
	if u.Calls != 1 || u.Attempts != 2 || !strings.Contains(u.LastError, "connect") {
		t.Errorf("usage %+v, want 1 call, 2 attempts and the connection error", u)
	}
}
