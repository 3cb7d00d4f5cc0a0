package scan

import (
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
	"github.com/awaf/awaf/internal/iac/bicep"
	"github.com/awaf/awaf/internal/iac/export"
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
}

// Frontends are the readers a scan runs, one per format, in the order their
// resources are reported.
type Frontends []Frontend

// DefaultFrontends is the explicit list of awaf's front ends. A new reader is a type
// implementing iac.Scanner and one line here, with its Format (and, for a new kind of
// file, a case in classify).
func DefaultFrontends() Frontends {
	return Frontends{
		{FormatARM, &arm.Scanner{}},
		{FormatBicep, bicep.New("")}, // the Bicep CLI's module cache, ~/.bicep
		{FormatTerraform, terraform.Scanner{}},
		{FormatPlan, terraform.PlanScanner{}},
		{FormatExport, export.Scanner{}},
	}
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
