// Package pipeline reads CI/CD definitions (GitHub Actions workflows and Azure
// Pipelines YAML) as evidence of how a workload is delivered: whether an evaluation or
// red-teaming step runs and gates the release, whether infrastructure is deployed from
// code, whether there are progressive or approval stages, and whether a secret scanner
// runs. All pipelines of a scan
// become one resource of type Awaf.CI/delivery, since the practices belong to the
// repository, not to any single workflow file.
package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Type is the resource type of the delivery evidence.
const Type = "Awaf.CI/delivery"

// MaxFile bounds one pipeline file.
const MaxFile = 4 << 20

// Platform names.
const (
	GitHub = "github-actions"
	Azure  = "azure-pipelines"
)

// Sniff tells whether name (a slash path) with the given head is a pipeline file, and
// of which platform.
func Sniff(name string, head []byte) (string, bool) {
	low := strings.ToLower(name)
	ext := path.Ext(low)
	if ext != ".yml" && ext != ".yaml" {
		return "", false
	}
	if strings.Contains(low, ".github/workflows/") && strings.Count(low[strings.Index(low, ".github/workflows/")+len(".github/workflows/"):], "/") == 0 {
		return GitHub, true
	}
	base := path.Base(low)
	if strings.HasPrefix(base, "azure-pipelines") || strings.Contains(low, ".azure-pipelines/") || strings.Contains(low, ".azuredevops/") || strings.Contains(low, ".pipelines/") {
		return Azure, true
	}
	// Elsewhere, an Azure Pipelines file shows itself by top-level keys and task steps.
	if hasTopKey(head, "steps", "stages", "jobs") && (bytes.Contains(head, []byte("- task:")) || hasTopKey(head, "pool", "trigger", "pr")) &&
		!hasTopKey(head, "on", "$schema") {
		return Azure, true
	}
	return "", false
}

// hasTopKey reports whether one of keys starts a line at column 1 ("key:").
func hasTopKey(head []byte, keys ...string) bool {
	for _, line := range bytes.Split(head, []byte("\n")) {
		for _, k := range keys {
			if bytes.HasPrefix(line, []byte(k+":")) {
				return true
			}
		}
	}
	return false
}

// Scan reads the pipeline files among paths and returns one Awaf.CI/delivery resource
// summarising them. A file that is not valid YAML is a diagnostic; the rest carry on.
// Scanner is the reader as an iac.Scanner.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan hands the resources to sink (nil keeps them all) and returns what it keeps.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	var diags []iac.Diagnostic
	d := &delivery{}
	sort.Strings(paths)
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		data, err := readFile(fsys, p)
		if err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: err.Error(), Loc: awaf.Location{File: p}})
			continue
		}
		platform, ok := Sniff(p, data)
		if !ok {
			platform = Azure
		}
		if err := d.read(p, platform, data); err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: err.Error(), Loc: awaf.Location{File: p}})
		}
	}
	if len(d.pipelines) == 0 {
		return nil, diags, nil
	}
	res := []iac.Resource{d.resource()}
	return sink.Keep(res), diags, nil
}

func readFile(fsys fs.FS, p string) ([]byte, error) {
	st, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", p, err)
	}
	if st.Size() > MaxFile {
		return nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit; not read", p, st.Size(), MaxFile)
	}
	return fs.ReadFile(fsys, p)
}

// step is one step with what it does.
type step struct {
	pipeline, job string
	name, text    string
	loc           awaf.Location
	automatic     bool // the pipeline runs on push, pull request or schedule
	scheduled     bool
	gate          bool // a failure stops a later deployment
	tolerant      bool // continue-on-error or "|| true"
	index         int  // position in its job
	kinds         map[string]bool
}

// job is a unit that runs steps, with the units it waits for.
type job struct {
	id    string
	needs []string
	steps []*step
	env   *iac.Value
}

type delivery struct {
	pipelines []*iac.Value
	steps     []*step
	envs      []*iac.Value
	first     awaf.Location
}

// kindPattern recognises a step kind from the command text, the action or task, and
// the name.
type kindPattern struct {
	kind string
	re   *regexp.Regexp
}

