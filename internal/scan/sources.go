package scan

import (
	"path"
	"strings"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/aml"
	"github.com/awaf/awaf/internal/iac/apim"
	"github.com/awaf/awaf/internal/iac/evalcfg"
	"github.com/awaf/awaf/internal/iac/pipeline"
	"github.com/awaf/awaf/internal/iac/prompt"
	"github.com/awaf/awaf/internal/iac/search"
)

// Evidence formats: files beside the infrastructure code that show how the workload is
// built, released and evaluated. Each has its own reader under internal/iac (listed in
// DefaultFrontends); all feed the same resources and rules.
const (
	FormatPipeline Format = "ci"          // GitHub Actions and Azure Pipelines YAML
	FormatAPIM     Format = "apim-policy" // API Management policy XML
	FormatSearch   Format = "search"      // AI Search index, skillset, indexer, data source JSON
	FormatAML      Format = "aml"         // Azure Machine Learning CLI v2 YAML
	FormatPrompt   Format = "prompt"      // .prompty files and prompt templates
	FormatEval     Format = "eval"        // awaf eval configs and evaluation SDK results
)

// The Claims of the evidence readers. head is nil when only the name is known; the
// scan then reads the head of YAML and XML files (wantsHead) and asks again.

func claimPipeline(name string, head []byte) bool {
	_, ok := pipeline.Sniff(name, head)
	return ok
}

func claimAPIM(name string, head []byte) bool { return head != nil && apim.Sniff(name, head) }

func claimSearch(name string, head []byte) bool {
	if head == nil || !isJSON(name) {
		return false
	}
	_, ok := search.Sniff(head)
	return ok
}

func claimAML(name string, head []byte) bool { return head != nil && aml.Sniff(name, head) }

func claimPrompt(name string, _ []byte) bool { return prompt.Sniff(name) }

func claimEval(name string, head []byte) bool {
	if head == nil {
		return false
	}
	if isJSON(name) {
		return evalcfg.SniffJSON(head)
	}
	return evalcfg.SniffYAML(name, head)
}

func isJSON(name string) bool { return strings.EqualFold(path.Ext(name), ".json") }

// wantsHead tells the files whose head the evidence readers may need to claim them.
func wantsHead(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yml", ".yaml", ".xml":
		return true
	}
	return false
}

// enrich reads what the front ends leave as text inside resources, the XML of API
// Management policies declared inline in Bicep, ARM and Terraform, and notes the
// profile signals of the unit.
func (r *Result) enrich(rs []iac.Resource) {
	r.profile.add(rs)
	if d := apim.Enrich(rs); len(d) > 0 {
		r.mu.Lock()
		r.Diagnostics = append(r.Diagnostics, d...)
		r.mu.Unlock()
	}
}

// ProposeProfile gives the workload kinds and criticality hints the scanned resources
// suggest (see the function ProposeProfile).
func (r *Result) ProposeProfile() ([]KindProposal, []Hint) {
	return r.profile.propose()
}
