package bicep

import (
	"strings"
	"testing"
)

func TestAssert(t *testing.T) {
	const sa = "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'st${env}'\n}\n"
	tests := []struct {
		name      string
		files     map[string]string
		wantNames string
		wantDiags []string // whole diagnostics, in order
	}{
		{
			name:      "true condition says nothing",
			files:     map[string]string{"main.bicep": "param env string = 'prod'\nassert known = contains(['dev', 'prod'], env)\n" + sa},
			wantNames: "stprod",
		},
		{
			name:      "false condition warns with the assert's place and keeps the resources",
			files:     map[string]string{"main.bicep": "param env string = 'test'\nassert envOk = env == 'dev' || env == 'prod'\n" + sa},
			wantNames: "sttest",
			wantDiags: []string{"main.bicep:2:1: warning: assert 'envOk' fails: its condition is false"},
		},
		{
			name: "description decorator explains the failure",
			files: map[string]string{"main.bicep": "param env string = 'test'\n@description('env must be dev or prod')\nassert envOk = env == 'dev' || env == 'prod'\n" +
				"@sys.description('name too short')\nassert nameLen = length(env) > 5\n" + sa},
			wantNames: "sttest",
			wantDiags: []string{
				"main.bicep:3:1: warning: assert 'envOk' fails: env must be dev or prod",
				"main.bicep:5:1: warning: assert 'nameLen' fails: name too short",
			},
		},
		{
			name:      "condition unknown before deployment is silent",
			files:     map[string]string{"main.bicep": "param env string\nassert envOk = env == 'prod'\nassert later = resourceGroup().location == 'westeurope'\n" + sa},
			wantNames: "?st",
		},
		{
			name:      "condition that is not a bool is an error",
			files:     map[string]string{"main.bicep": "param env string = 'prod'\nassert odd = env\n" + sa},
			wantNames: "stprod",
			wantDiags: []string{"main.bicep:2:1: error: assert 'odd' needs a bool condition, not string"},
		},
		{
			name: "asserts of a module see the module's parameters",
			files: map[string]string{
				"main.bicep": "module a 'mod.bicep' = {\n  name: 'a'\n  params: { env: 'prod' }\n}\nmodule b 'mod.bicep' = {\n  name: 'b'\n  params: { env: 'qa' }\n}\n",
				"mod.bicep":  "param env string\nassert envOk = env != 'qa'\n" + sa,
			},
			wantNames: "stprod,stqa",
			wantDiags: []string{"mod.bicep:2:1: warning: assert 'envOk' fails: its condition is false"},
		},
		{
			name:      "module not deployed does not check its asserts",
			files:     map[string]string{"main.bicep": "module a 'mod.bicep' = if (false) {\n  name: 'a'\n  params: { env: 'qa' }\n}\n", "mod.bicep": "param env string\nassert envOk = env != 'qa'\n" + sa},
			wantNames: "",
		},
		{
			name:      "assert without a condition is a syntax error",
			files:     map[string]string{"main.bicep": "param env string = 'prod'\nassert broken\n" + sa},
			wantNames: "stprod",
			wantDiags: []string{"main.bicep:2:14: error: syntax error: expected '=' and a condition after assert broken, found newline"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, diags := scanFiles(t, tt.files)
			if got := names(res); got != tt.wantNames {
				t.Errorf("resources %s, want %s", got, tt.wantNames)
			}
			if strings.Join(diags, "\n") != strings.Join(tt.wantDiags, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(diags, "\n"), strings.Join(tt.wantDiags, "\n"))
			}
		})
	}
}

func TestParseAssert(t *testing.T) {
	f := Parse("main.bicep", "@description('d')\nassert a = 1 < 2\n")
	if len(f.Errors) != 0 || len(f.Stmts) != 1 {
		t.Fatalf("errors %v, statements %d", f.Errors, len(f.Stmts))
	}
	a, ok := f.Stmts[0].(*Assert)
	if !ok || a.Name != "a" || len(a.Decorators) != 1 || a.Decorators[0].Call.Name != "description" {
		t.Fatalf("got %#v", f.Stmts[0])
	}
	if b, ok := a.Value.(*Binary); !ok || b.Op != "<" || a.P.Line != 2 || a.P.Col != 1 {
		t.Errorf("value %#v at %v", a.Value, a.P)
	}
}
