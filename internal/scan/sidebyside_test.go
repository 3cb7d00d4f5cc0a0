package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf/internal/rules"
)

// Pieces made side by side come out in order, with the separator dropped only at the
// very start, whatever the count and however the batches fall.
func TestWriteSideBySide(t *testing.T) {
	piece := func(dst []byte, i int) []byte {
		if i%7 == 3 { // some pieces give nothing, as passes do in SARIF
			return dst
		}
		dst = append(dst, ',')
		return strconv.AppendInt(dst, int64(i), 10)
	}
	maker := func() batchFunc {
		return func(dst []byte, lo, hi int) ([]byte, error) {
			for i := lo; i < hi; i++ {
				dst = piece(dst, i)
			}
			return dst, nil
		}
	}
	for _, n := range []int{0, 1, 3, pieceBatch - 1, pieceBatch, pieceBatch + 1, 5*pieceBatch + 17, 40 * pieceBatch} {
		for _, drop := range []int{0, 1} {
			t.Run(fmt.Sprintf("n=%d drop=%d", n, drop), func(t *testing.T) {
				var want []byte
				for i := range n {
					want = piece(want, i)
				}
				want = want[min(drop, len(want)):]
				var got bytes.Buffer
				if err := writeSideBySide(&got, n, maker, drop); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Fatalf("got %d bytes, want %d; first difference at %d", got.Len(), len(want), firstDiff(got.Bytes(), want))
				}
			})
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

type failAfter struct{ left int }

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.left--; f.left < 0 {
		return 0, errFull
	}
	return len(p), nil
}

// A failure to make a batch or to write one is the answer, and nothing is left
// running (the test runs with -race in CI's fuzz-free pass too).
func TestWriteSideBySideFails(t *testing.T) {
	before := runtime.NumGoroutine()
	bad := errors.New("cannot encode")
	failing := func() batchFunc {
		return func(dst []byte, lo, hi int) ([]byte, error) {
			if lo >= 3*pieceBatch {
				return dst, bad
			}
			return append(dst, 'x'), nil
		}
	}
	if err := writeSideBySide(&bytes.Buffer{}, 20*pieceBatch, failing, 0); !errors.Is(err, bad) {
		t.Errorf("encoding failure: got %v", err)
	}
	ok := func() batchFunc {
		return func(dst []byte, lo, hi int) ([]byte, error) { return append(dst, 'x'), nil }
	}
	if err := writeSideBySide(&failAfter{left: 2}, 20*pieceBatch, ok, 0); !errors.Is(err, errFull) {
		t.Errorf("write failure: got %v", err)
	}
	for wait := 0; runtime.NumGoroutine() > before; wait++ {
		if wait == 100 {
			t.Fatalf("%d goroutines left running", runtime.NumGoroutine()-before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The reports made in batches read as one: on a corpus of several batches, every
// finding of the JSON report and every result of SARIF is there once, in order, and
// the text report names each workload once where it starts.
func TestReportsInBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 6,000 resources")
	}
	res, err := Run(context.Background(), aiARMCorpus(6000), nil, Options{Frontends: realFrontends(), Catalog: catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Findings.Len() < 3*pieceBatch {
		t.Fatalf("%d findings: too few for several batches", res.Findings.Len())
	}
	write := func(format string) []byte {
		var b bytes.Buffer
		if err := Write(&b, res, format, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var doc Document
	if err := json.Unmarshal(write(JSON), &doc); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(write(SARIF), &sarif); err != nil {
		t.Fatalf("SARIF log: %v", err)
	}
	var results []string
	for i, f := range res.Findings.All() {
		if i >= len(doc.Findings) || doc.Findings[i].Rule != f.Rule.ID || doc.Findings[i].Resource.Name != displayName(f.Resource) {
			t.Fatalf("JSON finding %d is not %s on %s", i, f.Rule.ID, displayName(f.Resource))
		}
		if f.Status != rules.Pass {
			results = append(results, f.Rule.ID)
		}
	}
	if len(doc.Findings) != res.Findings.Len() {
		t.Fatalf("JSON has %d findings, the scan %d", len(doc.Findings), res.Findings.Len())
	}
	if len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != len(results) {
		t.Fatalf("SARIF results: want %d in one run", len(results))
	}
	for i, want := range results {
		if got := sarif.Runs[0].Results[i].RuleID; got != want {
			t.Fatalf("SARIF result %d is %s, want %s", i, got, want)
		}
	}
	var want []string
	last := "\x00"
	for _, g := range groups(res, func(f *Finding) bool { return f.Status != rules.Pass }) {
		if w := g.findings[0].Workload; w != last {
			want, last = append(want, "workload "+w), w
		}
	}
	var got []string
	for _, line := range strings.Split(string(write(Text)), "\n") {
		if strings.HasPrefix(line, "workload ") {
			got = append(got, line)
		}
	}
	if len(want) < 3 || !slices.Equal(got, want) {
		t.Fatalf("text names %d workloads, want %d (%.3q ... vs %.3q ...)", len(got), len(want), got, want)
	}
}
