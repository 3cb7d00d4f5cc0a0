package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/awaf/awaf/internal/mscsv"
	"github.com/awaf/awaf/internal/sheetcell"
)

// TestEscaping renders the fixture, whose workload name, question titles and notes
// carry markup, quotes, commas, pipes and newlines, and checks each format keeps them
// as text.
func TestEscaping(t *testing.T) {
	in := tinyInput()
	cases := []struct {
		format  Format
		absent  []string
		present []string
	}{
		{HTML, []string{"<script>", "<b>v2", "<lens>", "<ok>"}, []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&lt;b&gt;v2&lt;/b&gt;"}},
		{Markdown, []string{"<script>", "<b>", "line one\nline two"}, []string{"&lt;script&gt;", `"block" \| list`, "Line one<br>line two"}},
		{CSV, nil, []string{`"Output filtering, with a ""block"" | list"`, "\"Line one\nline two | pipe\""}},
		{JSON, nil, []string{`"Contoso \"RAG\" chat, <b>v2</b>"`, `"Line one\nline two | pipe"`}},
	}
	for _, c := range cases {
		t.Run(string(c.format), func(t *testing.T) {
			out := string(MustRender(t, c.format, in))
			for _, s := range c.absent {
				if strings.Contains(out, s) {
					t.Errorf("output contains %q", s)
				}
			}
			for _, s := range c.present {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q", s)
				}
			}
		})
	}
}

// TestMarkdownTableRows checks that every table row of the Markdown report has as many
// cells as its header: an unescaped pipe or line break in a cell would shift them.
func TestMarkdownTableRows(t *testing.T) {
	for name, in := range map[string]Input{"tiny": tinyInput(), "edge": tinyEdge()} {
		out := string(MustRender(t, Markdown, in))
		want := -1
		for i, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, "|") {
				want = -1
				continue
			}
			n := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1)) - 1
			if want < 0 {
				want = n
			} else if n != want {
				t.Errorf("%s line %d has %d cells, its table %d: %s", name, i+1, n, want, line)
			}
		}
	}
}

// TestHTMLSelfContained looks for anything that would make a browser fetch: the
// browser test proves it at run time when Chromium is available.
func TestHTMLSelfContained(t *testing.T) {
	for name, in := range map[string]Input{"tiny": tinyInput(), "edge": tinyEdge()} {
		out := MustRender(t, HTML, in)
		for _, bad := range []string{"<link", "<script", "<img", "<iframe", "<object", "<embed", "src=", "url(", "@import", "srcset"} {
			if bytes.Contains(bytes.ToLower(out), []byte(bad)) {
				t.Errorf("%s: HTML contains %q", name, bad)
			}
		}
		for _, want := range []string{"@media print", "<svg", "<title", `lang="en"`, `name="viewport"`} {
			if !bytes.Contains(out, []byte(want)) && !(name == "edge" && want == "<svg") {
				t.Errorf("%s: HTML lacks %q", name, want)
			}
		}
	}
}

// FuzzCSVNote puts arbitrary text in a note and a title and reads the export back: the
// quoting must keep every row in place and the text intact.
func FuzzCSVNote(f *testing.F) {
	f.Add("plain", "Title")
	f.Add("a,b \"c\"\nd", "x|y")
	f.Add("-----------", "Category")
	f.Add("\r\n,\n", "\"")
	f.Fuzz(func(t *testing.T, note, title string) {
		in := tinyInput()
		in.Result.Questions[0].Note = note
		in.Result.Plan[0].Title = title
		out := MustRender(t, CSV, in)
		e, err := mscsv.Read(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("own export does not read back: %v", err)
		}
		if len(e.Recommendations) != len(in.Result.Plan) {
			t.Fatalf("%d recommendations, want %d", len(e.Recommendations), len(in.Result.Plan))
		}
		norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
		// A text that starts like a formula is written with an apostrophe before it.
		if got := e.Recommendations[0].Note; got != norm(sheetcell.Text(note)) {
			t.Errorf("note %q came back as %q", note, got)
		}
		if got := e.Recommendations[0].LinkText; got != norm(sheetcell.Text(title)) {
			t.Errorf("title %q came back as %q", title, got)
		}
	})
}
