package scan

import (
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/aml"
	"github.com/awaf/awaf/internal/iac/apim"
	"github.com/awaf/awaf/internal/iac/arm"
	"github.com/awaf/awaf/internal/iac/bicep"
	"github.com/awaf/awaf/internal/iac/evalcfg"
	"github.com/awaf/awaf/internal/iac/export"
	"github.com/awaf/awaf/internal/iac/pipeline"
	"github.com/awaf/awaf/internal/iac/prompt"
	"github.com/awaf/awaf/internal/iac/search"
	"github.com/awaf/awaf/internal/iac/terraform"
)

// Format is the kind of an input file.
type Format string

// Input formats.
const (
	FormatARM       Format = "arm"
	FormatBicep     Format = "bicep"
	FormatTerraform Format = "terraform"
	FormatPlan      Format = "terraform-plan"
	FormatExport    Format = "export"
)

// formats lists every format classify can give.
var formats = []Format{FormatARM, FormatBicep, FormatTerraform, FormatPlan, FormatExport}

// Frontend is the reader of one input format.
type Frontend struct {
	Format  Format
	Scanner iac.Scanner
	// Claims picks the front end's files among those the built-in formats leave: by
	// name (the slash path in the scanned tree), and by content for a JSON file not
	// told apart as one of them and for a YAML or XML file no front end claimed by name
	// (head holds at least its first 8 KiB; nil when only the name is asked about). Nil
	// for the built-in formats, which the scan tells apart itself.
	Claims func(name string, head []byte) bool
}

// Frontends are the readers a scan runs, one per format, in the order their
// resources are reported.
type Frontends []Frontend

// DefaultFrontends is the explicit list of awaf's front ends. A new reader is a type
// implementing iac.Scanner and one line here: its Format, the scanner, and Claims to
// say which files are its.
func DefaultFrontends() Frontends {
	return Frontends{
		{Format: FormatARM, Scanner: &arm.Scanner{}},
		{Format: FormatBicep, Scanner: bicep.New("")}, // the Bicep CLI's module cache, ~/.bicep
		{Format: FormatTerraform, Scanner: terraform.Scanner{}},
		{Format: FormatPlan, Scanner: terraform.PlanScanner{}},
		{Format: FormatExport, Scanner: export.Scanner{}},
		{Format: FormatPipeline, Scanner: pipeline.Scanner{}, Claims: claimPipeline},
		{Format: FormatAPIM, Scanner: apim.Scanner{}, Claims: claimAPIM},
		{Format: FormatSearch, Scanner: search.Scanner{}, Claims: claimSearch},
		{Format: FormatAML, Scanner: aml.Scanner{}, Claims: claimAML},
		{Format: FormatPrompt, Scanner: prompt.Scanner{}, Claims: claimPrompt},
		{Format: FormatEval, Scanner: evalcfg.Scanner{}, Claims: claimEval},
	}
}

// claim gives the format of the first front end that claims a file.
func (fs Frontends) claim(name string, head []byte) (Format, bool) {
	for _, fe := range fs {
		if fe.Claims != nil && fe.Claims(name, head) {
			return fe.Format, true
		}
	}
	return "", false
}

// Scanner gives the reader of a format, or nil.
func (fs Frontends) Scanner(f Format) iac.Scanner {
	for _, fe := range fs {
		if fe.Format == f {
			return fe.Scanner
		}
	}
	return nil
}

// order gives the formats in the order their resources are reported: the front
// ends' order, then the formats without one (whose files are only reported as
// unread).
func (fs Frontends) order() []Format {
	out := make([]Format, 0, len(formats))
	seen := map[Format]bool{}
	for _, fe := range fs {
		if !seen[fe.Format] {
			seen[fe.Format] = true
			out = append(out, fe.Format)
		}
	}
	for _, f := range formats {
		if !seen[f] {
			out = append(out, f)
		}
	}
	return out
}
