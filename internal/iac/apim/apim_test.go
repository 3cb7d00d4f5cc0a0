package apim

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

const policy = `<policies>
  <inbound>
    <base />
    <validate-azure-ad-token tenant-id="{{tenant}}" />
    <authentication-managed-identity resource="https://cognitiveservices.azure.com" />
    <llm-token-limit counter-key="@(context.Subscription.Id)" tokens-per-minute="5000" estimate-prompt-tokens="true" />
    <llm-emit-token-metric namespace="openai">
      <dimension name="Subscription ID" />
    </llm-emit-token-metric>
    <choose>
      <when condition="@(context.Request.Headers.GetValueOrDefault<string>("x-tier", "") == "gold")">
        <llm-semantic-cache-lookup score-threshold="0.05" embeddings-backend-id="embed">
          <vary-by>@(context.Subscription.Id)</vary-by>
        </llm-semantic-cache-lookup>
      </when>
    </choose>
    <set-backend-service backend-id="openai-pool" />
  </inbound>
  <backend>
    <retry condition="@(context.Response.StatusCode == 429)" count="3" interval="2" delta="1" first-fast-retry="false">
      <forward-request />
    </retry>
  </backend>
</policies>
`

func TestParse(t *testing.T) {
	pol, err := Parse(policy, awaf.Location{File: "p.xml", Line: 1, Column: 1}, true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		elem, attr, want string
		line             int
	}{
		{"llm-token-limit", "counter-key", "@(                       )", 6}, // the expression body is blanked
		{"llm-token-limit", "tokens-per-minute", "5000", 6},
		{"llm-token-limit", "section", "inbound", 6},
		{"llm-semantic-cache-lookup", "parent", "when", 12},
		{"vary-by", "parent", "llm-semantic-cache-lookup", 13},
		{"retry", "section", "backend", 20},
		{"retry", "count", "3", 20},
		{"dimension", "name", "Subscription ID", 8},
	}
	for _, tt := range tests {
		list := pol.Field(tt.elem)
		if list == nil || len(list.Items) == 0 {
			t.Errorf("no %s", tt.elem)
			continue
		}
		el := list.Items[0]
		got, _, _ := el.Field(tt.attr).AsString()
		if strings.TrimSpace(got) != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.elem, tt.attr, got, tt.want)
		}
		if el.Loc.Line != tt.line {
			t.Errorf("%s at line %d, want %d", tt.elem, el.Loc.Line, tt.line)
		}
	}
}

func TestScanAndBroken(t *testing.T) {
	fsys := fstest.MapFS{
		"apim/chat.xml":   {Data: []byte(policy)},
		"apim/broken.xml": {Data: []byte("<policies>\n  <inbound>\n    <base>\n  </inbound>\n</policies>")},
	}
	res, diags, err := Scanner{}.Scan(context.Background(), fsys, []string{"apim/chat.xml", "apim/broken.xml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Type != FileType || res[0].Properties.Get("policy.retry") == nil {
		t.Fatalf("resources %+v", res)
	}
	if len(diags) != 1 || diags[0].Loc.File != "apim/broken.xml" || diags[0].Loc.Line != 4 {
		t.Fatalf("diagnostics %+v, want one at apim/broken.xml:4", diags)
	}
}

func TestEnrichInline(t *testing.T) {
	val := iac.NewString(policy, awaf.Location{File: "main.bicep", Line: 40, Column: 12})
	props := iac.NewObject(val.Loc)
	props.Set("format", iac.NewString("rawxml", val.Loc))
	props.Set("value", val)
	link := iac.NewObject(val.Loc)
	link.Set("format", iac.NewString("rawxml-link", val.Loc))
	link.Set("value", iac.NewString("https://example.com/p.xml", val.Loc))
	res := []iac.Resource{
		{Type: "Microsoft.ApiManagement/service/apis/policies", ID: "apiPolicy", Source: "bicep", Properties: props},
		{Type: "Microsoft.ApiManagement/service/policies", ID: "linked", Source: "bicep", Properties: link},
	}
	if d := Enrich(res); len(d) > 0 {
		t.Fatal(d)
	}
	ret := res[0].Properties.Get("policy.retry")
	if ret == nil || ret.Items[0].Loc.Line != 40 {
		t.Fatalf("inline retry not read at the string, main.bicep:40: %+v", ret)
	}
	if res[1].Properties.Field("policy") != nil {
		t.Error("a linked policy was parsed as XML")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(policy)
	f.Add(`<policies><inbound><set-variable name="x" value="@{ var a = "<"; return a; }" /></inbound></policies>`)
	f.Add("<fragment>@(")
	f.Fuzz(func(t *testing.T, s string) {
		pol, err := Parse(s, awaf.Location{File: "f.xml", Line: 1, Column: 1}, true)
		if err == nil && pol == nil {
			t.Fatal("no policy and no error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.xml:") {
			t.Errorf("error without the file: %v", err)
		}
		if len(blankExpressions(s)) != len(s) {
			t.Error("blanking changed the length")
		}
	})
}
