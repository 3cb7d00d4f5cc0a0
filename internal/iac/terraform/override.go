package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// override merges one top-level block of an override file into the block with the
// same header in the primary files, with Terraform's rules: an argument replaces the
// argument of the same name; nested blocks of a type replace every nested block of
// that type (a `dynamic "x"` block counts as type x); a resource's lifecycle block is
// merged argument by argument; each local value replaces the one of that name,
// whatever locals block holds it. A block with nothing to override is an error, as
// in Terraform.
func (m *module) override(ob *hclsyntax.Block) {
	switch ob.Type {
	case "locals":
		for _, name := range sortedAttrNames(ob.Body) {
			a := ob.Body.Attributes[name]
			i := m.findLocal(name)
			if i < 0 {
				m.diag("error", a.NameRange, "override of local.%s: no primary configuration file in %s defines it; Terraform refuses an override without a base", name, m.dir)
				continue
			}
			base := m.pending[i].block
			merged := *base
			body := *base.Body
			body.Attributes = copyAttrs(base.Body.Attributes)
			body.Attributes[name] = a
			merged.Body = &body
			m.pending[i].block = &merged
		}
	case "resource", "data", "variable", "output", "module":
		want := 1
		if ob.Type == "resource" || ob.Type == "data" {
			want = 2
		}
		if len(ob.Labels) != want {
			m.diag("error", ob.DefRange(), "%s block needs %d label(s)", ob.Type, want)
			return
		}
		i := m.findBlock(ob.Type, ob.Labels)
		if i < 0 {
			m.diag("error", ob.DefRange(), "override of %s %q: no primary configuration file in %s declares it; Terraform refuses an override without a base",
				ob.Type, strings.Join(ob.Labels, "."), m.dir)
			return
		}
		if a, ok := ob.Body.Attributes["depends_on"]; ok && ob.Type != "variable" && ob.Type != "module" {
			m.diag("error", a.NameRange, "depends_on may not be set in an override block; ignored")
			body := *ob.Body
			body.Attributes = copyAttrs(ob.Body.Attributes)
			delete(body.Attributes, "depends_on")
			cp := *ob
			cp.Body = &body
			ob = &cp
		}
		base := m.pending[i].block
		merged := *base
		merged.Body = mergeBody(base.Body, ob.Body, ob.Type == "resource" || ob.Type == "data")
		m.pending[i].block = &merged
	case "provider", "terraform", "moved", "import", "check", "removed":
		// These describe Terraform itself and are not read.
	default:
		m.diag("warning", ob.DefRange(), "unsupported top-level block %q ignored", ob.Type)
	}
}

// findBlock returns the index of the first primary block with this header, or -1.
func (m *module) findBlock(typ string, labels []string) int {
	for i, pb := range m.pending {
		b := pb.block
		if b.Type != typ || len(b.Labels) != len(labels) {
			continue
		}
		same := true
		for j := range labels {
			same = same && b.Labels[j] == labels[j]
		}
		if same {
			return i
		}
	}
	return -1
}

// findLocal returns the index of the first primary locals block defining name, or -1.
func (m *module) findLocal(name string) int {
	for i, pb := range m.pending {
		if pb.block.Type == "locals" {
			if _, ok := pb.block.Body.Attributes[name]; ok {
				return i
			}
		}
	}
	return -1
}

// mergeBody returns base with the arguments and nested block types of over replacing
// its own. With lifecycle set, lifecycle blocks merge argument by argument.
func mergeBody(base, over *hclsyntax.Body, lifecycle bool) *hclsyntax.Body {
	out := *base
	out.Attributes = copyAttrs(base.Attributes)
	for name, a := range over.Attributes {
		out.Attributes[name] = a
	}
	replaced := map[string]bool{}
	for _, b := range over.Blocks {
		replaced[blockKind(b)] = true
	}
	if lifecycle {
		delete(replaced, "lifecycle")
	}
	out.Blocks = nil
	for _, b := range base.Blocks {
		if !replaced[blockKind(b)] {
			out.Blocks = append(out.Blocks, b)
		}
	}
	for _, b := range over.Blocks {
		if lifecycle && b.Type == "lifecycle" {
			if i := indexOfType(out.Blocks, "lifecycle"); i >= 0 {
				merged := *out.Blocks[i]
				merged.Body = mergeBody(out.Blocks[i].Body, b.Body, false)
				out.Blocks[i] = &merged
				continue
			}
		}
		out.Blocks = append(out.Blocks, b)
	}
	return &out
}

// blockKind is the type a nested block stands for: `dynamic "x"` stands for x.
func blockKind(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}

func indexOfType(blocks hclsyntax.Blocks, typ string) int {
	for i, b := range blocks {
		if b.Type == typ {
			return i
		}
	}
	return -1
}

func copyAttrs(a hclsyntax.Attributes) hclsyntax.Attributes {
	out := make(hclsyntax.Attributes, len(a))
	for k, v := range a {
		out[k] = v
	}
	return out
}

// rangeBefore orders two ranges that may come from different files: by file name,
// then by position.
func rangeBefore(a, b hcl.Range) bool {
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	return a.Start.Byte < b.Start.Byte
}
