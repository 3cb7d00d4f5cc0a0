package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// HTTPDoer sends requests; *http.Client is one.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Retry policy for rate limits and passing server errors: a few attempts, waiting what
// the tracker asks (Retry-After) or an exponential backoff, never longer than maxWait.
const (
	maxAttempts = 4
	firstWait   = 500 * time.Millisecond
	maxWait     = 60 * time.Second
	maxBody     = 4 << 20 // a reply larger than this is not a work item
)

type caller struct {
	hc    HTTPDoer
	sleep func(context.Context, time.Duration) error
	waits []time.Duration // every wait, for tests and for the sync summary
}

func newCaller(hc HTTPDoer) *caller {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &caller{hc: hc, sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// request is one API call: the body is JSON (or JSON Patch for Azure DevOps).
type request struct {
	method, url, contentType string
	body                     any
	header                   http.Header
}

// httpError is a reply the caller did not expect.
type httpError struct {
	status int
	body   string
}

func (e *httpError) Error() string {
	msg := e.body
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return fmt.Sprintf("HTTP %d: %s", e.status, msg)
}

// do sends r, retrying 429 and 502–504 with the wait the tracker asks for, and decodes
// a 2xx JSON reply into out (which may be nil). 401 and 403 without a rate-limit sign
// are ErrAuth; 404 and 410 are ErrNotFound.
func (c *caller) do(ctx context.Context, r request, out any) error {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(payload))
		if err != nil {
			return err
		}
		for k, vs := range r.header {
			req.Header[k] = vs
		}
		if r.body != nil {
			req.Header.Set("Content-Type", r.contentType)
		}
		req.Header.Set("Accept", "application/json")
		resp, err := c.hc.Do(req)
		if err != nil {
			if ctx.Err() != nil || attempt >= maxAttempts {
				return err
			}
			if err := c.wait(ctx, backoff(attempt)); err != nil {
				return err
			}
			continue
		}
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		if rerr != nil {
			return rerr
		}
		switch s := resp.StatusCode; {
		case s >= 200 && s < 300:
			if out == nil || len(bytes.TrimSpace(b)) == 0 {
				return nil
			}
			if err := json.Unmarshal(b, out); err != nil {
				return fmt.Errorf("reply of %s %s: %w", r.method, r.url, err)
			}
			return nil
		case rateLimited(resp):
			if attempt >= maxAttempts {
				return fmt.Errorf("rate limited after %d attempts: %w", attempt, &httpError{s, string(b)})
			}
			if err := c.wait(ctx, retryAfter(resp.Header, attempt)); err != nil {
				return err
			}
		case s == http.StatusBadGateway || s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout:
			if attempt >= maxAttempts {
				return &httpError{s, string(b)}
			}
			if err := c.wait(ctx, retryAfter(resp.Header, attempt)); err != nil {
				return err
			}
		case s == http.StatusUnauthorized || s == http.StatusForbidden:
			return fmt.Errorf("%w (%s)", ErrAuth, (&httpError{s, string(b)}).Error())
		case s == http.StatusNotFound || s == http.StatusGone:
			return fmt.Errorf("%w: %s", ErrNotFound, r.url)
		default:
			return &httpError{s, string(b)}
		}
	}
}

func (c *caller) wait(ctx context.Context, d time.Duration) error {
	c.waits = append(c.waits, d)
	return c.sleep(ctx, d)
}

// rateLimited tells a rate limit apart from a refusal: 429 always; GitHub answers its
// limits with 403 and x-ratelimit-remaining: 0 or a Retry-After.
func rateLimited(resp *http.Response) bool {
	if resp.StatusCode == http.StatusTooManyRequests {
		return true
	}
	return resp.StatusCode == http.StatusForbidden &&
		(resp.Header.Get("x-ratelimit-remaining") == "0" || resp.Header.Get("Retry-After") != "")
}

// retryAfter reads Retry-After (seconds or an HTTP date) or GitHub's x-ratelimit-reset
// (epoch seconds), capped at maxWait; without them, an exponential backoff.
func retryAfter(h http.Header, attempt int) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return min(time.Duration(s)*time.Second, maxWait)
		}
		if t, err := http.ParseTime(v); err == nil {
			return min(max(time.Until(t), 0), maxWait)
		}
	}
	if v := h.Get("x-ratelimit-reset"); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil {
			return min(max(time.Until(time.Unix(s, 0)), 0), maxWait)
		}
	}
	return backoff(attempt)
}

func backoff(attempt int) time.Duration {
	return min(firstWait<<(attempt-1), maxWait)
}
