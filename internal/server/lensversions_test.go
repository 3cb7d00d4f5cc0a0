package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/server"
	"github.com/awaf/awaf/internal/store/storetest"
)

// nextBuiltin is the built-in lens 1.0.0 as a version 1.0.1 would ship: one practice
// renamed (replaces) and a "not needed" choice added to the same question.
type nextBuiltin struct {
	lens            *awaf.Lens
	question, area  string
	renamed, to, nn string
}

func makeNext(t *testing.T) nextBuiltin {
	t.Helper()
	old, err := lens.BuiltinVersion(lens.BuiltinID, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../lens/history/azure-ai-workload-1.0.0.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var n nextBuiltin
	var none string
	for _, q := range old.Questions {
		for _, c := range q.Choices {
			if n.renamed == "" && !c.None && strings.Count(string(src), c.ID) == 1 {
				n.question, n.area, n.renamed = q.ID, string(q.Area), c.ID
			}
		}
		if q.ID == n.question {
			for _, c := range q.Choices {
				if c.None {
					none = c.ID
				}
			}
		}
	}
	if n.renamed == "" || none == "" {
		t.Fatal("no practice of 1.0.0 is free of risk rules")
	}
	n.to, n.nn = n.renamed+"_v2", n.renamed+"_not_needed"
	s := strings.Replace(string(src), "version: 1.0.0", "version: 1.0.1", 1)
	s = strings.Replace(s, "      - id: "+n.renamed+"\n", "      - id: "+n.to+"\n        replaces: ["+n.renamed+"]\n", 1)
	s = strings.Replace(s, "      - id: "+none+"\n", `      - id: `+n.nn+`
        title: "Not needed: the practice does not apply"
        notNeeded: `+n.to+`
        guidance: {what: w, why: y, verify: v}
        links: [{url: "https://learn.microsoft.com/azure/well-architected/ai/application-design"}]
      - id: `+none+"\n", 1)
	if n.lens, err = lens.Parse("next.yaml", []byte(s)); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBuiltinVersions: a workload stored at the built-in 1.0.0 is scored on the
// embedded 1.0.0, shown as outdated next to the newer built-in version, and upgrades
// in one step with the new version's mapping (the renamed practice's selection and
// evidence follow it). After the upgrade, a "not needed" choice needs its reason, on
// the form and in the API, and reports show it.
func TestBuiltinVersions(t *testing.T) {
	for _, database := range []string{"sqlite", "postgres"} {
		t.Run(database, func(t *testing.T) {
			n := makeNext(t)
			f := newFixtureOn(t, database, func(c *server.Config) {
				c.Lens = func(id string) (*awaf.Lens, error) {
					if id == lens.BuiltinID {
						return n.lens, nil
					}
					return lens.BuiltinByID(id)
				}
				c.LensVersion = lens.BuiltinVersion
			})
			ctx := context.Background()
			owner := storetest.ActorOf(f.users["owner"])
			w, err := f.store.Workload(ctx, f.w.ID)
			must(t, err)
			w.Lens.Version = "1.0.0" // whatever the current built-in version is
			must(t, f.store.UpdateWorkload(ctx, owner, w))
			_, err = f.store.PutAnswer(ctx, owner, f.w.ID, awaf.Answer{Question: n.question, Selected: []string{n.renamed}, Note: "in place",
				Evidence: []awaf.Evidence{{Choice: n.renamed, Source: "scan", Passed: true, Summary: "found it"}}}, awaf.AnyVersion)
			must(t, err)

			// Scored on its own version, and outdated.
			page := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d", f.w.ID), as: "owner"}))
			for _, w := range []string{"Outdated lens: azure-ai-workload 1.0.0", "This server has version 1.0.1", "the scores above are on version 1.0.0", "moves 1 selection(s)"} {
				if !strings.Contains(page, w) {
					t.Errorf("workload page lacks %q", w)
				}
			}
			var st struct {
				Outdated bool
				Preview  struct {
					Moved []struct {
						From, To struct{ Question, Choice string }
					}
					NewQuestions []string
					NewChoices   []string
				}
			}
			res := f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/lens", f.w.ID), as: "token:reader"})
			must(t, json.NewDecoder(res.Body).Decode(&st))
			if !st.Outdated || len(st.Preview.Moved) != 1 || st.Preview.Moved[0].To.Choice != n.to || len(st.Preview.NewQuestions) != 0 ||
				len(st.Preview.NewChoices) != 1 || st.Preview.NewChoices[0] != n.question+"/"+n.nn {
				t.Fatalf("lens state = %+v", st)
			}

			// The Lenses list shows the earlier built-in version, not as the latest.
			var list struct {
				Lenses []struct {
					ID, Version     string
					Builtin, Latest bool
				}
			}
			must(t, json.NewDecoder(f.do(call{method: "GET", path: "/api/v1/lenses", as: "token:reader"}).Body).Decode(&list))
			var rows []string
			for _, l := range list.Lenses {
				rows = append(rows, fmt.Sprintf("%s@%s builtin=%t latest=%t", l.ID, l.Version, l.Builtin, l.Latest))
			}
			if got := strings.Join(rows, "; "); !strings.Contains(got, "azure-ai-workload@1.0.1 builtin=true latest=true; azure-ai-workload@1.0.0 builtin=true latest=false") {
				t.Errorf("lenses: %s", got)
			}

			// One step.
			body := readBody(t, f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/lens/upgrade", f.w.ID), as: "token:owner"}))
			var rep struct {
				Moved []struct {
					From, To struct{ Question, Choice string }
				}
			}
			if err := json.Unmarshal([]byte(body), &rep); err != nil || len(rep.Moved) != 1 || rep.Moved[0].From.Choice != n.renamed || rep.Moved[0].To.Choice != n.to {
				t.Fatalf("upgrade report: %v %s", err, body)
			}
			a, err := f.store.Assessment(ctx, f.w.ID)
			must(t, err)
			got, _ := a.Answer(n.question)
			if a.Lens.Version != "1.0.1" || got == nil || got.Selected[0] != n.to || got.Note != "in place" || len(got.Evidence) != 1 || got.Evidence[0].Choice != n.to {
				t.Fatalf("after the upgrade: %v %+v", a.Lens, got)
			}

			// "Not needed" without a reason is refused on the form and in the API.
			form := url.Values{"q": {n.question}, "sel." + n.question: {n.nn}}
			res = f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/assess/%s", f.w.ID, n.area), as: "owner", form: form})
			page = readBody(t, res)
			if want := n.nn + " (not needed) needs its reason in the answer&#39;s note"; res.StatusCode != 409 || !strings.Contains(page, want) {
				t.Errorf("form without a reason = %d, want the message %q", res.StatusCode, want)
			}
			form["sel."+n.question] = []string{n.nn, n.to}
			form["note."+n.question] = []string{"both"}
			page = readBody(t, f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/assess/%s", f.w.ID, n.area), as: "owner", form: form}))
			if !strings.Contains(page, "cannot both be selected") {
				t.Error("the form took a practice with its not-needed choice")
			}
			res = f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/answers/%s", f.w.ID, n.question), as: "token:contributor",
				json: `{"selected":["` + n.nn + `"],"version":0}`})
			if body := readBody(t, res); res.StatusCode != 400 || !strings.Contains(body, "needs its reason") {
				t.Errorf("API without a reason = %d: %s", res.StatusCode, body)
			}
			res = f.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/workloads/%d/answers/%s", f.w.ID, n.question), as: "token:contributor",
				json: `{"selected":["` + n.nn + `"],"note":"Only public data flows through this part.","version":-1}`})
			if body := readBody(t, res); res.StatusCode != 200 {
				t.Fatalf("API with a reason = %d: %s", res.StatusCode, body)
			}
			md := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/api/v1/workloads/%d/reports/markdown", f.w.ID), as: "token:reader"}))
			if !strings.Contains(md, "— Only public data flows through this part.") || !strings.Contains(md, "- not needed: ") {
				t.Errorf("the markdown report does not show the not-needed practice:\n%s", md)
			}
		})
	}
}

