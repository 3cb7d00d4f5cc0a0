package server_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/server"
)

// TestLoad is a bounded load generator on loopback: AWAF_LOAD_USERS simulated people
// (default 200), each signed in with their own session, for AWAF_LOAD_SECONDS
// (default 20), with about one action per second each: half read the dashboard, four
// in ten save an answer, one in ten renders a report. AWAF_LOAD_DB picks the database:
// "sqlite" (default) or "postgres" (uses AWAF_TEST_POSTGRES). AWAF_LOAD_BUSY=n starts
// n goroutines that spin for the whole run, so that with GOMAXPROCS=1 the server gets
// only part of a core; AWAF_LOAD_NOSHED=1 lifts the load-shedding limits, to compare.
// It reports percentiles as the clients saw them and as the server spent them (time
// inside the handler), and counts requests shed with 503 or 429 apart from errors.
// It only runs when AWAF_LOAD is set:
//
//	AWAF_LOAD=1 go test -run TestLoad -v ./internal/server/
//	AWAF_LOAD=1 AWAF_LOAD_BUSY=1 GOMAXPROCS=1 go test -run TestLoad -v ./internal/server/
func TestLoad(t *testing.T) {
	if os.Getenv("AWAF_LOAD") == "" {
		t.Skip("AWAF_LOAD is not set")
	}
	users := envInt("AWAF_LOAD_USERS", 200)
	seconds := envInt("AWAF_LOAD_SECONDS", 20)
	busy := envInt("AWAF_LOAD_BUSY", 0)
	stopBusy := make(chan struct{})
	defer close(stopBusy)
	var spins atomic.Int64
	for range busy {
		go func() {
			for n := int64(0); ; n++ {
				if n%(1<<20) == 0 {
					spins.Add(1)
					select {
					case <-stopBusy:
						return
					default:
					}
				}
			}
		}()
	}
	ctx := context.Background()
	store := loadStore(t)
	a := auth.New(store, nil)
	a.Params = fastParams
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Store: store, Auth: a, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID}
	if os.Getenv("AWAF_LOAD_NOSHED") != "" {
		no := server.Limit{InFlight: 1 << 20, Queue: 1 << 20, Wait: time.Minute}
		cfg.Limits = server.Limits{Hashing: no, Read: no, Write: no, Heavy: no}
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var serverMu sync.Mutex
	serverSide := map[string][]time.Duration{}
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: 200}
		h.ServeHTTP(sw, r)
		d := time.Since(start)
		if sw.code == 503 || sw.code == 429 {
			return // shed: counted by the clients
		}
		op := "report"
		switch {
		case strings.HasSuffix(r.URL.Path, "/dashboard"):
			op = "dashboard"
		case strings.Contains(r.URL.Path, "/answers/"):
			op = "save answer"
		}
		serverMu.Lock()
		serverSide[op] = append(serverSide[op], d)
		serverMu.Unlock()
	}))
	defer ts.Close()

	// Ten workloads, each shared by a tenth of the people.
	const workloads = 10
	type person struct {
		cookie, csrf string
		workload     int64
		question     string
		choices      []string
	}
	var ids []int64
	for i := range workloads {
		w := &awaf.WorkloadRecord{Workload: awaf.Workload{Name: fmt.Sprintf("load %d", i)}, Lens: awaf.LensRef{ID: l.ID, Version: l.Version},
			Profile: awaf.Profile{Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.Standard, Sensitivity: awaf.Internal, Exposure: awaf.ExposureInternal}}
		must(t, store.CreateWorkload(ctx, awaf.Actor{Name: "load"}, w))
		ids = append(ids, w.ID)
	}
	people := make([]person, users)
	for i := range people {
		u := &awaf.User{Email: fmt.Sprintf("user%d@example.com", i), PasswordHash: "x"}
		must(t, store.CreateUser(ctx, awaf.Actor{Name: "load"}, u))
		wid := ids[i%workloads]
		must(t, store.Grant(ctx, awaf.Actor{Name: "load"}, wid, u.ID, awaf.RoleContributor))
		se, secret, err := a.OpenSession(ctx, u.ID)
		must(t, err)
		// Each person owns a question of their workload, so saves do not race.
		q := l.Questions[(i/workloads)%len(l.Questions)]
		var cs []string
		for _, c := range q.Choices {
			if !c.None {
				cs = append(cs, c.ID)
			}
		}
		people[i] = person{cookie: secret, csrf: se.CSRF, workload: wid, question: q.ID, choices: cs}
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: users * 2, MaxIdleConnsPerHost: users * 2}, Timeout: 30 * time.Second}
	type sample struct {
		op   string
		d    time.Duration
		err  string
		shed bool // 503 or 429 with Retry-After
	}
	var mu sync.Mutex
	var samples []sample
	cpuStart := processCPU()
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := people[i]
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			time.Sleep(time.Duration(rng.IntN(1000)) * time.Millisecond) // spread the start
			version := int64(awaf.AnyVersion)
			for time.Now().Before(deadline) {
				var req *http.Request
				op := ""
				switch x := rng.IntN(10); {
				case x < 5:
					op = "dashboard"
					req, _ = http.NewRequest("GET", fmt.Sprintf("%s/w/%d/dashboard", ts.URL, p.workload), nil)
				case x < 9:
					op = "save answer"
					sel := p.choices[:1+rng.IntN(len(p.choices))]
					body := fmt.Sprintf(`{"selected":["%s"],"note":"load %d","version":%d}`, strings.Join(sel, `","`), rng.IntN(1e6), version)
					req, _ = http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/workloads/%d/answers/%s", ts.URL, p.workload, p.question), strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-CSRF-Token", p.csrf)
				default:
					op = "report"
					req, _ = http.NewRequest("GET", fmt.Sprintf("%s/w/%d/export/html", ts.URL, p.workload), nil)
				}
				req.AddCookie(&http.Cookie{Name: "awaf_session", Value: p.cookie})
				start := time.Now()
				res, err := client.Do(req)
				s := sample{op: op}
				if err != nil {
					s.err = err.Error()
				} else {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					switch {
					case (res.StatusCode == 503 || res.StatusCode == 429) && res.Header.Get("Retry-After") != "":
						s.shed = true
					case res.StatusCode != 200:
						s.err = res.Status
					}
				}
				s.d = time.Since(start)
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
				time.Sleep(time.Duration(500+rng.IntN(1000)) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	cpu := processCPU() - cpuStart

	byOp := map[string][]time.Duration{}
	errs := map[string]int{}
	shed := map[string]int{}
	for _, s := range samples {
		if s.shed {
			shed[s.op]++
			continue // refused at once: not a latency of the work
		}
		byOp[s.op] = append(byOp[s.op], s.d)
		if s.err != "" {
			errs[s.op+": "+s.err]++
		}
	}
	db := os.Getenv("AWAF_LOAD_DB")
	if db == "" {
		db = "sqlite"
	}
	t.Logf("%d users, %d s, %d requests (%.0f/s), database %s, GOMAXPROCS %d, %d busy goroutines (%d Mi spins), shedding %v; process CPU %.1f s (%.1f ms a request, clients, server and spinning together)",
		users, seconds, len(samples), float64(len(samples))/float64(seconds), db, runtime.GOMAXPROCS(0), busy, spins.Load(), os.Getenv("AWAF_LOAD_NOSHED") == "",
		cpu.Seconds(), float64(cpu.Milliseconds())/float64(max(1, len(samples))))
	pct := func(side, op string, ds []time.Duration, shed int) {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		if len(ds) == 0 {
			return
		}
		q := func(p float64) time.Duration { return ds[int(p*float64(len(ds)-1))] }
		t.Logf("%-6s %-12s n=%-6d shed=%-5d p50=%-8v p95=%-8v p99=%-8v max=%v", side, op, len(ds), shed, q(.5).Round(time.Millisecond/10), q(.95).Round(time.Millisecond/10), q(.99).Round(time.Millisecond/10), ds[len(ds)-1].Round(time.Millisecond))
	}
	for _, op := range []string{"dashboard", "save answer", "report"} {
		pct("client", op, byOp[op], shed[op])
	}
	serverMu.Lock()
	for _, op := range []string{"dashboard", "save answer", "report"} {
		pct("server", op, serverSide[op], 0)
	}
	serverMu.Unlock()
	for e, n := range errs {
		t.Errorf("%d × %s", n, e)
	}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func loadStore(t *testing.T) awaf.Store {
	if os.Getenv("AWAF_LOAD_DB") == "postgres" {
		return openStore(t, "postgres", nil)
	}
	return openStore(t, "sqlite", nil)
}
