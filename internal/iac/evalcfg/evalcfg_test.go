package evalcfg

import (
	"testing"
)

const cfg = `version: 1
name: support
task: rag
current: current.jsonl
metrics:
  - name: recall_at_k
    k: 3
    min: 0.8
  - groundedness_proxy
`

const sdk = `{
  "metrics": {
    "groundedness.groundedness": 4.1,
    "groundedness.groundedness_threshold": 3,
    "violence.violence_defect_rate": 0.0,
    "relevance.gpt_relevance": 4.4
  },
  "rows": [{"inputs.query": "q"}],
  "studio_url": null
}`

func names(t *testing.T, file, data string) (all, gated []string) {
	t.Helper()
	r, err := Read(file, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range r.Properties.Field("metricNames").Items {
		all = append(all, v.Str)
	}
	for _, v := range r.Properties.Field("gatedMetrics").Items {
		gated = append(gated, v.Str)
	}
	if r.Properties.Field("rows") != nil {
		t.Error("rows kept")
	}
	return all, gated
}

func TestRead(t *testing.T) {
	all, gated := names(t, "eval/awaf-eval.yaml", cfg)
	if len(all) != 2 || all[0] != "recall_at_k" || len(gated) != 1 {
		t.Errorf("config metrics %v gated %v", all, gated)
	}
	all, gated = names(t, "eval/results.json", sdk)
	want := map[string]bool{"groundedness": true, "violence_defect_rate": true, "relevance": true}
	if len(all) != 3 {
		t.Errorf("result metrics %v", all)
	}
	for _, a := range all {
		if !want[a] {
			t.Errorf("unexpected metric %s", a)
		}
	}
	if len(gated) != 1 || gated[0] != "groundedness" {
		t.Errorf("gated %v", gated)
	}
	if !SniffYAML("awaf-eval.yaml", []byte(cfg)) || !SniffJSON([]byte(sdk)) || SniffYAML("x.yaml", []byte("task: a\n")) {
		t.Error("sniff")
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(cfg), false)
	f.Add([]byte(sdk), true)
	f.Fuzz(func(t *testing.T, data []byte, js bool) {
		name := "f.yaml"
		if js {
			name = "f.json"
		}
		r, err := Read(name, data)
		if err == nil && r.Properties == nil {
			t.Fatal("resource without properties")
		}
	})
}
