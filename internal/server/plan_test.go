package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPlanItemsMustNameTheLens: a plan item for a question or choice the workload's
// lens does not have is refused with 400 and not stored, through the API and the form.
func TestPlanItemsMustNameTheLens(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ name, question, choice string }{
		{"unknown question", "no_such_question", f.choice},
		{"unknown choice", f.question, "no_such_choice"},
		{"choice of another question", f.lens.Questions[1].ID, f.choice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/plan/%s/%s", f.w.ID, tc.question, tc.choice),
				as: "token:contributor", json: `{"status": "in-progress"}`})
			body := readBody(t, r)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("API = %d: %s", r.StatusCode, body)
			}
			r = f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/plan", f.w.ID), as: "contributor",
				form: url.Values{"question": {tc.question}, "choice": {tc.choice}, "status": {"done"}}})
			body = readBody(t, r)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("form = %d: %s", r.StatusCode, body)
			}
		})
	}
	its, err := f.store.PlanItems(t.Context(), f.w.ID)
	must(t, err)
	if len(its) != 0 {
		t.Fatalf("refused plan items were stored: %+v", its)
	}
	// A real question and choice is still accepted.
	r := f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/plan/%s/%s", f.w.ID, f.question, f.choice),
		as: "token:contributor", json: `{"status": "in-progress"}`})
	if body := readBody(t, r); r.StatusCode != http.StatusOK || !strings.Contains(body, f.choice) {
		t.Fatalf("valid item = %d: %s", r.StatusCode, body)
	}
}

// TestNoteLimitCountsCharacters: the 10000-character limit on notes counts
// characters, so a note in a script of two-byte letters is not cut at half the limit.
func TestNoteLimitCountsCharacters(t *testing.T) {
	f := newFixture(t)
	path := fmt.Sprintf("/api/v1/workloads/%d/answers/%s", f.w.ID, f.question)
	for _, tc := range []struct {
		name, note string
		want       int
	}{
		{"6000 two-byte letters", strings.Repeat("é", 6000), http.StatusOK},
		{"10000 three-byte letters", strings.Repeat("語", 10000), http.StatusOK},
		{"10001 letters", strings.Repeat("a", 10001), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(call{method: "PUT", path: path, as: "token:contributor",
				json: fmt.Sprintf(`{"selected": [%q], "note": %q, "version": -1}`, f.choice, tc.note)})
			if body := readBody(t, r); r.StatusCode != tc.want {
				t.Fatalf("= %d, want %d: %.300s", r.StatusCode, tc.want, body)
			}
		})
	}
}
