package awslens

import (
	"os"
	"testing"

	"github.com/awaf/awaf/internal/sharedtest"
)

func BenchmarkImportExport(b *testing.B) {
	path := sharedtest.Dir(b, "lenses/aws/machine-learning-lens.json")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		l, err := ParseImport(path, data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ExportJSON(l); err != nil {
			b.Fatal(err)
		}
	}
}
