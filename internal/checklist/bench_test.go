package checklist

import (
	"testing"
)

func BenchmarkParseLens(b *testing.B) {
	data := mustRead(b, "checklists/ai_lz_checklist.en.json")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		f, err := Parse("ai.json", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Lens(f, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
