package arm

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
)

// deployment is a Microsoft.Resources/deployments resource linking to rel.
func deployment(name, link, extra string) string {
	return `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "` + name + `", ` + extra +
		`"properties": {"mode": "Incremental", "templateLink": ` + link + `, "parameters": {"n": {"value": "` + name + `"}}}}`
}

const searchTmpl = `"parameters": {"n": {"type": "string"}}, "resources": [{"type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "[parameters('n')]"}],
  "outputs": {"id": {"type": "string", "value": "[resourceId('Microsoft.Search/searchServices', parameters('n'))]"}}`

func TestLinkedTemplates(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // resources as name@file<-via files
		diags []string
	}{
		{
			name: "relative to the linking file, through two levels",
			files: map[string]string{
				"infra/main.json":          tmpl(`"resources": [` + deployment("a", `{"relativePath": "modules/a.json"}`, "") + `]`),
				"infra/modules/a.json":     tmpl(`"parameters": {"n": {"type": "string"}}, "resources": [` + deployment("b", `{"relativePath": "../shared/b.json"}`, "") + `]`),
				"infra/shared/b.json":      tmpl(searchTmpl),
				"infra/shared/unused.json": `{"not": "arm"}`,
			},
			want: "b@infra/shared/b.json<-infra/main.json,infra/modules/a.json",
		},
		{
			name: "uri and template spec links are named, not fetched",
			files: map[string]string{
				"main.json": tmpl(`"parameters": {"base": {"type": "string", "defaultValue": "https://example.org/t/"}, "sas": {"type": "securestring"}}, "resources": [` +
					deployment("u", `{"uri": "[concat(parameters('base'), 'net.json')]"}`, "") + `,` +
					deployment("v", `{"uri": "[concat(parameters('base'), 'x.json?', parameters('sas'))]"}`, "") + `,` +
					deployment("s", `{"id": "/subscriptions/0000/resourceGroups/specs/providers/Microsoft.Resources/templateSpecs/web/versions/1.0"}`, "") + `]`),
			},
			diags: []string{
				"main.json:1:368: warning: linked template https://example.org/t/net.json is not fetched; only relativePath links inside the scanned files are followed, so its resources are not scanned",
				"main.json:1:598: warning: linked template (not known before deployment: parameter 'sas' has no value) is not fetched; only relativePath links inside the scanned files are followed, so its resources are not scanned",
				"main.json:1:846: warning: template spec /subscriptions/0000/resourceGroups/specs/providers/Microsoft.Resources/templateSpecs/web/versions/1.0 is not read; its resources are not scanned",
			},
		},
		{
			name: "cycle through two files",
			files: map[string]string{
				"main.json":   tmpl(`"parameters": {"n": {"type": "string", "defaultValue": "top"}}, "resources": [` + deployment("a", `{"relativePath": "a.json"}`, "") + `]`),
				"a.json":      tmpl(`"parameters": {"n": {"type": "string"}}, "resources": [` + "\n" + deployment("back", `{"relativePath": "./main.json"}`, "") + `]`),
				"other.json":  tmpl(`"resources": [{"type": "Microsoft.Web/sites", "name": "w"}]`),
				"readme.json": `{}`,
			},
			want:  "w@other.json",
			diags: []string{"main.json:1:313: error: linked template cycle: a.json -> main.json -> a.json"},
		},
		{
			name: "missing file, outside the tree, unknown path",
			files: map[string]string{
				"main.json": tmpl(`"parameters": {"p": {"type": "string"}}, "resources": [` +
					deployment("m", `{"relativePath": "nope.json"}`, "") + ",\n" +
					deployment("o", `{"relativePath": "../../etc/x.json"}`, "") + ",\n" +
					deployment("q", `{"relativePath": "[parameters('p')]"}`, "") + `]`),
			},
			diags: []string{
				"main.json:1:290: error: linked template nope.json: read: open nope.json: file does not exist",
				"main.json:2:140: error: linked template ../../etc/x.json is outside the scanned directory tree",
				"main.json:3:140: warning: linked template: relativePath is not known before deployment (parameter 'p' has no value); its resources are not scanned",
			},
		},
		{
			name: "copies, conditions and outputs",
			files: map[string]string{
				"main.json": tmpl(`"parameters": {"on": {"type": "bool"}}, "resources": [
				  {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "[concat('s', copyIndex())]", "copy": {"name": "l", "count": 2},
				   "properties": {"templateLink": {"relativePath": "search.json"}, "parameters": {"n": {"value": "[concat('srch', copyIndex())]"}}}},
				  ` + deployment("maybe", `{"relativePath": "search.json"}`, `"condition": "[parameters('on')]", `) + `,
				  ` + deployment("never", `{"relativePath": "search.json"}`, `"condition": false, `) + `,
				  {"type": "Microsoft.Web/sites", "name": "w", "properties": {"searchId": "[reference('s1').outputs.id.value]"}}]`),
				"search.json": tmpl(searchTmpl),
			},
			want: "srch0@search.json<-main.json,srch1@search.json<-main.json,maybe@search.json<-main.json?,w@main.json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, src := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(src)}
			}
			res, diags, err := Scan(context.Background(), fsys, []string{"."})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res {
				s := r.Name.Str + "@" + r.Loc.File
				var via []string
				for _, v := range r.Via {
					via = append(via, v.File)
				}
				if len(via) > 0 {
					s += "<-" + strings.Join(via, ",")
				}
				if r.Condition != nil {
					s += "?"
				}
				got = append(got, s)
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("resources %s\nwant      %s", strings.Join(got, ","), tt.want)
			}
			var ds []string
			for _, d := range diags {
				ds = append(ds, fmt.Sprintf("%s:%d:%d: %s: %s", d.Loc.File, d.Loc.Line, d.Loc.Column, d.Severity, d.Message))
			}
			if strings.Join(ds, "\n") != strings.Join(tt.diags, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(ds, "\n"), strings.Join(tt.diags, "\n"))
			}
			for _, r := range res {
				if r.Name.Str == "w" && r.Properties != nil {
					if id := r.Properties.Get("searchId"); !strings.HasSuffix(id.Str, "/providers/Microsoft.Search/searchServices/srch1") {
						t.Errorf("searchId = %s, want the output of deployment s1", id)
					}
				}
			}
		})
	}
}