// kindPatterns are compiled on first use, so a scan without pipelines (and every
// other command) does not pay for them at start-up.
var kindPatterns = sync.OnceValue(func() []kindPattern {
	return []kindPattern{
		{"redteam", regexp.MustCompile(`(?i)red[-_ ]?team|\bpyrit\b|\bgarak\b|promptfoo\s+redteam`)},
		{"evaluation", regexp.MustCompile(`(?i)\bawaf\s+eval\b|azure-ai-evaluation|ai-agent-evals|\bpf\s+run\b.*eval|\bevaluat(e|ion|ions|or|ors)\b|(?:^|[\s/._-])evals?(?:[\s/._-]|$)`)},
		{"safety", regexp.MustCompile(`(?i)content[-_ ]?safety|\bsafety\b|jailbreak|\bharm(s|ful)?\b|red[-_ ]?team|indirect[-_ ]?attack`)},
		{"infra", regexp.MustCompile(`(?i)\bazd\s+(provision|up)\b|\baz\s+deployment\s+(group|sub|mg|tenant)\s+create\b|\bterraform\s+apply\b|new-az(resourcegroup|subscription)?deployment|azure/arm-deploy|azure/bicep-deploy|azureresourcemanagertemplatedeployment@|terraformtask(v\d)?@.*apply|terraform-apply`)},
		{"app", regexp.MustCompile(`(?i)\bazd\s+(deploy|up)\b|\baz\s+(webapp|functionapp)\s+deploy|\baz\s+containerapp\s+(update|up|create)\b|azure/webapps-deploy|azure/functions-action|azure/container-apps-deploy-action|\baz\s+ml\s+online-deployment\s+(create|update)\b|azurewebapp(container)?@|azurecontainerapps@|azurefunctionapp@|\bkubectl\s+apply\b|\bhelm\s+(upgrade|install)\b`)},
		{"progressive", regexp.MustCompile(`(?i)\bslot\s+swap\b|ingress\s+traffic\s+set|--revision-weight|online-endpoint\s+update\b.*--traffic|--traffic\s+["']?\w+=\d+`)},
		{"approval", regexp.MustCompile(`(?i)manualvalidation@|trstringer/manual-approval|manual-approval`)},
		{"synthetic", regexp.MustCompile(`(?i)adversarialsimulator|\bsimulat(or|ors|e|ion)\b.*(question|conversation|data|adversarial)|synthetic[-_ ]?(data|questions)`)},
		{"loadtest", regexp.MustCompile(`(?i)azure/load-testing@|azureloadtest@|\baz\s+load\s+test(-run)?\s+create\b`)},
		{"secretscan", regexp.MustCompile(`(?i)gitleaks|trufflehog|\bdetect-secrets\b|\bggshield\b|\bgit[-\s]secrets\s+--scan|\bcredscan@|secret[-_ ]?scan(ning|ner)?\b`)},
	}
})

func classify(s *step) {
	s.kinds = map[string]bool{}
	for _, p := range kindPatterns() {
		// Names count too (a step named "Evaluate" that runs a script), but not for a
		// stock action such as actions/upload-artifact whose name mentions results.
		byName := p.kind != "infra" && p.kind != "app" && !strings.HasPrefix(s.text, "actions/") && p.re.MatchString(s.name)
		if p.re.MatchString(s.text) || byName {
			s.kinds[p.kind] = true
		}
	}
	tail := strings.TrimSpace(s.text)
	if strings.HasSuffix(tail, "|| true") || strings.HasSuffix(tail, "|| exit 0") {
		s.tolerant = true
	}
}

