package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/report"
	"github.com/awaf/awaf/internal/store/storetest"
)

type portfolioDoc struct {
	Workloads []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Outdated bool   `json:"outdatedLens"`
		Overall  struct {
			Score float64 `json:"score"`
			High  int     `json:"highRisks"`
		} `json:"overall"`
	} `json:"workloads"`
	CommonRisks []struct {
		Question, Choice string
		Workloads        []struct {
			Name, Link string
			Rank       int
		} `json:"workloads"`
	} `json:"commonRisks"`
	Trend []struct {
		Workloads int `json:"workloads"`
	} `json:"trend"`
}

func (f *fixture) portfolio(as, query string) (int, portfolioDoc) {
	f.t.Helper()
	res := f.do(call{method: "GET", path: "/api/v1/portfolio" + query, as: as})
	var doc portfolioDoc
	body := readBody(f.t, res)
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			f.t.Fatalf("portfolio json: %v\n%s", err, body)
		}
	}
	return res.StatusCode, doc
}

func workloadNames(d portfolioDoc) string {
	var s []string
	for _, w := range d.Workloads {
		s = append(s, w.Name)
	}
	return strings.Join(s, ",")
}

// noneChoice answers the fixture's question with its "none of these" choice, a risk.
func (f *fixture) answerNone(id int64, as string) {
	f.t.Helper()
	q, _ := f.lens.Question(f.question)
	for _, c := range q.Choices {
		if c.None {
			_, err := f.store.PutAnswer(context.Background(), storetest.ActorOf(f.users[as]), id, awaf.Answer{Question: q.ID, Selected: []string{c.ID}}, awaf.AnyVersion)
			must(f.t, err)
			return
		}
	}
	f.t.Fatalf("question %s has no none choice", q.ID)
}

func TestPortfolioShowsWhatTheCallerMaySee(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		as, query, want string
	}{
		{"admin", "", "Other team,Support chat"},
		{"owner", "", "Support chat"},
		{"reader", "", "Support chat"},
		{"outsider", "", "Other team"},
		{"victim", "", "Support chat"},
		{"token:reader", "", "Support chat"},
		{"token:other", "", "Other team"},
		{"admin", "?criticality=business-critical", "Support chat"},
		{"admin", "?kind=agents", ""},
		{"admin", "?sort=name&desc=1", "Support chat,Other team"},
		{"admin", "?owner=nobody", ""},
	}
	for _, c := range cases {
		t.Run(c.as+c.query, func(t *testing.T) {
			st, doc := f.portfolio(c.as, c.query)
			if st != http.StatusOK || workloadNames(doc) != c.want {
				t.Errorf("status %d, workloads %q, want %q", st, workloadNames(doc), c.want)
			}
		})
	}
	for _, bad := range []string{"?criticality=huge", "?kind=x", "?sort=colour", "?outdated=maybe", "?owner=" + strings.Repeat("a", 400)} {
		if st, _ := f.portfolio("admin", bad); st != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, st)
		}
	}
}

func TestPortfolioCommonRisksAndCache(t *testing.T) {
	f := newFixture(t)
	_, before := f.portfolio("admin", "")
	f.answerNone(f.w.ID, "owner")
	f.answerNone(f.other.ID, "outsider")
	// The answers changed: the cached evaluations must not be served.
	_, after := f.portfolio("admin", "")
	if len(after.Workloads) != 2 || after.Workloads[1].Overall == before.Workloads[1].Overall {
		t.Fatalf("scores before %+v and after %+v a changed answer are the same: a stale cache", before.Workloads, after.Workloads)
	}
	var found bool
	for _, cr := range after.CommonRisks {
		if cr.Question != f.question {
			continue
		}
		found = true
		if len(cr.Workloads) != 2 {
			t.Fatalf("common risk %+v, want both workloads", cr)
		}
		for _, w := range cr.Workloads {
			if !strings.HasSuffix(w.Link, "/plan#"+cr.Question+"-"+cr.Choice) || w.Rank == 0 {
				t.Errorf("link %q rank %d, want the plan item", w.Link, w.Rank)
			}
		}
		// The risk's page lists every affected workload with its plan item.
		rp := f.do(call{method: "GET", path: "/portfolio/risks/" + cr.Question + "/" + cr.Choice, as: "admin"})
		if body := readBody(t, rp); rp.StatusCode != 200 || !strings.Contains(body, "2 of 2 workloads lack") || strings.Count(body, "/plan#"+cr.Question+"-"+cr.Choice) != 2 {
			t.Errorf("risk page %d:\n%s", rp.StatusCode, body)
		}
		// The link leads the owner to that item on the plan page.
		link := cr.Workloads[1].Link // Support chat, sorted by name
		path, frag, _ := strings.Cut(link, "#")
		res := f.do(call{method: "GET", path: path, as: "owner"})
		if body := readBody(t, res); res.StatusCode != 200 || !strings.Contains(body, `id="`+frag+`"`) {
			t.Errorf("GET %s = %d, the plan has no item %s", path, res.StatusCode, frag)
		}
	}
	if !found {
		t.Fatalf("no common risk for %s among %+v", f.question, after.CommonRisks)
	}
	// A person who sees one workload sees no risk "shared" with a workload hidden from them.
	if _, own := f.portfolio("owner", ""); len(own.CommonRisks) != 0 {
		t.Errorf("owner sees common risks across workloads they cannot see: %+v", own.CommonRisks)
	}
	// The fixture's milestone and the current answers make the trend.
	if len(after.Trend) == 0 || after.Trend[len(after.Trend)-1].Workloads != 2 {
		t.Errorf("trend %+v", after.Trend)
	}
}

