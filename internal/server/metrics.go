package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics counts requests per route in memory. They are per replica by nature, as
// Prometheus expects: it scrapes each replica and adds them up.
type metrics struct {
	mu     sync.Mutex
	routes map[string]*routeStats
}

// buckets are the upper bounds of the latency histogram, in seconds.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type routeStats struct {
	codes  map[int]uint64
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

func newMetrics() *metrics { return &metrics{routes: map[string]*routeStats{}} }

func (m *metrics) observe(route string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rs := m.routes[route]
	if rs == nil {
		rs = &routeStats{codes: map[int]uint64{}, counts: make([]uint64, len(buckets)+1)}
		m.routes[route] = rs
	}
	rs.codes[code]++
	sec := d.Seconds()
	i := sort.SearchFloat64s(buckets, sec)
	rs.counts[i]++
	rs.sum += sec
	rs.n++
}

func label(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

// write prints the metrics in the Prometheus text format.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.routes))
	for r := range m.routes {
		names = append(names, r)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "# HELP awaf_http_requests_total HTTP requests by route and status code.")
	fmt.Fprintln(w, "# TYPE awaf_http_requests_total counter")
	for _, r := range names {
		rs := m.routes[r]
		codes := make([]int, 0, len(rs.codes))
		for c := range rs.codes {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			fmt.Fprintf(w, "awaf_http_requests_total{route=\"%s\",code=\"%d\"} %d\n", label(r), c, rs.codes[c])
		}
	}
	fmt.Fprintln(w, "# HELP awaf_http_request_duration_seconds Time to answer HTTP requests by route.")
	fmt.Fprintln(w, "# TYPE awaf_http_request_duration_seconds histogram")
	for _, r := range names {
		rs := m.routes[r]
		var cum uint64
		for i, b := range buckets {
			cum += rs.counts[i]
			fmt.Fprintf(w, "awaf_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %d\n", label(r), strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "awaf_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", label(r), rs.n)
		fmt.Fprintf(w, "awaf_http_request_duration_seconds_sum{route=\"%s\"} %g\n", label(r), rs.sum)
		fmt.Fprintf(w, "awaf_http_request_duration_seconds_count{route=\"%s\"} %d\n", label(r), rs.n)
	}
	fmt.Fprintln(w, "# HELP awaf_goroutines Goroutines in the process.")
	fmt.Fprintln(w, "# TYPE awaf_goroutines gauge")
	fmt.Fprintf(w, "awaf_goroutines %d\n", runtime.NumGoroutine())
}

// statusWriter remembers the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// measure records the route's status and latency, and logs the request.
func (s *Server) measure(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(route, sw.code, d)
		s.cfg.Log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.String("path", r.URL.Path),
			slog.Int("status", sw.code), slog.Duration("duration", d))
	})
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request, _ *request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
	return nil
}