func (d *delivery) read(file, platform string, data []byte) error {
	doc, err := iac.DecodeYAML(file, data, 0)
	if err != nil {
		return err
	}
	if doc.Kind != iac.Object {
		return fmt.Errorf("%s:%d:%d: expected a mapping at the top of the pipeline", file, doc.Loc.Line, doc.Loc.Column)
	}
	if len(d.pipelines) == 0 {
		d.first = doc.Loc
	}
	var jobs []*job
	var automatic, scheduled bool
	var why []string
	if platform == GitHub {
		automatic, scheduled, why = githubTriggers(doc)
		jobs = githubJobs(file, doc)
	} else {
		automatic, scheduled, why = azureTriggers(doc)
		jobs = azureJobs(file, doc)
	}
	p := iac.NewObject(doc.Loc)
	p.Set("file", iac.NewString(file, doc.Loc))
	p.Set("platform", iac.NewString(platform, doc.Loc))
	p.Set("automatic", iac.NewBool(automatic, doc.Loc))
	p.Set("scheduled", iac.NewBool(scheduled, doc.Loc))
	trig := iac.NewArray(doc.Loc)
	for _, w := range why {
		trig.Items = append(trig.Items, iac.NewString(w, doc.Loc))
	}
	p.Set("triggers", trig)
	d.pipelines = append(d.pipelines, p)

	byID := map[string]*job{}
	for _, j := range jobs {
		byID[j.id] = j
		for _, s := range j.steps {
			s.automatic, s.scheduled = automatic, scheduled
			classify(s)
		}
		if j.env != nil {
			d.envs = append(d.envs, j.env)
		}
	}
	// A step gates the release when its failure stops a deployment: a deployment later
	// in the same job, or in a job that waits for it.
	deploys := func(j *job, after int) bool {
		for _, s := range j.steps {
			if s.index > after && (s.kinds["app"] || s.kinds["infra"]) {
				return true
			}
		}
		return false
	}
	for _, j := range jobs {
		downstream := closure(j.id, jobs)
		for _, s := range j.steps {
			if s.tolerant {
				continue
			}
			if deploys(j, s.index) {
				s.gate = true
				continue
			}
			for _, id := range downstream {
				if dj := byID[id]; dj != nil && (deploys(dj, -1) || dj.env != nil) {
					s.gate = true
					break
				}
			}
		}
		d.steps = append(d.steps, j.steps...)
	}
	return nil
}

// closure lists the jobs that wait, directly or not, for job id.
func closure(id string, jobs []*job) []string {
	var out []string
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, j := range jobs {
			if seen[j.id] {
				continue
			}
			for _, n := range j.needs {
				if n == cur {
					seen[j.id] = true
					out = append(out, j.id)
					queue = append(queue, j.id)
					break
				}
			}
		}
	}
	return out
}

func str(v *iac.Value) string {
	s, _, _ := v.AsString()
	return s
}

// names reads a string or a list of strings.
func names(v *iac.Value) []string {
	if v == nil {
		return nil
	}
	if v.Kind == iac.String {
		return []string{v.Str}
	}
	var out []string
	for _, it := range v.Items {
		if it.Kind == iac.String {
			out = append(out, it.Str)
		}
	}
	return out
}

func githubTriggers(doc *iac.Value) (automatic, scheduled bool, why []string) {
	on := doc.Field("on")
	if on == nil {
		on = doc.Field("true") // YAML 1.1 readers turn a bare on: into true
	}
	var events []string
	switch {
	case on == nil:
	case on.Kind == iac.String:
		events = []string{on.Str}
	case on.Kind == iac.Array:
		events = names(on)
	case on.Kind == iac.Object:
		events = on.Keys
	}
	for _, e := range events {
		switch e {
		case "push", "pull_request", "pull_request_target", "merge_group", "release", "workflow_run":
			automatic = true
			why = append(why, e)
		case "schedule":
			automatic, scheduled = true, true
			why = append(why, e)
		}
	}
	return automatic, scheduled, why
}

