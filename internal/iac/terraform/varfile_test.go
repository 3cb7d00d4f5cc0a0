package terraform

import (
	"context"
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"
)

// openCounter counts the opens of each file of a file system; a Stat is not one.
type openCounter struct {
	fs.FS
	mu sync.Mutex
	n  map[string]int
}

func (c *openCounter) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

func (c *openCounter) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.n[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

// TestExplicitVarFileReadOnce checks that a var file given on the command line is
// read once however many root modules it applies to, and that each root still gets
// its values and reports its problems.
func TestExplicitVarFileReadOnce(t *testing.T) {
	root := `
variable "sku" {}
resource "azurerm_cognitive_account" "a" {
  name                = "a"
  location            = "westeurope"
  resource_group_name = "rg"
  kind                = "OpenAI"
  sku_name            = var.sku
}
`
	fsys := &openCounter{FS: fstest.MapFS{
		"a/main.tf":   {Data: []byte(root)},
		"b/main.tf":   {Data: []byte(root)},
		"c/main.tf":   {Data: []byte(root)},
		"prod.tfvars": {Data: []byte("sku = \"S3\"\nbad = upper(\"x\")\n")},
	}, n: map[string]int{}}
	res, diags, err := Scan(context.Background(), fsys, []string{"a", "b", "c", "prod.tfvars"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 {
		t.Fatalf("got %d resources, want 3", len(res))
	}
	for _, r := range res {
		if got, _, _ := r.SKU.Field("name").AsString(); got != "S3" {
			t.Errorf("%s: sku %q, want S3 from prod.tfvars", r.ID, got)
		}
	}
	if n := fsys.n["prod.tfvars"]; n != 1 {
		t.Errorf("prod.tfvars opened %d times, want 1", n)
	}
	// The value that is not a literal is reported by each root, as before.
	bad := 0
	for _, d := range diags {
		if d.Loc.File == "prod.tfvars" && d.Severity == "error" {
			bad++
		}
	}
	if bad != 3 {
		t.Errorf("got %d errors on prod.tfvars, want 3 (one per root): %+v", bad, diags)
	}
}
