package server_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
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
// "sqlite" (default) or "postgres" (uses AWAF_TEST_POSTGRES). It only runs when
// AWAF_LOAD is set:
//
//	AWAF_LOAD=1 go test -run TestLoad -v ./internal/server/
func TestLoad(t *testing.T) {
	if os.Getenv("AWAF_LOAD") == "" {
		t.Skip("AWAF_LOAD is not set")
	}
	users := envInt("AWAF_LOAD_USERS", 200)
	seconds := envInt("AWAF_LOAD_SECONDS", 20)
	ctx := context.Background()
	store := loadStore(t)
	a := auth.New(store, nil)
	a.Params = fastParams
	l, err := lens.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: store, Auth: a, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
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
		op  string
		d   time.Duration
		err string
	}
	var mu sync.Mutex
	var samples []sample
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
					if res.StatusCode != 200 {
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

	byOp := map[string][]time.Duration{}
	errs := map[string]int{}
	for _, s := range samples {
		byOp[s.op] = append(byOp[s.op], s.d)
		if s.err != "" {
			errs[s.op+": "+s.err]++
		}
	}
	t.Logf("%d users, %d s, %d requests (%.0f/s), database %s", users, seconds, len(samples), float64(len(samples))/float64(seconds), os.Getenv("AWAF_LOAD_DB"))
	for _, op := range []string{"dashboard", "save answer", "report"} {
		ds := byOp[op]
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		if len(ds) == 0 {
			continue
		}
		q := func(p float64) time.Duration { return ds[int(p*float64(len(ds)-1))] }
		t.Logf("%-12s n=%-6d p50=%-8v p95=%-8v p99=%-8v max=%v", op, len(ds), q(.5).Round(time.Millisecond/10), q(.95).Round(time.Millisecond/10), q(.99).Round(time.Millisecond/10), ds[len(ds)-1].Round(time.Millisecond))
	}
	for e, n := range errs {
		t.Errorf("%d × %s", n, e)
	}
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
