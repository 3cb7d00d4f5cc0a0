package server

import (
	"os"
	"testing"
)

// FuzzParseScanJSON feeds arbitrary bytes to the scan JSON reader: it must return a
// result or an error, never panic, and never more findings than its bound.
func FuzzParseScanJSON(f *testing.F) {
	if golden, err := os.ReadFile("../scan/testdata/golden/rag.json"); err == nil {
		f.Add(golden)
	}
	f.Add([]byte(`{"version":1,"tool":{"name":"awaf"},"findings":[{"rule":"R","status":"suppressed","outcome":"fail","choices":["c"]}]}`))
	f.Add([]byte(`{"version":1,"tool":{"name":"awaf"},"findings":[]}`))
	f.Add([]byte(`{"version":1,"tool":{"name":"awaf"},"findings":[{"rule":"R","status":"pass"}]} x`))
	f.Add([]byte(`{"findings":[[[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parseScanJSON("fuzz.json", data)
		if err != nil {
			return
		}
		if len(res) > maxScanFindings {
			t.Fatalf("%d findings", len(res))
		}
		for _, f := range res {
			if f.Rule == "" || !f.Status.IsEffective() {
				t.Fatalf("incomplete finding %+v", f)
			}
		}
	})
}

func TestIsScanJSON(t *testing.T) {
	cases := []struct {
		name string
		data string
		want bool
	}{
		{"scan report", `{"version":1,"tool":{"name":"awaf"},"findings":[]}`, true},
		{"truncated scan report", `{"version":1,"tool":{"name":"awaf"},"findings":[{"ru`, true},
		{"answers as JSON", `{"lens":{"id":"x"},"answers":[]}`, false},
		{"answers as YAML", "lens: {id: x}\nanswers: []\n", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := isScanJSON([]byte(c.data)); got != c.want {
				t.Fatalf("isScanJSON = %v, want %v", got, c.want)
			}
		})
	}
}
