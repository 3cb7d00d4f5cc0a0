package iac

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/awaf/awaf"
)

// Files expands paths into the files under them whose extension is ext (compared
// without case), sorted and without repeats. A path named directly is kept whatever its
// extension. Hidden directories and node_modules are skipped. Paths that cannot be read
// become diagnostics; the rest carry on.
func Files(fsys fs.FS, paths []string, ext string) ([]string, []Diagnostic) {
	seen := map[string]bool{}
	var files []string
	var diags []Diagnostic
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	fail := func(p string, err error) {
		diags = append(diags, Diagnostic{Severity: DiagError, Message: err.Error(), Loc: awaf.Location{File: p}})
	}
	for _, p := range paths {
		p = path.Clean(p)
		fi, err := fs.Stat(fsys, p)
		if err != nil {
			fail(p, err)
			continue
		}
		if !fi.IsDir() {
			add(p)
			continue
		}
		err = fs.WalkDir(fsys, p, func(q string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				fail(q, err)
			case d.IsDir():
				if q != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
					return fs.SkipDir
				}
			case strings.EqualFold(path.Ext(q), ext):
				add(q)
			}
			return nil
		})
		if err != nil {
			fail(p, err)
		}
	}
	sort.Strings(files)
	return files, diags
}
