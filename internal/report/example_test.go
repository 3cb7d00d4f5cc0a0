package report

import (
	"bytes"
	"io"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/mscsv"
)

// exampleFile is the complete example assessment the README shows.
var exampleFile = filepath.Join("..", "..", "examples", "rag-chat", "awaf.yaml")

// exampleInput runs the real pipeline on the example: built-in lens, answers file,
// evaluation.
func exampleInput(tb testing.TB) Input {
	tb.Helper()
	f, err := answers.LoadFile(exampleFile)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := lens.BuiltinByID(f.Lens.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Check(l); err != nil {
		tb.Fatal(err)
	}
	r, err := assess.Evaluate(l, f.Assessment)
	if err != nil {
		tb.Fatal(err)
	}
	return Input{Lens: l, Assessment: f.Assessment, Result: r, Generated: generated}
}

// TestGoldenExample covers every format on the full 40-question example. When the
// built-in lens or the example changes, refresh with -update and review the diff.
func TestGoldenExample(t *testing.T) {
	in := exampleInput(t)
	if len(in.Lens.Questions) < 40 || len(in.Result.Plan) == 0 {
		t.Fatalf("the example should be a full assessment with a plan: %d questions, %d recommendations", len(in.Lens.Questions), len(in.Result.Plan))
	}
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			got := MustRender(t, f, in)
			name := "rag-chat." + string(f)
			if f == XLSX {
				got, name = dumpXLSX(t, got), name+".txt"
			}
			goldenfile.Check(t, filepath.Join("testdata", name), got)
		})
	}
}

// TestCSVExample reads the example's export back and checks it against the result.
func TestCSVExample(t *testing.T) {
	in := exampleInput(t)
	out := MustRender(t, CSV, in)
	e, err := mscsv.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	checkExport(t, e, readRaw(t, out))
	if len(e.Recommendations) != len(in.Result.Plan) || len(e.Categories) != len(in.Result.Pillars) {
		t.Errorf("%d recommendations for %d plan items, %d categories for %d pillars",
			len(e.Recommendations), len(in.Result.Plan), len(e.Categories), len(in.Result.Pillars))
	}
	if len(e.Questions()) != len(in.Lens.Questions) {
		t.Errorf("%d questions in the answers table, lens has %d", len(e.Questions()), len(in.Lens.Questions))
	}
}

// cpuTime is the CPU time the process has used, user and system. On a shared machine
// wall time per op swings with the load; CPU time per op much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ms/op figure to a benchmark.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkRender renders the full example in each format; Evaluate is measured with
// it so the figure is what `awaf report` spends after reading files.
func BenchmarkRender(b *testing.B) {
	in := exampleInput(b)
	b.Run("evaluate", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			if _, err := assess.Evaluate(in.Lens, in.Assessment); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			defer reportCPU(b, cpuTime())
			for b.Loop() {
				if err := Render(io.Discard, f, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("evaluate+all", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			r, err := assess.Evaluate(in.Lens, in.Assessment)
			if err != nil {
				b.Fatal(err)
			}
			all := Input{Lens: in.Lens, Assessment: in.Assessment, Result: r, Generated: generated}
			for _, f := range Formats() {
				if err := Render(io.Discard, f, all); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
