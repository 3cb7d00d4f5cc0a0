package answers

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
)

// Edit rewrites the answers file raw so that it holds a, changing only the YAML nodes
// whose values differ: comments, key order, flow or block lists, quoting and the
// file's indentation stay as the user left them. New keys go after their neighbours
// in the order awaf writes them; answers are matched by question id.
func Edit(raw []byte, a *awaf.Assessment) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("edit answers: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return Encode(a)
	}
	var want yaml.Node
	if err := want.Encode(a); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	patch(doc.Content[0], &want)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(indentOf(doc.Content[0]))
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	return restoreBlankLines(raw, buf.Bytes()), nil
}

// restoreBlankLines puts back the blank lines of orig, which the YAML encoder drops:
// each line of orig that follows blank lines and is found again in out, in order,
// gets them back. Lines that changed or went lose theirs; nothing else moves.
func restoreBlankLines(orig, out []byte) []byte {
	if !bytes.Contains(orig, []byte("\n\n")) && !bytes.HasPrefix(orig, []byte("\n")) {
		return out
	}
	before := map[int]int{} // index in out -> blank lines to put before it
	lines := bytes.Split(out, []byte("\n"))
	blank, j := 0, 0
	for _, l := range bytes.Split(orig, []byte("\n")) {
		if len(bytes.TrimSpace(l)) == 0 {
			blank++
			continue
		}
		for k := j; k < len(lines); k++ {
			if bytes.Equal(lines[k], l) {
				if blank > 0 {
					before[k] = blank
				}
				j = k + 1
				break
			}
		}
		blank = 0
	}
	var b bytes.Buffer
	for k, l := range lines {
		for range before[k] {
			b.WriteByte('\n')
		}
		b.Write(l)
		if k < len(lines)-1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// patch makes old say what want says, keeping old's nodes (and so their comments and
// styles) wherever the value is the same.
func patch(old, want *yaml.Node) {
	if old.Kind != want.Kind {
		replace(old, want)
		return
	}
	switch old.Kind {
	case yaml.ScalarNode:
		if old.Value == want.Value && old.ShortTag() == want.ShortTag() {
			return
		}
		wasEmpty := old.Value == ""
		old.Value, old.Tag = want.Value, want.Tag
		switch {
		case !wasEmpty && old.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && want.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0:
			// keep the user's quotes (an empty string has them only because it must)
		default:
			old.Style = want.Style
		}
	case yaml.MappingNode:
		patchMapping(old, want)
	case yaml.SequenceNode:
		patchSequence(old, want)
	default:
		replace(old, want)
	}
}

func patchMapping(old, want *yaml.Node) {
	at := map[string]int{}
	for i := 0; i+1 < len(old.Content); i += 2 {
		at[old.Content[i].Value] = i
	}
	wanted := map[string]bool{}
	for i := 0; i+1 < len(want.Content); i += 2 {
		wanted[want.Content[i].Value] = true
	}
	// Drop the keys that went, then patch or insert in want's order.
	var content []*yaml.Node
	for i := 0; i+1 < len(old.Content); i += 2 {
		if wanted[old.Content[i].Value] {
			content = append(content, old.Content[i], old.Content[i+1])
		}
	}
	old.Content = content
	prev := -1 // index in old.Content of the key before the next one to insert
	for i := 0; i+1 < len(want.Content); i += 2 {
		k := want.Content[i].Value
		if _, ok := at[k]; ok {
			j := indexKey(old, k)
			patch(old.Content[j+1], want.Content[i+1])
			prev = j
			continue
		}
		if emptyNode(want.Content[i+1]) {
			continue // an absent key and an empty value read the same: add no noise
		}
		pos := prev + 2
		if prev < 0 {
			pos = 0
		}
		old.Content = append(old.Content[:pos], append([]*yaml.Node{want.Content[i], want.Content[i+1]}, old.Content[pos:]...)...)
		prev = pos
	}
}

// emptyNode reports whether n holds nothing: an empty or null scalar, or an empty list
// or mapping.
func emptyNode(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value == "" || n.ShortTag() == "!!null"
	case yaml.SequenceNode, yaml.MappingNode:
		return len(n.Content) == 0
	}
	return false
}

func indexKey(m *yaml.Node, k string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			return i
		}
	}
	return -1
}

// patchSequence matches the answers list by question id and any other list by
// position; a list that ends up the same keeps its nodes and style.
func patchSequence(old, want *yaml.Node) {
	if keyed(old, "question") && keyed(want, "question") {
		byID := map[string]*yaml.Node{}
		for _, n := range old.Content {
			byID[valueOf(n, "question")] = n
		}
		content := make([]*yaml.Node, 0, len(want.Content))
		for _, w := range want.Content {
			if n, ok := byID[valueOf(w, "question")]; ok {
				patch(n, w)
				content = append(content, n)
				continue
			}
			content = append(content, w)
		}
		old.Content = content
		return
	}
	for i, w := range want.Content {
		if i < len(old.Content) {
			patch(old.Content[i], w)
		} else {
			old.Content = append(old.Content, w)
		}
	}
	old.Content = old.Content[:len(want.Content)]
	if len(old.Content) == 0 && old.Style&yaml.FlowStyle == 0 {
		old.Style = yaml.FlowStyle // an empty block list can only be written as []
	}
}

// keyed reports whether every item of a list is a mapping with key k.
func keyed(seq *yaml.Node, k string) bool {
	for _, n := range seq.Content {
		if n.Kind != yaml.MappingNode || indexKey(n, k) < 0 {
			return false
		}
	}
	return true
}

func valueOf(m *yaml.Node, k string) string {
	if i := indexKey(m, k); i >= 0 {
		return m.Content[i+1].Value
	}
	return ""
}

// replace puts want in old's place, keeping the comments around old.
func replace(old, want *yaml.Node) {
	head, line, foot := old.HeadComment, old.LineComment, old.FootComment
	*old = *want
	old.HeadComment, old.LineComment, old.FootComment = head, line, foot
}

// indentOf finds the indentation the file uses: how far the first nested block
// collection sits to the right of its key.
func indentOf(root *yaml.Node) int {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
			continue
		}
		if v.Kind != yaml.MappingNode && v.Kind != yaml.SequenceNode {
			continue
		}
		c := v.Content[0].Column
		if v.Kind == yaml.SequenceNode {
			c -= 2 // the column of the item, past "- "
		}
		if d := c - k.Column; d >= 2 && d <= 8 {
			return d
		}
	}
	return 2
}
