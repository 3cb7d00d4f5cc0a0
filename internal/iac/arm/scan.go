package arm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// FileKind says what an ARM JSON file is.
type FileKind uint8

// File kinds, told apart by their "$schema".
const (
	NotARM FileKind = iota
	Template
	Parameters
)

// MaxFileSize is the largest file Scan reads; larger ones get a diagnostic.
const MaxFileSize = 32 << 20

// Kind looks at the "$schema" near the start of a JSON file without decoding it all.
func Kind(data []byte) FileKind {
	head := data[:min(len(data), 4096)]
	i := bytes.Index(head, []byte(`"$schema"`))
	if i < 0 {
		return NotARM
	}
	rest := bytes.ToLower(head[i:min(len(head), i+300)])
	end := bytes.IndexByte(rest[len(`"$schema"`):], ',')
	if end >= 0 {
		rest = rest[:len(`"$schema"`)+end]
	}
	switch {
	case bytes.Contains(rest, []byte("deploymenttemplate")):
		return Template
	case bytes.Contains(rest, []byte("deploymentparameters")):
		return Parameters
	}
	return NotARM
}

// Scanner reads ARM templates under an fs.FS. The zero value pairs each template
// with the parameter file beside it.
type Scanner struct {
	// ParameterFiles maps a template's path to the parameter file to use with it,
	// overriding the pairing by name.
	ParameterFiles map[string]string
	// Parameters are values given explicitly (e.g. on the command line); they override
	// parameter files.
	Parameters map[string]*iac.Value
}

var _ iac.Scanner = (*Scanner)(nil)

// Scan reads the templates among paths with a zero Scanner and no sink.
func Scan(ctx context.Context, fsys fs.FS, paths []string) ([]iac.Resource, []iac.Diagnostic, error) {
	return (&Scanner{}).Scan(ctx, fsys, paths, nil)
}

// Scan reads every ARM template among paths (files, or directories walked for .json
// files). Parameter files are paired with their templates; other JSON is ignored.
// Templates are expanded in parallel; the result is in path order whatever the timing.
// Each template, with what it nests and links, is one unit for sink.
func (s *Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	files, diags := iac.Files(fsys, paths, ".json")
	type job struct{ path string }
	var templates []job
	for _, p := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		// Only the head is read here; each template is read whole by its worker, so
		// memory holds the templates being expanded, not every file at once.
		head, err := readHead(fsys, p)
		if err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("read: %v", err), Loc: awaf.Location{File: p, Line: 1, Column: 1}})
			continue
		}
		if Kind(head) == Template {
			templates = append(templates, job{p})
		}
	}
	dirTemplates := map[string]int{}
	for _, t := range templates {
		dirTemplates[path.Dir(t.path)]++
	}
	type result struct {
		res    []iac.Resource
		diags  []iac.Diagnostic
		linked []string
	}
	results := make([]result, len(templates))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, t := range templates {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if ctx.Err() != nil {
				return
			}
			data, rd := readFile(fsys, t.path)
			if rd != nil {
				results[i] = result{diags: []iac.Diagnostic{*rd}}
				return
			}
			params, pd := s.params(fsys, t.path, dirTemplates[path.Dir(t.path)] == 1)
			// One template (with what it nests and links) is one unit for the sink,
			// or several for a large one (see deferFrom); a template another one
			// links to is dropped below, kept results and all.
			res, d, linked := expandFS(ctx, fsys, t.path, data, params, sink)
			results[i] = result{res, append(pd, d...), linked}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// A template another one links to is reported through that link, with the
	// values passed to it, not again on its own. Templates that only link to one
	// another in a cycle still get one report (the first by path), so the cycle is
	// said rather than the files lost.
	linked := map[string]bool{}
	for _, r := range results {
		for _, l := range r.linked {
			linked[l] = true
		}
	}
	shown := make([]bool, len(results))
	reached := map[string]bool{}
	for i, r := range results {
		if !linked[templates[i].path] {
			shown[i] = true
			for _, l := range r.linked {
				reached[l] = true
			}
		}
	}
	for i, r := range results {
		if !shown[i] && !reached[templates[i].path] {
			shown[i] = true
			reached[templates[i].path] = true
			for _, l := range r.linked {
				reached[l] = true
			}
		}
	}
	total, from := 0, 0
	for i, r := range results {
		if shown[i] {
			total += len(r.res)
			if len(r.res) > 0 {
				from++
			}
		}
	}
	if from == 1 {
		// One template holds every resource (a single large file): no copy.
		var out []iac.Resource
		for i, r := range results {
			if shown[i] {
				if len(r.res) > 0 {
					out = r.res
				}
				diags = append(diags, r.diags...)
			}
		}
		return out, diags, nil
	}
	out := make([]iac.Resource, 0, total)
	for i, r := range results {
		if !shown[i] {
			continue
		}
		out = append(out, r.res...)
		diags = append(diags, r.diags...)
	}
	return out, diags, nil
}

