package assess_test

import (
	"testing"

	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
)

// BenchmarkEvaluate scores the full example assessment (40-question lens, 33
// applicable questions, 84 recommendations) against the built-in lens.
func BenchmarkEvaluate(b *testing.B) {
	l, err := lens.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	a, err := answers.Load("../../examples/rag-chat/awaf.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := assess.Evaluate(l, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadBuiltin parses and compiles the built-in lens, as a cold start does.
func BenchmarkLoadBuiltin(b *testing.B) {
	l, err := lens.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	data, err := lens.MarshalYAML(l)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := lens.Parse("lens.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
