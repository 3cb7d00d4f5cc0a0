package eval

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeBench writes n rows of a binary classifier (JSONL or CSV) or a regression (CSV),
// with two segment columns, and a config with the usual metrics.
func writeBench(b *testing.B, task string, format Format, n, resamples int) string {
	b.Helper()
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	data := filepath.Join(dir, "p."+string(format))
	f, err := os.Create(data)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	regions := []string{"eu", "us", "apac"}
	if format == CSV {
		if task == "classification" {
			fmt.Fprintln(w, "label,prediction,score,region,age")
		} else {
			fmt.Fprintln(w, "actual,predicted,region,age")
		}
	}
	for i := range n {
		region, age := regions[rng.IntN(3)], 18+rng.IntN(60)
		switch {
		case task == "classification":
			s := rng.Float64()
			label := 0
			if rng.Float64() < s {
				label = 1
			}
			pred := 0
			if s >= 0.5 {
				pred = 1
			}
			if format == CSV {
				fmt.Fprintf(w, "%d,%d,%.4f,%s,%d\n", label, pred, s, region, age)
			} else {
				fmt.Fprintf(w, `{"id": %d, "label": %d, "prediction": %d, "score": %.4f, "region": %q, "age": %d}`+"\n", i, label, pred, s, region, age)
			}
		default:
			y := rng.NormFloat64()*10 + 50
			fmt.Fprintf(w, "%.3f,%.3f,%s,%d\n", y, y+rng.NormFloat64()*2, region, age)
		}
	}
	w.Flush()
	f.Close()
	metrics := "[accuracy, {name: f1, average: binary}, {name: precision, average: macro}, roc_auc, pr_auc, log_loss, ece]"
	if task == "regression" {
		metrics = "[mae, rmse, mape, r2]"
	}
	cfg := filepath.Join(dir, "awaf-eval.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("task: %s\ncurrent: %s\nsegments: [region]\nmetrics: %s\nbootstrap: {resamples: %d}\n",
		task, filepath.Base(data), metrics, resamples)), 0o644)
	return cfg
}

func benchRun(b *testing.B, task string, format Format, n, resamples int) {
	cfg, err := LoadConfig(writeBench(b, task, format, n, resamples))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	// CPU time is reported beside wall time: on a shared machine the wall clock measures
	// the neighbours as much as the code.
	before := cpuTime()
	for b.Loop() {
		rep, err := Run(context.Background(), cfg, Options{})
		if err != nil || rep.Inputs[0].Rows != n {
			b.Fatalf("%v, %+v", err, rep.Inputs)
		}
	}
	b.ReportMetric((cpuTime()-before).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// The targets: 1,000,000 classification rows or 200,000 regression rows in
// under a second, reading included, without the bootstrap.
func BenchmarkClassification1MJSONL(b *testing.B) {
	benchRun(b, "classification", JSONL, 1_000_000, -1)
}
func BenchmarkClassification1MCSV(b *testing.B) { benchRun(b, "classification", CSV, 1_000_000, -1) }
func BenchmarkRegression200kCSV(b *testing.B)   { benchRun(b, "regression", CSV, 200_000, -1) }

// With the default 200 bootstrap resamples.
func BenchmarkClassification100kBootstrap200(b *testing.B) {
	benchRun(b, "classification", JSONL, 100_000, 200)
}
func BenchmarkRegression200kBootstrap200(b *testing.B) { benchRun(b, "regression", CSV, 200_000, 200) }