func githubJobs(file string, doc *iac.Value) []*job {
	js := doc.Field("jobs")
	if js == nil || js.Kind != iac.Object {
		return nil
	}
	var out []*job
	for _, id := range js.Keys {
		jv := js.Fields[id]
		j := &job{id: id, needs: names(jv.Field("needs"))}
		if env := jv.Field("environment"); env != nil {
			if env.Kind == iac.Object {
				env = env.Field("name")
			}
			if env != nil && env.Kind == iac.String {
				j.env = env
			}
		}
		for i, sv := range items(jv.Field("steps")) {
			if sv.Kind != iac.Object {
				continue
			}
			var text []string
			for _, k := range []string{"uses", "run"} {
				if s := str(sv.Field(k)); s != "" {
					text = append(text, s)
				}
			}
			if w := sv.Field("with"); w != nil {
				for _, k := range []string{"inlineScript", "script", "args", "command"} {
					if s := str(w.Field(k)); s != "" {
						text = append(text, s)
					}
				}
			}
			s := &step{pipeline: file, job: id, name: str(sv.Field("name")), text: strings.Join(text, "\n"), loc: sv.Loc, index: i}
			if coe := sv.Field("continue-on-error"); coe.Truthy() {
				s.tolerant = true
			}
			j.steps = append(j.steps, s)
		}
		if coe := jv.Field("continue-on-error"); coe.Truthy() {
			for _, s := range j.steps {
				s.tolerant = true
			}
		}
		out = append(out, j)
	}
	return out
}

func azureTriggers(doc *iac.Value) (automatic, scheduled bool, why []string) {
	// Without trigger:, Azure Pipelines runs on every push; "trigger: none" turns it off.
	t := doc.Field("trigger")
	if t == nil || !(t.Kind == iac.String && strings.EqualFold(t.Str, "none")) {
		automatic = true
		why = append(why, "push")
	}
	if pr := doc.Field("pr"); pr != nil && !(pr.Kind == iac.String && strings.EqualFold(pr.Str, "none")) {
		automatic = true
		why = append(why, "pr")
	}
	if s := doc.Field("schedules"); s != nil && s.Kind == iac.Array && len(s.Items) > 0 {
		automatic, scheduled = true, true
		why = append(why, "schedules")
	}
	return automatic, scheduled, why
}

// azureJobs flattens stages and jobs. Stages without dependsOn wait for the stage
// before them, as Azure Pipelines runs them in order.
func azureJobs(file string, doc *iac.Value) []*job {
	var out []*job
	readJobs := func(stage string, stageNeeds []string, jobs *iac.Value) {
		for k, jv := range items(jobs) {
			if jv.Kind != iac.Object {
				continue
			}
			id := str(jv.Field("job"))
			if id == "" {
				id = str(jv.Field("deployment"))
			}
			if id == "" {
				id = fmt.Sprintf("job%d", k+1)
			}
			j := &job{id: stage + "/" + id, needs: append([]string(nil), stageNeeds...)}
			for _, n := range names(jv.Field("dependsOn")) {
				j.needs = append(j.needs, stage+"/"+n)
			}
			if env := jv.Field("environment"); env != nil {
				if env.Kind == iac.Object {
					env = env.Field("name")
				}
				if env != nil && env.Kind == iac.String {
					j.env = env
				}
			}
			steps := jv.Field("steps")
			if strat := jv.Field("strategy"); strat != nil && strat.Kind == iac.Object {
				for _, sk := range strat.Keys {
					sv := strat.Fields[sk]
					if sk == "canary" || sk == "rolling" {
						j.steps = append(j.steps, &step{pipeline: file, job: j.id, name: sk + " strategy", text: "--traffic " + sk + "=1", loc: sv.Loc, index: -1})
					}
					if dep := sv.Get("deploy.steps"); dep != nil {
						steps = dep
					}
				}
			}
			j.steps = append(j.steps, azureSteps(file, j.id, steps)...)
			out = append(out, j)
		}
	}
	switch {
	case doc.Field("stages") != nil:
		var prev string
		for k, sv := range items(doc.Field("stages")) {
			if sv.Kind != iac.Object {
				continue
			}
			id := str(sv.Field("stage"))
			if id == "" {
				id = fmt.Sprintf("stage%d", k+1)
			}
			var needs []string
			if dep := sv.Field("dependsOn"); dep != nil {
				for _, n := range names(dep) {
					needs = append(needs, n+"/*")
				}
			} else if prev != "" {
				needs = []string{prev + "/*"}
			}
			stageJobs := len(out)
			readJobs(id, needs, sv.Field("jobs"))
			// A stage marker job lets later stages wait for all of this one.
			marker := &job{id: id + "/*"}
			for _, j := range out[stageJobs:] {
				marker.needs = append(marker.needs, j.id)
			}
			out = append(out, marker)
			prev = id
		}
	case doc.Field("jobs") != nil:
		readJobs("", nil, doc.Field("jobs"))
	case doc.Field("steps") != nil:
		j := &job{id: "/steps"}
		j.steps = azureSteps(file, j.id, doc.Field("steps"))
		out = append(out, j)
	}
	return out
}

