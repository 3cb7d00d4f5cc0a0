// Package search reads Azure AI Search definitions kept as JSON in a repository (the
// REST API bodies of indexes, skillsets, indexers, data sources and aliases) into the iac
// model, as child resources of Microsoft.Search/searchServices, so that rules can check
// vector profiles and compression, semantic configurations, field attributes, security
// filter fields, schedules and change and deletion detection.
package search

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/awaf/awaf/internal/iac"
)

// Resource types.
const (
	Index      = "Microsoft.Search/searchServices/indexes"
	Skillset   = "Microsoft.Search/searchServices/skillsets"
	Indexer    = "Microsoft.Search/searchServices/indexers"
	DataSource = "Microsoft.Search/searchServices/dataSources"
	Alias      = "Microsoft.Search/searchServices/aliases"
)

// MaxFile bounds one definition file.
const MaxFile = 8 << 20

// Sniff tells whether a JSON document (its head) is a search definition, and which.
func Sniff(head []byte) (string, bool) {
	h := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(h) == 0 || h[0] != '{' {
		return "", false
	}
	switch {
	case bytes.Contains(h, []byte(`"fields"`)) && bytes.Contains(h, []byte(`"Edm.`)):
		return Index, true
	case bytes.Contains(h, []byte(`"skills"`)) && bytes.Contains(h, []byte(`#Microsoft.Skills.`)):
		return Skillset, true
	case bytes.Contains(h, []byte(`"dataSourceName"`)) && bytes.Contains(h, []byte(`"targetIndexName"`)):
		return Indexer, true
	case bytes.Contains(h, []byte(`"credentials"`)) && bytes.Contains(h, []byte(`"container"`)) && bytes.Contains(h, []byte(`"type"`)):
		return DataSource, true
	case bytes.Contains(h, []byte(`"indexes"`)) && bytes.Contains(h, []byte(`"name"`)) && !bytes.Contains(h, []byte(`"$schema"`)) && !bytes.Contains(h, []byte(`"resources"`)):
		return Alias, true
	}
	return "", false
}

// Scanner is the reader as an iac.Scanner.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan hands the resources to sink (nil keeps them all) and returns what it keeps.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	out, diags, err := iac.ReadEach(ctx, fsys, paths, MaxFile, Read)
	if err != nil {
		return nil, nil, err
	}
	return sink.Keep(out), diags, nil
}

// Read decodes one definition.
func Read(file string, data []byte) (iac.Resource, error) {
	typ, ok := Sniff(data)
	if !ok {
		return iac.Resource{}, fmt.Errorf("%s: not an Azure AI Search index, skillset, indexer, data source or alias definition", file)
	}
	v, err := iac.DecodeJSON(file, data)
	if err != nil {
		return iac.Resource{}, err
	}
	if v.Kind != iac.Object {
		return iac.Resource{}, fmt.Errorf("%s:%d:%d: expected an object", file, v.Loc.Line, v.Loc.Column)
	}
	v = v.Clone()
	name := v.Field("name")
	if name == nil || name.Kind != iac.String {
		name = iac.NewString(strings.TrimSuffix(path.Base(file), path.Ext(file)), v.Loc)
	}
	derive(typ, v)
	return iac.Resource{Type: typ, Name: name, ID: file, Loc: v.Loc, Source: "search-json", Properties: v}, nil
}

// derive adds facts that are awkward in CEL: the vector fields, and for each whether
// its profile names a vectorizer and a compression.
func derive(typ string, v *iac.Value) {
	if typ == Skillset {
		// "@odata.type" has a dot, which rule paths cannot name: each skill gets its
		// kind as "skill" (SplitSkill, PIIDetectionSkill, ...).
		for _, s := range items(v.Field("skills")) {
			if t, _, _ := s.Field("@odata.type").AsString(); t != "" {
				s.Set("skill", iac.NewString(t[strings.LastIndex(t, ".")+1:], s.Field("@odata.type").Loc))
			}
		}
		return
	}
	if typ != Index {
		return
	}
	profiles := map[string]*iac.Value{}
	for _, p := range items(v.Get("vectorSearch.profiles")) {
		if n, _, _ := p.Field("name").AsString(); n != "" {
			profiles[n] = p
		}
	}
	vf := iac.NewArray(v.Loc)
	var walk func(fields *iac.Value)
	walk = func(fields *iac.Value) {
		for _, f := range items(fields) {
			t, _, _ := f.Field("type").AsString()
			if strings.HasPrefix(t, "Collection(Edm.Single") || strings.HasPrefix(t, "Collection(Edm.Half") ||
				strings.HasPrefix(t, "Collection(Edm.Int16") || strings.HasPrefix(t, "Collection(Edm.SByte") || strings.HasPrefix(t, "Collection(Edm.Byte") {
				e := iac.NewObject(f.Loc)
				e.Set("name", f.Field("name"))
				if d := f.Field("dimensions"); d != nil {
					e.Set("dimensions", d)
				}
				pn, _, _ := f.Field("vectorSearchProfile").AsString()
				p := profiles[pn]
				e.Set("profile", iac.NewString(pn, f.Loc))
				vec, _, _ := p.Field("vectorizer").AsString()
				comp, _, _ := p.Field("compression").AsString()
				e.Set("vectorizer", iac.NewString(vec, f.Loc))
				e.Set("compression", iac.NewString(comp, f.Loc))
				if len(vf.Items) == 0 {
					vf.Loc = f.Loc
				}
				vf.Items = append(vf.Items, e)
			}
			walk(f.Field("fields"))
		}
	}
	walk(v.Field("fields"))
	v.Set("vectorFields", vf)
}

// items is the items of an array value, or none.
func items(v *iac.Value) []*iac.Value {
	if v == nil || v.Kind != iac.Array {
		return nil
	}
	return v.Items
}
