package scan

import (
	"path"
	"strings"

	"github.com/awaf/awaf/internal/iac"
)

// WorkloadOf names the workload a resource belongs to, for rules of scope workload
// and for the reports. One workload is one deployment entry point: the Bicep or ARM
// file the resource is declared in or, inside a module, the file whose module call
// leads to it (Via, outermost first); the directory of a Terraform root module; the
// export file. A directory of dirs groups every entry point under it into one
// workload named by the directory. Paths are slash-separated and relative to the scan
// root, as resource locations are.
func WorkloadOf(dirs []string) func(r *iac.Resource) string {
	clean := make([]string, 0, len(dirs))
	for _, d := range dirs {
		clean = append(clean, path.Clean(strings.TrimSuffix(d, "/")))
	}
	return func(r *iac.Resource) string {
		entry := r.Loc.File
		if len(r.Via) > 0 && r.Via[0].File != "" {
			entry = r.Via[0].File
		}
		for _, d := range clean {
			if d == "." || entry == d || strings.HasPrefix(entry, d+"/") {
				return d
			}
		}
		if r.Source == iac.SourceTerraform {
			return path.Dir(entry)
		}
		return entry
	}
}