// params finds and reads the parameter file for a template: the explicit one, else
// "<name>.parameters.json" beside it, else "azuredeploy.parameters.json" when the
// template is alone in its directory.
func (s *Scanner) params(fsys fs.FS, tmpl string, alone bool) (map[string]*iac.Value, []iac.Diagnostic) {
	var candidates []string
	if p, ok := s.ParameterFiles[tmpl]; ok {
		candidates = []string{p}
	} else {
		dir, base := path.Dir(tmpl), path.Base(tmpl)
		stem := strings.TrimSuffix(base, path.Ext(base))
		candidates = []string{path.Join(dir, stem+".parameters.json")}
		if alone {
			candidates = append(candidates, path.Join(dir, "azuredeploy.parameters.json"), path.Join(dir, "parameters.json"))
		}
	}
	var params map[string]*iac.Value
	var diags []iac.Diagnostic
	for i, c := range candidates {
		if c == tmpl {
			continue
		}
		if _, err := fs.Stat(fsys, c); err != nil {
			if i == 0 && s.ParameterFiles[tmpl] != "" {
				diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("parameter file %s: %v", c, err), Loc: awaf.Location{File: tmpl, Line: 1, Column: 1}})
			}
			continue
		}
		data, d := readFile(fsys, c)
		if d != nil {
			diags = append(diags, *d)
			break
		}
		if Kind(data) != Parameters {
			continue
		}
		var pd []iac.Diagnostic
		params, pd = ReadParameters(c, data)
		diags = append(diags, pd...)
		break
	}
	if len(s.Parameters) > 0 {
		if params == nil {
			params = map[string]*iac.Value{}
		}
		for k, v := range s.Parameters {
			params[k] = v
		}
	}
	return params, diags
}

// ReadParameters reads a deploymentParameters file: {"parameters": {"x": {"value": ...}}}.
// Key Vault references become Unknown, since the secret is read at deployment.
func ReadParameters(file string, data []byte) (map[string]*iac.Value, []iac.Diagnostic) {
	root, err := iac.DecodeJSON(file, data)
	if err != nil {
		return nil, []iac.Diagnostic{iac.DiagnosticFromError(file, err)}
	}
	var diags []iac.Diagnostic
	bad := func(at awaf.Location, format string, args ...any) {
		diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf(format, args...), Loc: at})
	}
	ps := root.Field("parameters")
	if ps == nil || ps.Kind != iac.Object {
		bad(root.Loc, "parameter file: expected a \"parameters\" object")
		return nil, diags
	}
	out := map[string]*iac.Value{}
	for _, name := range ps.Keys {
		p := ps.Fields[name]
		switch {
		case p.Kind != iac.Object:
			bad(p.Loc, "parameter %q: expected an object with \"value\" or \"reference\", found %s", name, p.Kind)
		case p.Field("value") != nil:
			// azd fills "${NAME=default}" from its environment: unknown here.
			out[name] = iac.EnvPlaceholders(p.Field("value"))
		case p.Field("reference") != nil:
			out[name] = iac.NewUnknown(fmt.Sprintf("parameter '%s' is read from Key Vault at deployment", name), p.Loc)
		default:
			bad(p.Loc, "parameter %q: expected \"value\" or \"reference\"", name)
		}
	}
	return out, diags
}

// readHead reads the first bytes of a file, enough for Kind.
func readHead(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return buf[:n], nil
}

func readFile(fsys fs.FS, p string) ([]byte, *iac.Diagnostic) {
	at := awaf.Location{File: p, Line: 1, Column: 1}
	if fi, err := fs.Stat(fsys, p); err == nil && fi.Size() > MaxFileSize {
		return nil, &iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("file is %d bytes, above the %d byte limit; not read", fi.Size(), MaxFileSize), Loc: at}
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, &iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("read: %v", err), Loc: at}
	}
	return data, nil
}
