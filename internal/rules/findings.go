package rules

import (
	"iter"
	"slices"
	"sort"
)

// Findings is an evaluation's findings in order. They stay in the blocks Session.Sink
// judged them into, one run after another, rather than being copied into one slice:
// a large scan holds hundreds of thousands of them, and a second copy of them all is
// what a tight heap cannot afford at the end of a scan.
type Findings struct {
	runs [][]Finding
	ends []int // ends[k]: how many findings runs[:k+1] hold
}

// FindingsOf gives the findings fs, in their order (not copied).
func FindingsOf(fs []Finding) Findings {
	var f Findings
	f.add(fs)
	return f
}

// grow makes room for n more runs.
func (f *Findings) grow(n int) {
	f.runs = slices.Grow(f.runs, n)
	f.ends = slices.Grow(f.ends, n)
}

// add appends a run.
func (f *Findings) add(run []Finding) {
	if len(run) == 0 {
		return
	}
	f.runs = append(f.runs, run[:len(run):len(run)])
	f.ends = append(f.ends, f.Len()+len(run))
}

// Len is the number of findings.
func (f Findings) Len() int {
	if len(f.ends) == 0 {
		return 0
	}
	return f.ends[len(f.ends)-1]
}

// At gives finding i.
func (f Findings) At(i int) *Finding {
	k := sort.Search(len(f.ends), func(k int) bool { return f.ends[k] > i })
	if k == len(f.ends) || i < 0 {
		panic("rules: finding index out of range")
	}
	start := 0
	if k > 0 {
		start = f.ends[k-1]
	}
	return &f.runs[k][i-start]
}

// All yields each finding with its index, in order.
func (f Findings) All() iter.Seq2[int, *Finding] {
	return func(yield func(int, *Finding) bool) {
		n := 0
		for _, run := range f.runs {
			for k := range run {
				if !yield(n, &run[k]) {
					return
				}
				n++
			}
		}
	}
}

// Between yields findings lo to hi-1 with their indices, in order: a writer that
// makes a report in batches walks its batch's runs, not each finding's place.
func (f Findings) Between(lo, hi int) iter.Seq2[int, *Finding] {
	return func(yield func(int, *Finding) bool) {
		start := 0
		for _, run := range f.runs {
			if start >= hi {
				return
			}
			for k := max(lo-start, 0); k < len(run) && start+k < hi; k++ {
				if !yield(start+k, &run[k]) {
					return
				}
			}
			start += len(run)
		}
	}
}

// Runs gives the findings as the runs they are held in, in order.
func (f Findings) Runs() [][]Finding {
	return f.runs
}

// Slice gives the findings in one new slice.
func (f Findings) Slice() []Finding {
	out := make([]Finding, 0, f.Len())
	for _, run := range f.runs {
		out = append(out, run...)
	}
	return out
}