// Without a file tree (a template handed over as bytes, as Bicep does for registry
// modules) a relativePath cannot be read; that is said, and the rest is read.
func TestLinkedWithoutFiles(t *testing.T) {
	src := tmpl(`"resources": [` + deployment("a", `{"relativePath": "a.json"}`, "") + `, {"type": "Microsoft.Web/sites", "name": "w"}]`)
	res, diags := Expand(context.Background(), "main.json", []byte(src), nil)
	if len(res) != 1 || res[0].Name.Str != "w" {
		t.Errorf("resources %+v", res)
	}
	if len(diags) != 1 || diags[0].Message != "linked template a.json is not followed: it is read only when its parent is scanned from files; its resources are not scanned" {
		t.Errorf("diagnostics %+v", diags)
	}
}

// languageVersion 2.0 templates name deployments symbolically; dependsOn on a linked
// one becomes its id.
func TestLinkedSymbolicName(t *testing.T) {
	fsys := fstest.MapFS{
		"main.json": {Data: []byte(tmpl(`"languageVersion": "2.0", "resources": {
		  "srch": {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "srch-deploy", "properties": {"templateLink": {"relativePath": "search.json"}, "parameters": {"n": {"value": "s"}}}},
		  "site": {"type": "Microsoft.Web/sites", "apiVersion": "2023-01-01", "name": "w", "dependsOn": ["srch"]}}`))},
		"search.json": {Data: []byte(tmpl(searchTmpl))},
	}
	res, diags, err := Scan(context.Background(), fsys, []string{"."})
	if err != nil || len(diags) != 0 || len(res) != 2 {
		t.Fatalf("res %v diags %v err %v", res, diags, err)
	}
	var site iac.Resource
	for _, r := range res {
		if r.Name.Str == "w" {
			site = r
		}
	}
	if len(site.DependsOn) != 1 || !strings.HasSuffix(site.DependsOn[0], "/providers/Microsoft.Resources/deployments/srch-deploy") {
		t.Errorf("dependsOn %v", site.DependsOn)
	}
}

// FuzzLinked scans two files holding the fuzzed template, so that links between them
// (and to themselves) are followed: no panic, no endless recursion, and every
// resource and diagnostic in one of the files.
func FuzzLinked(f *testing.F) {
	f.Add([]byte(tmpl(`"resources": [` + deployment("a", `{"relativePath": "a.json"}`, "") + `]`)))
	f.Add([]byte(tmpl(`"resources": [` + deployment("a", `{"relativePath": "[concat('x/../', 'main.json')]"}`, `"copy": {"name": "c", "count": 3}, `) + `]`)))
	f.Add([]byte(tmpl(`"resources": [{"type": "Microsoft.Resources/deployments", "name": "i", "properties": {"template": {"resources": [` + deployment("a", `{"relativePath": "a.json"}`, "") + `]}}}]`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"main.json": {Data: data}, "a.json": {Data: data}}
		res, diags, err := Scan(context.Background(), fsys, []string{"."})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Loc.File != "main.json" && r.Loc.File != "a.json" {
				t.Fatalf("resource from %q", r.Loc.File)
			}
		}
		for _, d := range diags {
			if d.Loc.File == "" {
				t.Fatalf("diagnostic without a file: %+v", d)
			}
		}
	})
}

// Copy loops of linked deployments multiply; the expansion stops at a bound.
func TestLinkedCopiesAreBounded(t *testing.T) {
	defer func(n int) { maxResources = n }(maxResources)
	maxResources = 1000
	loop := func(target string) string {
		return tmpl(`"resources": [{"type": "Microsoft.Resources/deployments", "name": "[concat('d', copyIndex())]", "copy": {"name": "c", "count": 800},
		  "properties": {"templateLink": {"relativePath": "` + target + `"}}}]`)
	}
	fsys := fstest.MapFS{
		"main.json": {Data: []byte(loop("l1.json"))},
		"l1.json":   {Data: []byte(loop("l2.json"))},
		"l2.json":   {Data: []byte(tmpl(`"resources": [{"type": "Microsoft.Web/sites", "name": "[concat('w', copyIndex())]", "copy": {"name": "c", "count": 800}}]`))},
	}
	res, diags, err := Scan(context.Background(), fsys, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != maxResources {
		t.Errorf("%d resources, want the bound %d", len(res), maxResources)
	}
	if len(diags) != 1 || diags[0].Message != "more than 1000 resources (or 4000 resource copies); the rest are not read" || diags[0].Loc.File != "l2.json" {
		t.Errorf("diagnostics %v", diags)
	}
}