func azureSteps(file, jobID string, steps *iac.Value) []*step {
	var out []*step
	for i, sv := range items(steps) {
		if sv.Kind != iac.Object {
			continue
		}
		var text []string
		for _, k := range []string{"script", "bash", "pwsh", "powershell", "task", "template"} {
			if s := str(sv.Field(k)); s != "" {
				text = append(text, s)
			}
		}
		if in := sv.Field("inputs"); in != nil {
			for _, k := range []string{"inlineScript", "script", "command", "arguments", "scriptArguments", "loadTestConfigFile"} {
				if s := str(in.Field(k)); s != "" {
					text = append(text, s)
				}
			}
		}
		s := &step{pipeline: file, job: jobID, name: str(sv.Field("displayName")), text: strings.Join(text, "\n"), loc: sv.Loc, index: i}
		if sv.Field("continueOnError").Truthy() {
			s.tolerant = true
		}
		out = append(out, s)
	}
	return out
}

// resource builds the Awaf.CI/delivery resource.
func (d *delivery) resource() iac.Resource {
	props := iac.NewObject(d.first)
	pl := iac.NewArray(d.first, d.pipelines...)
	props.Set("pipelines", pl)
	lists := map[string]*iac.Value{}
	order := []struct{ key, kind string }{
		{"evaluations", "evaluation"}, {"redTeams", "redteam"}, {"infraDeployments", "infra"},
		{"appDeployments", "app"}, {"progressive", "progressive"}, {"approvals", "approval"}, {"loadTests", "loadtest"}, {"simulations", "synthetic"},
		{"secretScans", "secretscan"},
	}
	for _, o := range order {
		lists[o.key] = iac.NewArray(d.first)
	}
	for _, s := range d.steps {
		for _, o := range order {
			if !s.kinds[o.kind] {
				continue
			}
			l := lists[o.key]
			if len(l.Items) == 0 {
				l.Loc = s.loc // a finding on the list points at its first step
			}
			l.Items = append(l.Items, s.value())
		}
	}
	for _, o := range order {
		props.Set(o.key, lists[o.key])
	}
	envs := iac.NewArray(d.first)
	seen := map[string]bool{}
	for _, e := range d.envs {
		if k := strings.ToLower(e.Str); !seen[k] {
			seen[k] = true
			if len(envs.Items) == 0 {
				envs.Loc = e.Loc
			}
			envs.Items = append(envs.Items, e)
		}
	}
	props.Set("environments", envs)
	return iac.Resource{
		Type:       Type,
		Name:       iac.NewString("ci", d.first),
		ID:         "ci",
		Loc:        d.first,
		Source:     "ci",
		Properties: props,
	}
}

func (s *step) value() *iac.Value {
	v := iac.NewObject(s.loc)
	v.Set("pipeline", iac.NewString(s.pipeline, s.loc))
	v.Set("job", iac.NewString(s.job, s.loc))
	v.Set("name", iac.NewString(s.name, s.loc))
	v.Set("automatic", iac.NewBool(s.automatic, s.loc))
	v.Set("scheduled", iac.NewBool(s.scheduled, s.loc))
	v.Set("gate", iac.NewBool(s.gate, s.loc))
	v.Set("safety", iac.NewBool(s.kinds["safety"], s.loc))
	return v
}

// items is the items of an array value, or none.
func items(v *iac.Value) []*iac.Value {
	if v == nil || v.Kind != iac.Array {
		return nil
	}
	return v.Items
}
