package iac

import (
	"context"
	"fmt"
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

// ReadEach reads each of paths (sorted) that is at most max bytes and passes it to
// read, for readers that make one resource from one file. A file over the limit is a
// warning, one that cannot be read or that read refuses is an error diagnostic, and the
// rest carry on. It stops only when ctx is done.
func ReadEach(ctx context.Context, fsys fs.FS, paths []string, max int64, read func(path string, data []byte) (Resource, error)) ([]Resource, []Diagnostic, error) {
	var out []Resource
	var diags []Diagnostic
	paths = append([]string(nil), paths...)
	sort.Strings(paths)
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		loc := awaf.Location{File: p}
		st, err := fs.Stat(fsys, p)
		if err == nil && st.Size() > max {
			diags = append(diags, Diagnostic{Severity: DiagWarning, Message: fmt.Sprintf("%s is %d bytes, over the %d-byte limit; not read", p, st.Size(), max), Loc: loc})
			continue
		}
		var data []byte
		if err == nil {
			data, err = fs.ReadFile(fsys, p)
		}
		if err != nil {
			diags = append(diags, Diagnostic{Severity: DiagError, Message: fmt.Sprintf("cannot read %s: %v", p, err), Loc: loc})
			continue
		}
		r, err := read(p, data)
		if err != nil {
			diags = append(diags, Diagnostic{Severity: DiagError, Message: err.Error(), Loc: loc})
			continue
		}
		out = append(out, r)
	}
	return out, diags, nil
}
