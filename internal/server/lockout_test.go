package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// TestLockoutParallelOverHTTP: wrong passwords for one account sent all at once, each
// from its own address, get at most five password checks (401); the rest are refused
// as locked (429).
func TestLockoutParallelOverHTTP(t *testing.T) {
	for _, n := range []int{20, 60} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			f := newFixture(t)
			b := &browser{t: t, h: f.h, cookies: map[string]string{}}
			tok := b.csrf("/signin")
			var wg sync.WaitGroup
			var mu sync.Mutex
			codes := map[int]int{}
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					form := url.Values{"csrf": {tok}, "email": {"reader@example.com"}, "password": {fmt.Sprintf("guess %d", i)}}
					req := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.AddCookie(&http.Cookie{Name: "awaf_csrf", Value: tok})
					req.RemoteAddr = fmt.Sprintf("198.51.100.%d:1", i+1)
					w := httptest.NewRecorder()
					f.h.ServeHTTP(w, req)
					mu.Lock()
					codes[w.Code]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			if codes[http.StatusUnauthorized] != 5 || codes[http.StatusTooManyRequests] != n-5 {
				t.Fatalf("%d parallel wrong passwords: %v, want 5 × 401 and %d × 429", n, codes, n-5)
			}
		})
	}
}
