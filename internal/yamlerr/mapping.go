package yamlerr

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Fields checks that n is a mapping whose keys are all known and appear once, and
// returns the value node of each key. Every problem goes to report with the node it
// is about, so that the caller can name the file, line and column; ctx starts each
// message ("questions[2]: unknown key ...").
func Fields(n *yaml.Node, ctx string, known []string, report func(at *yaml.Node, msg string)) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil {
		return out
	}
	if n.Kind != yaml.MappingNode {
		report(n, fmt.Sprintf("%s: expected a mapping, found %s", ctx, KindName(n)))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(known, k.Value):
			report(k, fmt.Sprintf("%s: unknown key %q (expected one of %s)", ctx, k.Value, strings.Join(known, ", ")))
		case out[k.Value] != nil:
			report(k, fmt.Sprintf("%s: duplicate key %q", ctx, k.Value))
		default:
			out[k.Value] = v
		}
	}
	return out
}

// KindName names what a node holds, for messages: "a mapping", "a list", "nothing",
// or the quoted scalar.
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}