// TestUpgradeTo110: the real step the server ships, built-in 1.0.0 to the current
// built-in version. A workload stored at 1.0.0 with answers on choices that 1.1.0
// merged or moved shows as outdated and upgrades in one call: the selections land on
// the choices that took them over, across questions, and nothing is dropped.
func TestUpgradeTo110(t *testing.T) {
	for _, database := range []string{"sqlite", "postgres"} {
		t.Run(database, func(t *testing.T) {
			cur, err := lens.Builtin()
			must(t, err)
			if cur.Version == "1.0.0" {
				t.Skip("the built-in lens is still 1.0.0")
			}
			f := newFixtureOn(t, database, func(c *server.Config) { c.LensVersion = lens.BuiltinVersion })
			ctx := context.Background()
			owner := storetest.ActorOf(f.users["owner"])
			w, err := f.store.Workload(ctx, f.w.ID)
			must(t, err)
			w.Lens = awaf.LensRef{ID: lens.BuiltinID, Version: "1.0.0"}
			must(t, f.store.UpdateWorkload(ctx, owner, w))
			for _, a := range []awaf.Answer{
				{Question: "prompt_model_versioning", Selected: []string{"pv_prompts_in_git", "pv_pinned_model_versions"}},
				{Question: "platform_ha", Selected: []string{"ha_zone_redundancy", "ha_state_backup"},
					Evidence: []awaf.Evidence{{Choice: "ha_state_backup", Source: "scan", Passed: true, Summary: "continuous backup on"}}},
				{Question: "model_decay", Selected: []string{"dm_model_update_watch"}, Note: "reviewed monthly"},
			} {
				_, err = f.store.PutAnswer(ctx, owner, f.w.ID, a, awaf.AnyVersion)
				must(t, err)
			}
			page := readBody(t, f.do(call{method: "GET", path: fmt.Sprintf("/w/%d", f.w.ID), as: "owner"}))
			for _, want := range []string{"Outdated lens: azure-ai-workload 1.0.0", "This server has version " + cur.Version} {
				if !strings.Contains(page, want) {
					t.Errorf("workload page lacks %q", want)
				}
			}
			body := readBody(t, f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/lens/upgrade", f.w.ID), as: "token:owner"}))
			var rep struct {
				Dropped []any
				Moved   []struct {
					From, To struct{ Question, Choice string }
				}
			}
			if err := json.Unmarshal([]byte(body), &rep); err != nil || len(rep.Dropped) != 0 || len(rep.Moved) != 3 {
				t.Fatalf("upgrade report: %v %s", err, body)
			}
			a, err := f.store.Assessment(ctx, f.w.ID)
			must(t, err)
			if a.Lens.Version != cur.Version {
				t.Errorf("lens after the upgrade: %v", a.Lens)
			}
			want := map[string][]string{
				"prompt_model_versioning": {"pv_prompts_in_git", "pv_upgrade_policy", "pv_deprecation_plan"},
				"platform_ha":             {"ha_zone_redundancy"},
				"data_protection":         {"dpt_backup"},
			}
			for q, sel := range want {
				got, _ := a.Answer(q)
				if got == nil || strings.Join(got.Selected, ",") != strings.Join(sel, ",") {
					t.Errorf("%s after the upgrade: %+v, want %v", q, got, sel)
				}
			}
			if dp, _ := a.Answer("data_protection"); dp == nil || len(dp.Evidence) != 1 || dp.Evidence[0].Choice != "dpt_backup" {
				t.Errorf("the backup evidence did not follow its choice: %+v", dp)
			}
			if md, _ := a.Answer("model_decay"); md != nil && len(md.Selected) != 0 {
				t.Errorf("model_decay keeps a moved selection: %+v", md)
			}
		})
	}
}
