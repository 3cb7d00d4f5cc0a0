package pipeline

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac"
)

const ghGated = `name: release
on:
  pull_request:
  push:
    branches: [main]
jobs:
  evaluate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Evaluate answers
        run: awaf eval --config eval/awaf-eval.yaml
      - name: Red team
        run: python -m pyrit_scan --target chat
  deploy:
    needs: evaluate
    environment: production
    runs-on: ubuntu-latest
    steps:
      - run: azd provision --no-prompt
      - run: azd deploy --no-prompt
  staging:
    environment: { name: staging }
    runs-on: ubuntu-latest
    steps:
      - run: az webapp deployment slot swap -g rg -n app --slot staging
`

const ghManual = `on: workflow_dispatch
jobs:
  evaluate:
    runs-on: ubuntu-latest
    steps:
      - name: evaluate
        run: python -m evaluate
        continue-on-error: true
      - name: Upload eval results
        uses: actions/upload-artifact@v4
`

const azdo = `trigger: [main]
schedules:
  - cron: "0 3 * * *"
    branches: {include: [main]}
stages:
  - stage: test
    jobs:
      - job: eval
        steps:
          - script: awaf eval --config eval.yaml
            displayName: Evaluate
  - stage: prod
    jobs:
      - deployment: web
        environment: prod
        strategy:
          runOnce:
            deploy:
              steps:
                - task: ManualValidation@0
                - task: AzureResourceManagerTemplateDeployment@3
                  inputs: {csmFile: infra/main.json}
`

const ghSecrets = `name: secrets
on: [push, pull_request]
jobs:
  gitleaks:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 0}
      - uses: gitleaks/gitleaks-action@v2
  trufflehog:
    runs-on: ubuntu-latest
    steps:
      - name: TruffleHog OSS
        uses: trufflesecurity/trufflehog@main
      - name: Upload the secret scan report
        uses: actions/upload-artifact@v4
`

const azdoSecrets = `trigger: none
steps:
  - script: pip install detect-secrets && detect-secrets scan --baseline .secrets.baseline
    displayName: Look for committed keys
`

func scanOne(t *testing.T, files map[string]string) (*iac.Resource, []iac.Diagnostic) {
	t.Helper()
	fsys := fstest.MapFS{}
	var paths []string
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
		paths = append(paths, name)
	}
	res, diags, err := Scanner{}.Scan(context.Background(), fsys, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 {
		return nil, diags
	}
	if len(res) != 1 || res[0].Type != Type {
		t.Fatalf("want one %s resource, got %d", Type, len(res))
	}
	return &res[0], diags
}

func count(r *iac.Resource, list, flag string) (n, flagged int) {
	for _, s := range r.Properties.Field(list).Items {
		n++
		if s.Field(flag).Truthy() {
			flagged++
		}
	}
	return n, flagged
}

func TestScan(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		// list -> {count, count with "gate"}
		want map[string][2]int
		envs int
	}{
		{"github gated release", map[string]string{".github/workflows/release.yml": ghGated},
			map[string][2]int{"evaluations": {1, 1}, "redTeams": {1, 1}, "infraDeployments": {1, 1}, "appDeployments": {2, 0}, "progressive": {1, 0}}, 2},
		{"github manual, tolerant", map[string]string{".github/workflows/eval.yaml": ghManual},
			map[string][2]int{"evaluations": {1, 0}, "infraDeployments": {0, 0}}, 0},
		{"azure pipelines stages", map[string]string{"azure-pipelines.yml": azdo},
			map[string][2]int{"evaluations": {1, 1}, "approvals": {1, 1}, "infraDeployments": {1, 0}, "secretScans": {0, 0}}, 1},
		{"secret scanners, not a stock action named after them", map[string]string{".github/workflows/secrets.yml": ghSecrets, "azure-pipelines.yml": azdoSecrets},
			map[string][2]int{"secretScans": {3, 0}, "evaluations": {0, 0}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, diags := scanOne(t, tt.files)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			for list, w := range tt.want {
				n, g := count(r, list, "gate")
				if n != w[0] || g != w[1] {
					t.Errorf("%s: %d steps, %d gates; want %d, %d", list, n, g, w[0], w[1])
				}
			}
			if n := len(r.Properties.Field("environments").Items); n != tt.envs {
				t.Errorf("%d environments, want %d", n, tt.envs)
			}
		})
	}
}

func TestScanLocationsAndTriggers(t *testing.T) {
	r, _ := scanOne(t, map[string]string{"azure-pipelines.yml": azdo, ".github/workflows/eval.yaml": ghManual})
	evals := r.Properties.Field("evaluations").Items
	if len(evals) != 2 {
		t.Fatalf("%d evaluations, want 2", len(evals))
	}
	for _, e := range evals {
		switch e.Field("pipeline").Str {
		case "azure-pipelines.yml":
			if !e.Field("automatic").Truthy() || !e.Field("scheduled").Truthy() {
				t.Error("the scheduled Azure pipeline's evaluation is not automatic and scheduled")
			}
			if e.Loc.Line != 10 || e.Loc.Column != 13 {
				t.Errorf("evaluation step at %d:%d, want 10:13", e.Loc.Line, e.Loc.Column)
			}
		case ".github/workflows/eval.yaml":
			if e.Field("automatic").Truthy() {
				t.Error("a workflow_dispatch evaluation counts as automatic")
			}
		}
	}
}

func TestBrokenFileIsADiagnostic(t *testing.T) {
	r, diags := scanOne(t, map[string]string{".github/workflows/a.yml": "on: [push\njobs: {", ".github/workflows/b.yml": ghGated})
	if len(diags) != 1 || diags[0].Loc.File != ".github/workflows/a.yml" {
		t.Fatalf("diagnostics %v, want one for a.yml", diags)
	}
	if r == nil || len(r.Properties.Field("evaluations").Items) != 1 {
		t.Fatal("the good workflow was not read")
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{".github/workflows/ci.yml", "on: push", GitHub},
		{"azure-pipelines.yml", "trigger: none", Azure},
		{"build/pipeline.yaml", "trigger: none\nsteps:\n- task: Bash@3\n", Azure},
		{"config/app.yaml", "name: app\nreplicas: 2\n", ""},
		{".github/workflows/sub/x.yml", "steps: []", ""},
	}
	for _, tt := range tests {
		got, _ := Sniff(tt.name, []byte(tt.head))
		if got != tt.want {
			t.Errorf("Sniff(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func FuzzPipeline(f *testing.F) {
	f.Add([]byte(ghGated), true)
	f.Add([]byte(azdo), false)
	f.Add([]byte("jobs: {a: {steps: [1, {run: x}], needs: [a]}}"), true)
	f.Fuzz(func(t *testing.T, data []byte, github bool) {
		name := "azure-pipelines.yml"
		if github {
			name = ".github/workflows/x.yml"
		}
		fsys := fstest.MapFS{name: &fstest.MapFile{Data: data}}
		res, diags, err := Scanner{}.Scan(context.Background(), fsys, []string{name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diags {
			if d.Loc.File != name {
				t.Errorf("diagnostic without the file: %v", d)
			}
		}
		if len(res) > 1 {
			t.Errorf("%d resources", len(res))
		}
	})
}
