package portfolio

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
)

// risk is one plan item of a test workload: question/choice at a risk level.
type risk struct {
	q, c string
	r    awaf.Risk
}

// result makes an evaluated workload with the given pillar scores and plan.
func result(name, owner string, crit awaf.Criticality, kinds []awaf.Kind, lensVersion string, overall float64, pillars map[awaf.PillarID]float64, plan ...risk) *awaf.Result {
	r := &awaf.Result{
		Lens:     awaf.LensRef{ID: "ai", Version: lensVersion},
		Workload: awaf.Workload{Name: name, Owner: owner},
		Profile:  awaf.Profile{Criticality: crit, Kinds: kinds},
		Overall:  awaf.Score{Score: overall, Band: awaf.BandModerate},
	}
	for _, id := range []awaf.PillarID{"security", "reliability"} {
		s, ok := pillars[id]
		band := awaf.BandModerate
		if !ok {
			band = awaf.BandNotAssessed
		}
		r.Pillars = append(r.Pillars, awaf.PillarScore{Pillar: id, Name: strings.ToUpper(string(id[:1])) + string(id[1:]), Score: awaf.Score{Score: s, Band: band}})
	}
	seen := map[string]bool{}
	for i, p := range plan {
		if !seen[p.q] {
			seen[p.q] = true
			r.Questions = append(r.Questions, awaf.QuestionResult{Question: p.q, Risk: p.r})
			switch p.r {
			case awaf.RiskHigh:
				r.Overall.High++
			case awaf.RiskMedium:
				r.Overall.Medium++
			}
		}
		r.Plan = append(r.Plan, awaf.Recommendation{Rank: i + 1, Question: p.q, Choice: p.c, Title: "adopt " + p.c, Risk: p.r})
	}
	return r
}

func fleet() []Entry {
	at := func(d int) time.Time { return time.Date(2026, 10, d, 12, 0, 0, 0, time.UTC) }
	return []Entry{
		{ID: 1, Link: "/w/1", Updated: at(1), LatestLens: "2.0.0", Result: result("chat", "team-a", awaf.BusinessCritical, []awaf.Kind{awaf.KindGenerative}, "1.0.0", 60,
			map[awaf.PillarID]float64{"security": 70, "reliability": 50},
			risk{"identity", "no_keys", awaf.RiskHigh}, risk{"network", "private", awaf.RiskMedium}, risk{"cost", "budgets", awaf.RiskUnanswered})},
		{ID: 2, Link: "/w/2", PlanLink: "/w/2/plan", Updated: at(9), LatestLens: "2.0.0", Result: result("Agents", "team-b", awaf.MissionCritical, []awaf.Kind{awaf.KindAgents, awaf.KindGenerative}, "2.0.0", 40,
			map[awaf.PillarID]float64{"security": 30, "reliability": 50},
			risk{"network", "private", awaf.RiskHigh}, risk{"identity", "no_keys", awaf.RiskMedium}, risk{"cost", "budgets", awaf.RiskUnanswered}, risk{"gate", "thresholds", awaf.RiskMedium})},
		{ID: 3, Link: "/w/3", Updated: at(5), LatestLens: "2.0.0", Result: result("batch", "TEAM-A", awaf.Experimental, []awaf.Kind{awaf.KindBatchInference}, "2.0.0", 80,
			map[awaf.PillarID]float64{"security": 90},
			risk{"network", "private", awaf.RiskMedium}, risk{"identity", "no_keys", awaf.RiskHigh}, risk{"gate", "thresholds", awaf.RiskMedium})},
		{ID: 4, Link: "/w/4", Result: nil}, // not evaluated: left out
	}
}

func names(rows []Row) string {
	var s []string
	for _, r := range rows {
		s = append(s, r.Name)
	}
	return strings.Join(s, ",")
}

