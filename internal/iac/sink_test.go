package iac

import "testing"

func TestSinkKeep(t *testing.T) {
	unit := []Resource{{ID: "a"}, {ID: "b"}}
	calls := 0
	drop := Sink(func(res []Resource) []Resource {
		calls++
		return res[:1]
	})
	cases := []struct {
		name  string
		sink  Sink
		unit  []Resource
		want  int
		calls int
	}{
		{"no sink keeps everything", nil, unit, 2, 0},
		{"the sink decides", drop, unit, 1, 1},
		{"an empty unit is not handed over", drop, nil, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls = 0
			if got := c.sink.Keep(c.unit); len(got) != c.want || calls != c.calls {
				t.Errorf("kept %d in %d calls, want %d in %d", len(got), calls, c.want, c.calls)
			}
		})
	}
}

func TestJudgementZeroMeansNone(t *testing.T) {
	var r Resource
	if r.Judgement.Judged() {
		t.Error("a new resource is judged")
	}
	if !(Judgement{Sink: 1}).Judged() {
		t.Error("a note is not a judgement")
	}
}
