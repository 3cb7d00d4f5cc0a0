package eval

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
)

// Aspect is one thing an evaluation run shows about a team's practice.
type Aspect string

// Aspects of an evaluation run that count as evidence.
const (
	AspectAutomated  Aspect = "automated-evaluation" // the run exists and is repeatable from a config
	AspectMetrics    Aspect = "defined-metrics"      // metrics with values
	AspectGates      Aspect = "quality-gates"        // thresholds declared and checked
	AspectBaseline   Aspect = "baseline-comparison"  // compared with a baseline run
	AspectDrift      Aspect = "drift-monitoring"     // drift between baseline and current
	AspectFairness   Aspect = "fairness-checks"      // per-segment gaps, parity, equalized odds
	AspectSafety     Aspect = "safety-metrics"       // harmful-content defect rates measured
	AspectSafetyGate Aspect = "safety-gate"          // thresholds on those defect rates checked
	AspectRegression Aspect = "regression-suite"     // a prompt regression suite ran (JUnit)
)

// EvidenceTarget maps an aspect to a choice of the built-in azure-ai-workload lens, for
// the tasks it fits. The ids come from the lens file (internal/lens/builtin).
type EvidenceTarget struct {
	Aspect   Aspect
	Question string
	Choice   string
	Tasks    []Task // empty: every task
}

var ml = []Task{Classification, Regression}

// EvidenceTargets is the whole mapping, kept as data so that a lens change is a one-line
// edit here.
var EvidenceTargets = []EvidenceTarget{
	{AspectAutomated, "experiment_tracking", "et_eval_results_stored", nil},
	{AspectAutomated, "release_gates", "rg_pipeline_enforced", nil},
	{AspectMetrics, "ml_evaluation", "me_task_metrics", ml},
	{AspectMetrics, "genai_evaluation", "ge_quality_metrics", []Task{RAG}},
	{AspectGates, "release_gates", "rg_numeric_thresholds", nil},
	{AspectBaseline, "experiment_tracking", "et_compare_baseline", nil},
	{AspectBaseline, "ml_evaluation", "me_baseline_compare", ml},
	{AspectBaseline, "model_decay", "dm_baseline", nil},
	{AspectDrift, "model_decay", "dm_drift_monitors", ml},
	{AspectDrift, "model_decay", "dm_genai_quality_trend", []Task{RAG}},
	{AspectFairness, "ml_evaluation", "me_fairness", ml},
	{AspectSafety, "genai_evaluation", "ge_safety_metrics", []Task{RAG}},
	{AspectSafetyGate, "release_gates", "rg_safety_gate", []Task{RAG}},
	{AspectRegression, "release_gates", "rg_regression_suite", nil},
}

// isSafetyMetric tells a harmful-content metric of the Azure AI evaluation SDK
// ("violence.violence_defect_rate") or awaf's own naming.
func isSafetyMetric(id string) bool {
	return strings.HasSuffix(id, "_defect_rate") || strings.Contains(id, "attack_success")
}

// finding is what the report shows for one aspect.
type finding struct {
	passed  bool
	summary string
}

// Findings says, per aspect the run covers, whether it supports the practice.
func (r *Report) findings() map[Aspect]finding {
	out := map[Aspect]finding{}
	rows := 0
	for _, in := range r.Inputs {
		if in.Role == "current" {
			rows = in.Rows
		}
	}
	name := r.Name
	if name == "" {
		name = r.Config
	}
	out[AspectAutomated] = finding{rows > 0, fmt.Sprintf("awaf eval %s (%s) evaluated %d rows from config %s", name, r.Task, rows, r.Config)}
	if r.Source != nil {
		out[AspectAutomated] = finding{len(r.Metrics) > 0, fmt.Sprintf("awaf eval %s imported %s results from %s (%d rows) with config %s", name, r.Source.Kind, r.Source.File, rows, r.Config)}
	}
	var safety []string
	var safetyChecks []Check
	for _, m := range r.Metrics {
		if isSafetyMetric(m.ID) && m.Value.Defined() {
			safety = append(safety, fmt.Sprintf("%s=%s", m.ID, m.Value))
		}
	}
	for _, c := range r.Checks {
		if isSafetyMetric(c.Name) {
			safetyChecks = append(safetyChecks, c)
		}
	}
	if len(safety) > 0 {
		out[AspectSafety] = finding{true, "harmful-content defect rates: " + strings.Join(safety, ", ")}
	}
	if len(safetyChecks) > 0 {
		out[AspectSafetyGate] = summarize(safetyChecks, "safety threshold checks")
	}
	if r.Source != nil && r.Source.Kind == KindJUnit {
		var gates []Check
		for _, c := range r.Checks {
			if strings.HasPrefix(c.Name, "pass_rate") {
				gates = append(gates, c)
			}
		}
		f := summarize(gates, "pass-rate checks")
		for _, m := range r.Metrics {
			if m.ID == "pass_rate" {
				f.summary = fmt.Sprintf("prompt regression suite %s: pass rate %s; %s", r.Source.File, m.Value, f.summary)
				if len(gates) == 0 {
					f.passed = float64(m.Value) == 1
				}
			}
		}
		out[AspectRegression] = f
	}
	var defined []string
	for _, m := range r.Metrics {
		if m.Value.Defined() {
			defined = append(defined, fmt.Sprintf("%s=%s", m.ID, m.Value))
		}
	}
	out[AspectMetrics] = finding{len(defined) > 0, "metrics: " + strings.Join(defined, ", ")}
	if gates := r.checksIn("metrics", "segments"); len(gates) > 0 {
		out[AspectGates] = summarize(gates, "threshold checks")
	}
	if len(r.Inputs) > 1 {
		var changed []string
		for _, m := range r.Metrics {
			if m.Changed != nil && *m.Changed {
				changed = append(changed, fmt.Sprintf("%s %s", m.ID, signed(*m.Delta)))
			}
		}
		s := "compared with baseline " + r.Inputs[1].File + ": "
		if len(changed) == 0 {
			s += "no change outside the bootstrap interval"
		} else {
			s += "changed: " + strings.Join(changed, ", ")
		}
		out[AspectBaseline] = finding{true, s}
	}
	if len(r.Drift) > 0 {
		f := summarize(r.checksIn("drift"), "drift checks")
		var parts []string
		for _, d := range r.Drift {
			parts = append(parts, fmt.Sprintf("%s PSI %s", d.Feature, d.PSI))
		}
		f.summary += "; " + strings.Join(parts, ", ")
		out[AspectDrift] = f
	}
	if len(r.Fairness) > 0 {
		f := summarize(r.checksIn("fairness"), "fairness checks")
		var cols []string
		for _, fr := range r.Fairness {
			cols = append(cols, fr.Column)
		}
		f.summary += " across " + strings.Join(cols, ", ")
		out[AspectFairness] = f
	}
	return out
}