func TestBuild(t *testing.T) {
	v := Build(fleet())
	if got := names(v.Rows); got != "chat,Agents,batch" {
		t.Errorf("rows %s, want entries' order without the unevaluated one", got)
	}
	if len(v.Pillars) != 2 || v.Pillars[0].ID != "security" || v.Pillars[1].Name != "Reliability" {
		t.Errorf("pillars %+v", v.Pillars)
	}
	// batch has no reliability score: the average leaves it out instead of counting 0.
	want := map[string]float64{"overall": 60, "security": 63.3, "reliability": 50}
	if !reflect.DeepEqual(v.Average, want) {
		t.Errorf("average %v, want %v", v.Average, want)
	}
	chat := v.Rows[0]
	if !chat.Outdated || v.Rows[1].Outdated {
		t.Errorf("outdated: chat %v (1.0.0 of 2.0.0), Agents %v", chat.Outdated, v.Rows[1].Outdated)
	}
	if c := v.Rows[2].Pillars["reliability"]; c.Band != awaf.BandNotAssessed {
		t.Errorf("batch reliability %+v, want not assessed", c)
	}
	if chat.Overall.High != 1 || chat.Overall.Medium != 1 {
		t.Errorf("chat risks %+v", chat.Overall)
	}
}

func TestCommonRisks(t *testing.T) {
	cases := []struct {
		name   string
		filter Filter
		want   []string // question/choice: workloads (high)
	}{
		// identity and network are in all three; identity is high twice, network once,
		// so identity first. gate is in two. cost is unanswered everywhere: not counted.
		{"all", Filter{}, []string{"identity/no_keys: chat#1 Agents#2 batch#2 (2 high)", "network/private: chat#2 Agents#1 batch#1 (1 high)", "gate/thresholds: Agents#4 batch#3 (0 high)"}},
		// Filtering recounts the high ones and drops risks left with one workload.
		{"owner team-a, either case", Filter{Owner: "team-a"}, []string{"identity/no_keys: chat#1 batch#2 (2 high)", "network/private: chat#2 batch#1 (0 high)"}},
		{"one workload shares nothing", Filter{Kind: awaf.KindAgents}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Build(fleet()).Apply(c.filter)
			var got []string
			for _, cr := range v.CommonRisks {
				var at []string
				for _, w := range cr.Workloads {
					at = append(at, w.Name+"#"+strconv.Itoa(w.Rank))
				}
				got = append(got, cr.Question+"/"+cr.Choice+": "+strings.Join(at, " ")+" ("+strconv.Itoa(cr.High)+" high)")
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("common risks\n got %q\nwant %q", got, c.want)
			}
		})
	}
	v := Build(fleet())
	if s := v.Share(v.CommonRisks[0]); s != "3 of 3 workloads lack: adopt no_keys" {
		t.Errorf("share %q", s)
	}
	if l := v.CommonRisks[0].Workloads[1].Link; l != "/w/2/plan#identity-no_keys" {
		t.Errorf("link %q, want the plan item", l)
	}
	if l := v.CommonRisks[0].Workloads[0].Link; l != "/w/1" {
		t.Errorf("link %q", l)
	}
}

func TestFilter(t *testing.T) {
	cases := []struct {
		name string
		f    Filter
		want string
	}{
		{"none", Filter{}, "chat,Agents,batch"},
		{"owner ignores case", Filter{Owner: "Team-A"}, "chat,batch"},
		{"criticality", Filter{Criticality: awaf.MissionCritical}, "Agents"},
		{"kind among several", Filter{Kind: awaf.KindGenerative}, "chat,Agents"},
		{"outdated lens", Filter{Outdated: true}, "chat"},
		{"all of them", Filter{Owner: "team-a", Kind: awaf.KindGenerative, Outdated: true}, "chat"},
		{"nothing left", Filter{Owner: "team-a", Criticality: awaf.MissionCritical}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Build(fleet())
			if got := names(v.Apply(c.f).Rows); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if names(v.Rows) != "chat,Agents,batch" {
				t.Error("Apply changed the view it was called on")
			}
		})
	}
}

