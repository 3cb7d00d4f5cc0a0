package multilens

import (
	"fmt"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

// part builds a lens and a result by hand: the workload, the pillar scores and the
// plan's priorities (ranked in the order given, as assess.Plan would).
func part(id, workload string, overall awaf.Score, pillars []awaf.PillarScore, priorities ...float64) Part {
	l := &awaf.Lens{ID: id, Name: strings.ToUpper(id), Version: "1.0.0"}
	r := &awaf.Result{
		Lens:     awaf.LensRef{ID: id, Version: "1.0.0"},
		Workload: awaf.Workload{Name: workload},
		Overall:  overall,
		Pillars:  pillars,
	}
	for i, p := range priorities {
		h := awaf.Later
		switch {
		case p >= 40:
			h = awaf.Now
		case p >= 20:
			h = awaf.Next
		}
		r.Plan = append(r.Plan, awaf.Recommendation{Rank: i + 1, Question: fmt.Sprintf("%s_q", id), Choice: fmt.Sprintf("%s_c%d", id, i+1), Priority: p, Horizon: h})
	}
	return Part{Lens: l, Result: r}
}

func score(s float64, high, medium, questions, answered int) awaf.Score {
	b := awaf.BandOf(s)
	if questions == 0 {
		b = awaf.BandNotAssessed
	}
	return awaf.Score{Score: s, Band: b, High: high, Medium: medium, Questions: questions, Answered: answered, Unanswered: questions - answered}
}

func pillar(id awaf.PillarID, s awaf.Score) awaf.PillarScore {
	return awaf.PillarScore{Pillar: id, Name: string(id) + " name", Score: s}
}

// tag renders a plan item as lens:choice@priority, enough to read an order.
func tag(it Item) string { return fmt.Sprintf("%s:%s@%g", it.Lens.ID, it.Choice, it.Priority) }

func TestCombinePlanOrder(t *testing.T) {
	cases := []struct {
		name  string
		parts []Part
		want  []string
	}{
		{
			name:  "priority decides first",
			parts: []Part{part("ai", "w", score(0, 0, 0, 0, 0), nil, 50, 10), part("pol", "w", score(0, 0, 0, 0, 0), nil, 66.3, 30)},
			want:  []string{"pol:pol_c1@66.3", "ai:ai_c1@50", "pol:pol_c2@30", "ai:ai_c2@10"},
		},
		{
			name:  "equal priority: lens order",
			parts: []Part{part("b", "w", score(0, 0, 0, 0, 0), nil, 40), part("a", "w", score(0, 0, 0, 0, 0), nil, 40)},
			want:  []string{"b:b_c1@40", "a:a_c1@40"},
		},
		{
			name:  "equal priority in one lens: its own rank",
			parts: []Part{part("ai", "w", score(0, 0, 0, 0, 0), nil, 25, 25, 25), part("pol", "w", score(0, 0, 0, 0, 0), nil, 25)},
			want:  []string{"ai:ai_c1@25", "ai:ai_c2@25", "ai:ai_c3@25", "pol:pol_c1@25"},
		},
		{
			name:  "one lens without a plan",
			parts: []Part{part("ai", "w", score(0, 0, 0, 0, 0), nil), part("pol", "w", score(0, 0, 0, 0, 0), nil, 12, 5)},
			want:  []string{"pol:pol_c1@12", "pol:pol_c2@5"},
		},
		{
			name: "alike practices are not merged",
			parts: func() []Part {
				a, b := part("ai", "w", score(0, 0, 0, 0, 0), nil, 30), part("pol", "w", score(0, 0, 0, 0, 0), nil, 30)
				b.Result.Plan[0].Choice, b.Result.Plan[0].Question = a.Result.Plan[0].Choice, a.Result.Plan[0].Question
				return []Part{a, b}
			}(),
			want: []string{"ai:ai_c1@30", "pol:ai_c1@30"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Combine(c.parts, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var tags []string
			for i, it := range got.Plan {
				tags = append(tags, tag(it))
				if it.Rank != i+1 {
					t.Errorf("item %d has combined rank %d", i, it.Rank)
				}
				p := c.parts[it.LensIndex]
				if it.Lens.ID != p.Lens.ID || it.LensName != p.Lens.Name {
					t.Errorf("item %d tagged %v %q, but its lens index points at %s", i, it.Lens, it.LensName, p.Lens.ID)
				}
				if own := p.Result.Plan[it.Recommendation.Rank-1]; own.Choice != it.Choice {
					t.Errorf("item %d: lens rank %d is %s in lens %s, not %s", i, it.Recommendation.Rank, own.Choice, p.Lens.ID, it.Choice)
				}
			}
			if strings.Join(tags, " ") != strings.Join(c.want, " ") {
				t.Errorf("plan\n got %v\nwant %v", tags, c.want)
			}
			n := 0
			for _, h := range got.Horizons {
				for _, it := range h.Items {
					if it.Horizon != h.Horizon {
						t.Errorf("%s in horizon %s", tag(it), h.Horizon)
					}
				}
				n += len(h.Items)
			}
			if n != len(got.Plan) || len(got.Horizons) != 3 || got.Horizons[0].Horizon != awaf.Now || got.Horizons[2].Horizon != awaf.Later {
				t.Errorf("horizons hold %d of %d items: %+v", n, len(got.Plan), got.Horizons)
			}
		})
	}
}

func TestCombineScores(t *testing.T) {
	cases := []struct {
		name        string
		parts       []Part
		wantOverall awaf.Score
		wantPillars []awaf.PillarScore
	}{
		{
			name: "weighted by applicable questions",
			parts: []Part{
				part("ai", "w", score(60, 6, 20, 30, 30), []awaf.PillarScore{
					pillar(awaf.Security, score(62.8, 4, 11, 19, 19)),
					pillar(awaf.Cost, score(47.5, 1, 8, 11, 11)),
				}),
				part("pol", "w", score(52, 1, 3, 5, 5), []awaf.PillarScore{
					pillar(awaf.ResponsibleAI, score(48.6, 1, 3, 5, 5)),
					pillar(awaf.Security, score(85, 0, 1, 2, 2)),
				}),
			},
			// (60×30 + 52×5) / 35 = 58.857…; (62.8×19 + 85×2) / 21 = 64.914…
			wantOverall: score(58.9, 7, 23, 35, 35),
			wantPillars: []awaf.PillarScore{
				pillar(awaf.Security, score(64.9, 4, 12, 21, 21)),
				pillar(awaf.Cost, score(47.5, 1, 8, 11, 11)),
				pillar(awaf.ResponsibleAI, score(48.6, 1, 3, 5, 5)),
			},
		},
		{
			name: "a lens that does not assess a pillar does not count",
			parts: []Part{
				part("ai", "w", score(80, 0, 1, 4, 3), []awaf.PillarScore{pillar(awaf.Reliability, score(80, 0, 1, 4, 3))}),
				part("pol", "w", score(0, 0, 0, 0, 0), []awaf.PillarScore{pillar(awaf.Reliability, score(0, 0, 0, 0, 0))}),
			},
			wantOverall: score(80, 0, 1, 4, 3),
			wantPillars: []awaf.PillarScore{pillar(awaf.Reliability, score(80, 0, 1, 4, 3))},
		},
		{
			name: "nothing assessed anywhere",
			parts: []Part{
				part("ai", "w", score(0, 0, 0, 0, 0), []awaf.PillarScore{pillar(awaf.Cost, score(0, 0, 0, 0, 0))}),
				part("pol", "w", score(0, 0, 0, 0, 0), nil),
			},
			wantOverall: score(0, 0, 0, 0, 0),
			wantPillars: []awaf.PillarScore{pillar(awaf.Cost, score(0, 0, 0, 0, 0))},
		},
		{
			name: "pillars in framework order, whatever the lenses' order",
			parts: []Part{
				part("ai", "w", score(50, 0, 0, 2, 2), []awaf.PillarScore{pillar(awaf.ResponsibleAI, score(50, 0, 0, 1, 1)), pillar(awaf.Security, score(50, 0, 0, 1, 1))}),
				part("pol", "w", score(100, 0, 0, 1, 1), []awaf.PillarScore{pillar(awaf.Reliability, score(100, 0, 0, 1, 1))}),
			},
			wantOverall: score(66.7, 0, 0, 3, 3),
			wantPillars: []awaf.PillarScore{
				pillar(awaf.Security, score(50, 0, 0, 1, 1)),
				pillar(awaf.Reliability, score(100, 0, 0, 1, 1)),
				pillar(awaf.ResponsibleAI, score(50, 0, 0, 1, 1)),
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Combine(c.parts, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Overall != c.wantOverall {
				t.Errorf("overall\n got %+v\nwant %+v", got.Overall, c.wantOverall)
			}
			if fmt.Sprint(got.Pillars) != fmt.Sprint(c.wantPillars) {
				t.Errorf("pillars\n got %+v\nwant %+v", got.Pillars, c.wantPillars)
			}
			if len(got.Lenses) != len(c.parts) {
				t.Fatalf("%d lens summaries for %d parts", len(got.Lenses), len(c.parts))
			}
			for i, l := range got.Lenses {
				if l.Lens.ID != c.parts[i].Lens.ID || l.Overall != c.parts[i].Result.Overall || l.Recommendations != len(c.parts[i].Result.Plan) {
					t.Errorf("lens %d summary %+v does not match its part", i, l)
				}
			}
		})
	}
}

func TestCombineRefuses(t *testing.T) {
	ok := func(id, workload string) Part { return part(id, workload, score(0, 0, 0, 0, 0), nil) }
	cases := []struct {
		name  string
		parts []Part
		opt   Options
		err   string // empty: no error
	}{
		{"different workloads", []Part{ok("ai", "Claims chat"), ok("pol", "HR bot")}, Options{}, `different workloads: "Claims chat" (lens ai) and "HR bot" (lens pol)`},
		{"different workloads allowed", []Part{ok("ai", "Claims chat"), ok("pol", "HR bot")}, Options{MixedWorkloads: true}, ""},
		{"same workload, other case and spacing", []Part{ok("ai", "Claims  chat"), ok("pol", " claims chat")}, Options{}, ""},
		{"third one differs", []Part{ok("ai", "w"), ok("pol", "w"), ok("sec", "x")}, Options{}, `"x" (lens sec)`},
		{"same lens twice", []Part{ok("ai", "w"), ok("ai", "w")}, Options{}, `assessments 1 and 2 both use lens "ai"`},
		{"nothing", nil, Options{}, "no assessments"},
		{"missing result", []Part{ok("ai", "w"), {Lens: &awaf.Lens{ID: "x"}}}, Options{}, "assessment 2: lens and result are required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Combine(c.parts, c.opt)
			if c.err == "" {
				if err != nil || got == nil {
					t.Fatalf("err %v", err)
				}
				if got.Workload != c.parts[0].Result.Workload {
					t.Errorf("workload %+v, want the first part's", got.Workload)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err %v, want %q", err, c.err)
			}
			if awaf.ErrorCode(err) != awaf.EINVALID {
				t.Errorf("code %q, want invalid", awaf.ErrorCode(err))
			}
		})
	}
}