func (r *Report) checksIn(groups ...string) []Check {
	var out []Check
	for _, c := range r.Checks {
		if slices.Contains(groups, c.Group) {
			out = append(out, c)
		}
	}
	return out
}

func summarize(checks []Check, what string) finding {
	var failed []string
	for _, c := range checks {
		if !c.Passed {
			failed = append(failed, fmt.Sprintf("%s=%s (want %s)", c.Name, c.Value, c.Bound))
		}
	}
	s := fmt.Sprintf("%d of %d %s passed", len(checks)-len(failed), len(checks), what)
	if len(checks) == 0 {
		s = "no " + what + " declared"
	}
	if len(failed) > 0 {
		s += "; failed: " + strings.Join(failed, ", ")
	}
	return finding{len(failed) == 0, s}
}

// Evidence returns the evidence items the report supports, one per matching choice,
// grouped by question.
func (r *Report) Evidence() map[string][]awaf.Evidence {
	f := r.findings()
	out := map[string][]awaf.Evidence{}
	for _, t := range EvidenceTargets {
		if len(t.Tasks) > 0 && !slices.Contains(t.Tasks, r.Task) {
			continue
		}
		fd, ok := f[t.Aspect]
		if !ok {
			continue
		}
		out[t.Question] = append(out[t.Question], awaf.Evidence{
			Choice: t.Choice, Source: "eval", Passed: fd.passed, Summary: fd.summary,
			Location: &awaf.Location{File: r.Config}, At: r.At,
		})
	}
	return out
}

// Attach adds the report's evidence to an assessment. Earlier eval evidence for the
// same choice from the same config is replaced, so reruns do not pile up while runs of
// other models stay; choices are not selected, since the answer stays the team's.
func (r *Report) Attach(a *awaf.Assessment) {
	ev := r.Evidence()
	qs := make([]string, 0, len(ev))
	for q := range ev {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	for _, q := range qs {
		ans := awaf.Answer{Question: q}
		if old, ok := a.Answer(q); ok {
			ans = *old
		}
		choices := map[string]bool{}
		for _, e := range ev[q] {
			choices[e.Choice] = true
		}
		ans.Evidence = slices.DeleteFunc(slices.Clone(ans.Evidence), func(e awaf.Evidence) bool {
			return e.Source == "eval" && choices[e.Choice] && e.Location != nil && e.Location.File == r.Config
		})
		ans.Evidence = append(ans.Evidence, ev[q]...)
		a.SetAnswer(ans)
	}
}

// EvidenceLens is the lens whose choice ids EvidenceTargets names.
const EvidenceLens = "azure-ai-workload"

// AttachEvidence records the report as evidence in the answers file at path, written
// atomically.
func AttachEvidence(path string, rep *Report) error {
	a, err := answers.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return awaf.Errorf(awaf.ENOTFOUND, "answers file %s does not exist: create it with awaf assess first", path)
	}
	if err != nil {
		return err
	}
	if a.Lens.ID != "" && a.Lens.ID != EvidenceLens {
		return awaf.Errorf(awaf.EINVALID, "answers file %s is for lens %q: eval evidence maps to choices of the %s lens", path, a.Lens.ID, EvidenceLens)
	}
	rep.Attach(a)
	return answers.Save(path, a)
}