func TestSort(t *testing.T) {
	cases := []struct {
		key  string
		desc bool
		want string
	}{
		{"", false, "Agents,batch,chat"},
		{"name", true, "chat,batch,Agents"},
		{"owner", false, "TEAM-A,team-a,team-b"},
		{"criticality", false, "Agents,chat,batch"},
		{"overall", true, "batch,chat,Agents"},
		{"high", false, "chat,Agents,batch"},  // all 1: stable, entries' order
		{"medium", true, "Agents,batch,chat"}, // 2, 2 (kept in order), 1
		{"updated", true, "Agents,batch,chat"},
		{"security", false, "Agents,chat,batch"},
		{"reliability", true, "chat,Agents,batch"},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			v := Build(fleet())
			if err := v.Sort(c.key, c.desc); err != nil {
				t.Fatal(err)
			}
			got := names(v.Rows)
			if c.key == "owner" {
				var o []string
				for _, r := range v.Rows {
					o = append(o, r.Owner)
				}
				got = strings.Join(o, ",")
			}
			if got != c.want {
				t.Errorf("sort %s desc=%v: got %s, want %s", c.key, c.desc, got, c.want)
			}
		})
	}
	if err := Build(fleet()).Sort("colour", false); err == nil || !strings.Contains(err.Error(), `sort by "colour"`) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestTrend(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }
	end := func(y int, m time.Month) time.Time {
		return time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Second)
	}
	sec := func(s float64) map[awaf.PillarID]float64 { return map[awaf.PillarID]float64{"security": s} }
	type pt struct {
		end       time.Time
		workloads int
		overall   float64
		security  float64
	}
	cases := []struct {
		name  string
		snaps []Snapshot
		want  []pt
	}{
		{"none", nil, nil},
		{"one snapshot", []Snapshot{{Workload: "a", At: day(2026, 3, 4), Overall: 40, Pillars: sec(40)}}, []pt{{end(2026, 3), 1, 40, 40}}},
		{
			// b starts in May; a's March score carries through April and May; a's
			// second March snapshot replaces its first; an empty June carries both.
			"carried forward",
			[]Snapshot{
				{Workload: "a", At: day(2026, 3, 1), Overall: 20, Pillars: sec(20)},
				{Workload: "b", At: day(2026, 5, 20), Overall: 61, Pillars: sec(60)},
				{Workload: "a", At: day(2026, 3, 31), Overall: 40, Pillars: sec(40)},
				{Workload: "a", At: day(2026, 7, 2), Overall: 50, Pillars: map[awaf.PillarID]float64{}},
			},
			[]pt{{end(2026, 3), 1, 40, 40}, {end(2026, 4), 1, 40, 40}, {end(2026, 5), 2, 50.5, 50}, {end(2026, 6), 2, 50.5, 50}, {end(2026, 7), 2, 55.5, 60}},
		},
		{
			"across a year end, in another zone",
			[]Snapshot{
				{Workload: "a", At: time.Date(2026, 12, 31, 23, 30, 0, 0, time.FixedZone("UTC-2", -2*3600)), Overall: 10, Pillars: sec(10)},
				{Workload: "a", At: day(2027, 2, 1), Overall: 30, Pillars: sec(30)},
			},
			// 23:30 at UTC-2 is 1:30 on 1 January UTC: January's, not December's.
			[]pt{{end(2027, 1), 1, 10, 10}, {end(2027, 2), 1, 30, 30}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []pt
			for _, p := range Trend(c.snaps) {
				got = append(got, pt{p.MonthEnd, p.Workloads, p.Overall, p.Pillars["security"]})
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("trend\n got %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestSnapshotOf(t *testing.T) {
	r := fleet()[2].Result
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	s := SnapshotOf("batch", at, r)
	if s.Overall != 80 || s.Pillars["security"] != 90 || len(s.Pillars) != 1 || !s.At.Equal(at) {
		t.Errorf("snapshot %+v: want overall 80, security 90 and no unassessed reliability", s)
	}
}
