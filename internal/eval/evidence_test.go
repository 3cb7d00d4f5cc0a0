package eval

import (
	"testing"

	"github.com/awaf/awaf/internal/lens"
)

// Every choice the evidence table names must exist in the built-in lens, under the
// question the table says.
func TestEvidenceTargetsExistInLens(t *testing.T) {
	l, err := lens.BuiltinByID(EvidenceLens)
	if err != nil {
		t.Skipf("built-in lens not available: %v", err)
	}
	choices := map[string]map[string]bool{}
	for _, q := range l.Questions {
		choices[q.ID] = map[string]bool{}
		for _, c := range q.Choices {
			choices[q.ID][c.ID] = true
		}
	}
	for _, tg := range EvidenceTargets {
		if !choices[tg.Question][tg.Choice] {
			t.Errorf("%s: choice %s/%s is not in lens %s", tg.Aspect, tg.Question, tg.Choice, EvidenceLens)
		}
	}
}

func TestEvidenceFromReport(t *testing.T) {
	rep := mustRun(t, "../../examples/eval/regression/awaf-eval.yaml")
	ev := rep.Evidence()
	want := map[string]bool{
		"experiment_tracking/et_eval_results_stored": true,
		"ml_evaluation/me_task_metrics":              true,
		"release_gates/rg_numeric_thresholds":        true,
		"ml_evaluation/me_baseline_compare":          true,
		"model_decay/dm_drift_monitors":              true,
		"ml_evaluation/me_fairness":                  true,
	}
	got := map[string]bool{}
	for q, items := range ev {
		for _, e := range items {
			got[q+"/"+e.Choice] = e.Passed
			if e.Source != "eval" || e.Summary == "" || !e.At.Equal(fixedNow()) {
				t.Errorf("evidence %+v", e)
			}
		}
	}
	for k, passed := range want {
		if p, ok := got[k]; !ok || p != passed {
			t.Errorf("%s: got %v (present %v), want passed %v", k, p, ok, passed)
		}
	}
	if _, ok := got["genai_evaluation/ge_quality_metrics"]; ok {
		t.Error("a regression run must not claim generative evaluation")
	}
}
