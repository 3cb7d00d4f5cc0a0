package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/awaf/awaf"
)

// linesKept is how many lines are remembered per class, to show where an unexpected
// label is.
const linesKept = 5

// classSeen counts where one class occurs in one file, as a label or a prediction.
type classSeen struct {
	labels, predictions int
	lines               []int
}

// see records that class id occurs on a line of the file.
func (d *dataset) see(id int32, line int, asLabel bool) {
	for int(id) >= len(d.seen) {
		d.seen = append(d.seen, classSeen{})
	}
	s := &d.seen[id]
	if asLabel {
		s.labels++
	} else {
		s.predictions++
	}
	if n := len(s.lines); n < linesKept && (n == 0 || s.lines[n-1] != line) {
		s.lines = append(s.lines, line)
	}
}

// allowedClasses decides the class set labels and predictions must come from: the
// declared classes, else, for a binary task (a positive class, a single score column,
// or labels that are mostly a known pair), the two most frequent labels. It returns nil
// when the set cannot be known (a multiclass task without classes:).
func allowedClasses(cfg *Config, cls *classes, sets []*dataset) map[string]bool {
	if len(cfg.Classes) > 0 {
		out := map[string]bool{}
		for _, c := range cfg.Classes {
			out[c] = true
		}
		return out
	}
	labels := make([]int, len(cls.names))
	oneScore := false
	for _, d := range sets {
		if d == nil {
			continue
		}
		oneScore = oneScore || d.mode == binaryScore
		for id, s := range d.seen {
			labels[id] += s.labels
		}
	}
	order := make([]int, len(cls.names))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if labels[a] != labels[b] {
			return labels[b] - labels[a]
		}
		return strings.Compare(cls.names[a], cls.names[b])
	})
	if len(order) <= 2 {
		return nil // nothing can be outside a set of two
	}
	top := [2]string{cls.names[order[0]], cls.names[order[1]]}
	knownPair := false
	for _, p := range knownPairs {
		if (top[0] == p[0] && top[1] == p[1]) || (top[0] == p[1] && top[1] == p[0]) {
			knownPair = true
		}
	}
	if cfg.Positive == "" && !oneScore && !knownPair {
		return nil
	}
	return map[string]bool{top[0]: true, top[1]: true}
}

// checkLabels finds labels and predictions outside the class set. With unknownLabels:
// drop their rows are removed and counted; otherwise every offender is an error with
// its count and first lines. A multiclass task without classes: gets an error for
// labels that differ only in case or spaces ("Cat", "cat "), which are never meant as
// different classes.
func checkLabels(cfg *Config, cls *classes, rep *Report, sets []*dataset, roles []Source) error {
	allowed := allowedClasses(cfg, cls, sets)
	bad := make([]bool, len(cls.names))
	var ps awaf.Problems
	if allowed == nil {
		groups := map[string][]int{}
		for i, n := range cls.names {
			k := strings.ToLower(strings.TrimSpace(n))
			groups[k] = append(groups[k], i)
		}
		keys := make([]string, 0, len(groups))
		for k, g := range groups {
			if len(g) > 1 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			var names []string
			for _, i := range groups[k] {
				names = append(names, fmt.Sprintf("%q", cls.names[i]))
			}
			slices.Sort(names)
			ps = append(ps, awaf.Problem{Location: awaf.Location{File: cfg.file, Line: cfg.lines["task"]},
				Message: fmt.Sprintf("labels %s differ only in case or spaces; fix the data, or list the classes (classes: [...]) and set unknownLabels: drop", strings.Join(names, ", "))})
		}
		if len(ps) > 0 {
			return ps
		}
		return nil
	}
	var want []string
	for c := range allowed {
		want = append(want, fmt.Sprintf("%q", c))
	}
	slices.Sort(want)
	found := false
	for id, name := range cls.names {
		if allowed[name] {
			continue
		}
		bad[id] = true
		found = true
	}
	if !found {
		return nil
	}
	drop := cfg.UnknownLabels == "drop"
	for si, d := range sets {
		if d == nil {
			continue
		}
		for id, s := range d.seen {
			if !bad[id] || s.labels+s.predictions == 0 {
				continue
			}
			where := fmt.Sprintf("%s line", roles[si].Path)
			if len(s.lines) > 1 {
				where += "s"
			}
			var ls []string
			for _, l := range s.lines {
				ls = append(ls, fmt.Sprint(l))
			}
			what := fmt.Sprintf("%d as a label, %d as a prediction", s.labels, s.predictions)
			if drop {
				rep.Notes = append(rep.Notes, fmt.Sprintf("dropped the rows with class %q, which is not one of %s (%s; %s %s)",
					cls.names[id], strings.Join(want, ", "), what, where, strings.Join(ls, ", ")))
				continue
			}
			line := cfg.lines["classes"]
			if line == 0 {
				line = cfg.lines["task"]
			}
			ps = append(ps, awaf.Problem{Location: awaf.Location{File: cfg.file, Line: line},
				Message: fmt.Sprintf("class %q is not one of %s: %s (%s %s); fix the data, list it in classes:, or set unknownLabels: drop",
					cls.names[id], strings.Join(want, ", "), what, where, strings.Join(ls, ", "))})
		}
	}
	if !drop {
		return ps
	}
	for si, d := range sets {
		if d == nil {
			continue
		}
		n := d.dropClasses(bad)
		for i := range rep.Inputs {
			if rep.Inputs[i].Role == roleName(si) {
				rep.Inputs[i].Dropped = n
			}
		}
	}
	cls.remove(bad, sets)
	return nil
}

func roleName(i int) string {
	if i == 0 {
		return "current"
	}
	return "baseline"
}

// dropClasses removes the rows whose label or prediction is a bad class, and the
// probabilities of bad classes, and returns how many rows went.
func (d *dataset) dropClasses(bad []bool) int {
	keep := make([]int32, 0, d.n)
	for i := range d.n {
		if !bad[d.truth[i]] && !bad[d.pred[i]] {
			keep = append(keep, int32(i))
		}
	}
	dropped := d.n - len(keep)
	if dropped == 0 && d.sparse == nil {
		return 0
	}
	d.truth, d.pred = gather(d.truth, keep), gather(d.pred, keep)
	if d.score != nil {
		d.score = gather(d.score, keep)
	}
	if d.sparseEnd != nil {
		var sparse []classProb
		var ends []int32
		for _, r := range keep {
			start := int32(0)
			if r > 0 {
				start = d.sparseEnd[r-1]
			}
			for _, cp := range d.sparse[start:d.sparseEnd[r]] {
				if !bad[cp.class] {
					sparse = append(sparse, cp)
				}
			}
			ends = append(ends, int32(len(sparse)))
		}
		d.sparse, d.sparseEnd = sparse, ends
	}
	for _, s := range d.segments {
		s.rows = gather(s.rows, keep)
	}
	for _, f := range d.features {
		if f.numeric {
			f.nums = gather(f.nums, keep)
		} else {
			f.cats = gather(f.cats, keep)
		}
	}
	d.n = len(keep)
	return dropped
}

// remove takes bad classes out of the class list and renumbers the datasets.
func (c *classes) remove(bad []bool, sets []*dataset) {
	m := make([]int32, len(c.names))
	var names []string
	for i, n := range c.names {
		if bad[i] {
			m[i] = -1
			delete(c.index, n)
			continue
		}
		m[i] = int32(len(names))
		c.index[n] = m[i]
		names = append(names, n)
	}
	c.names = names
	for _, d := range sets {
		if d != nil {
			d.remap(m)
			d.seen = nil
		}
	}
}