func TestPortfolioPageAndExports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	w, err := f.store.Workload(ctx, f.other.ID)
	must(t, err)
	w.Name = `<script>alert("x")</script>`
	must(t, f.store.UpdateWorkload(ctx, storetest.ActorOf(f.users["outsider"]), w))
	res := f.do(call{method: "GET", path: "/portfolio?sort=security&desc=1", as: "admin"})
	body := readBody(t, res)
	if res.StatusCode != 200 || !strings.Contains(body, `<table class="heat"`) || !strings.Contains(body, "Support chat") {
		t.Fatalf("page %d:\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, `<script>alert`) || !strings.Contains(body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) {
		t.Error("a workload name reaches the page unescaped")
	}
	if !strings.Contains(body, `aria-sort="descending"`) {
		t.Error("the sorted column is not marked")
	}
	for _, c := range []struct{ format, ct, start string }{
		{"html", "text/html", "<!DOCTYPE html>"}, {"md", "text/markdown", "# Well-Architected portfolio"},
		{"json", "application/json", "{"}, {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
	} {
		res := f.do(call{method: "GET", path: "/portfolio/export/" + c.format + "?criticality=business-critical", as: "owner"})
		b := readBody(t, res)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), c.ct) || !strings.HasPrefix(b, c.start) {
			t.Errorf("export %s: %d %s %.40q", c.format, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		if strings.Contains(b, "script") {
			t.Errorf("export %s as owner holds the outsider's workload", c.format)
		}
	}
	if res := f.do(call{method: "GET", path: "/portfolio/export/csv", as: "owner"}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("csv export: %d, want 400", res.StatusCode)
	}
	if res := f.do(call{method: "GET", path: "/portfolio?kind=agents", as: "owner"}); !strings.Contains(readBody(t, res), "No workloads match these filters") {
		t.Error("an empty filter result is not explained")
	}
}

// The API assembles its document from rows encoded once per change; it must be the
// very bytes encoding/json makes of the report's document, before and after a change.
func TestPortfolioJSONIsTheReportDocument(t *testing.T) {
	f := newFixture(t)
	check := func() report.PortfolioDocument {
		t.Helper()
		res := f.do(call{method: "GET", path: "/api/v1/portfolio?sort=overall", as: "admin"})
		body := readBody(t, res)
		var doc report.PortfolioDocument
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		want, err := json.Marshal(doc)
		must(t, err)
		if string(want)+"\n" != body {
			t.Fatalf("the document differs from encoding/json's:\n got %s\nwant %s", body, want)
		}
		return doc
	}
	before := check()
	f.answerNone(f.w.ID, "owner")
	f.answerNone(f.other.ID, "outsider")
	after := check()
	if len(after.CommonRisks) == 0 {
		t.Fatal("no common risk to compare")
	}
	if len(after.Rows) != 2 || after.Rows[0].Overall == before.Rows[0].Overall && after.Rows[1].Overall == before.Rows[1].Overall {
		t.Fatalf("the changed workload's row was not made again: before %+v after %+v", before.Rows, after.Rows)
	}
}
