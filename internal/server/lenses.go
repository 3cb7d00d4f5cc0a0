package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
)

// The server knows two kinds of lenses: the built-in ones Config.Lens returns, and
// the versions site administrators upload, which live in the store. An uploaded
// version never changes, so each replica keeps what it parsed by id and version; which
// version is the latest is asked of the database every time, so a version uploaded on
// one replica is seen by the others at once.

// lensCache holds parsed uploaded lenses by id and version.
type lensCache struct {
	mu sync.Mutex
	m  map[awaf.LensRef]*awaf.Lens
}

func (c *lensCache) get(ref awaf.LensRef) *awaf.Lens {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[ref]
}

func (c *lensCache) put(l *awaf.Lens) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[awaf.LensRef]*awaf.Lens{}
	}
	c.m[lensRef(l)] = l
}

// builtin returns the built-in lens id, if the server has one.
func (s *Server) builtin(id string) (*awaf.Lens, bool) {
	l, err := s.cfg.Lens(id)
	return l, err == nil && l != nil
}

// builtinIDs lists the built-in lenses the server serves: the default first.
func (s *Server) builtinIDs() []string {
	ids := []string{s.cfg.DefaultLens}
	for _, id := range lens.BuiltinIDs() {
		if _, ok := s.builtin(id); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// parsed returns the uploaded lens sl (whose source may still be unread) parsed.
func (s *Server) parsed(ctx context.Context, sl *awaf.StoredLens) (*awaf.Lens, error) {
	ref := awaf.LensRef{ID: sl.ID, Version: sl.Version}
	if l := s.lenses.get(ref); l != nil {
		return l, nil
	}
	if len(sl.Source) == 0 {
		full, err := s.cfg.Store.Lens(ctx, sl.ID, sl.Version)
		if err != nil {
			return nil, err
		}
		sl = full
	}
	l, err := lens.Parse(sl.ID+"@"+sl.Version+".yaml", sl.Source)
	if err != nil {
		// It parsed when it was uploaded; a stricter parser since then is the
		// operator's problem, not the caller's.
		return nil, fmt.Errorf("parse uploaded lens %s %s: %w", sl.ID, sl.Version, err)
	}
	if l.ID != sl.ID || l.Version != sl.Version {
		return nil, fmt.Errorf("uploaded lens %s %s holds %s %s", sl.ID, sl.Version, l.ID, l.Version)
	}
	s.lenses.put(l)
	return l, nil
}

// latestLens returns the server's current lens of id: the built-in one, or the
// version uploaded last.
func (s *Server) latestLens(ctx context.Context, id string) (*awaf.Lens, error) {
	if id == "" {
		id = s.cfg.DefaultLens
	}
	if l, ok := s.builtin(id); ok {
		return l, nil
	}
	sl, err := s.cfg.Store.LatestLens(ctx, id)
	if awaf.ErrorCode(err) == awaf.ENOTFOUND {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "this server has no lens %q", id)
	} else if err != nil {
		return nil, err
	}
	return s.parsed(ctx, sl)
}

// lensFor returns the lens to evaluate ref on: the very version when the server has
// it (uploaded, or an earlier built-in version the binary holds), else the server's
// current lens of that id (answers given on another version are carried onto it).
func (s *Server) lensFor(ctx context.Context, ref awaf.LensRef) (*awaf.Lens, error) {
	if ref.ID == "" {
		ref.ID = s.cfg.DefaultLens
	}
	if l, ok := s.builtin(ref.ID); ok {
		if ref.Version != "" && ref.Version != l.Version && s.cfg.LensVersion != nil {
			if old, err := s.cfg.LensVersion(ref.ID, ref.Version); err == nil && old != nil {
				return old, nil
			}
		}
		return l, nil
	}
	if ref.Version != "" {
		if l := s.lenses.get(ref); l != nil {
			return l, nil
		}
		sl, err := s.cfg.Store.Lens(ctx, ref.ID, ref.Version)
		if err == nil {
			return s.parsed(ctx, sl)
		} else if awaf.ErrorCode(err) != awaf.ENOTFOUND {
			return nil, err
		}
	}
	return s.latestLens(ctx, ref.ID)
}

// exactLens returns ref's own version when the server has it, else nil: an upgrade
// diffs against it to tell new questions from unanswered ones.
func (s *Server) exactLens(ctx context.Context, ref awaf.LensRef) *awaf.Lens {
	l, err := s.lensFor(ctx, ref)
	if err != nil || l.Version != ref.Version {
		return nil
	}
	return l
}

// uploadLens parses data and stores it as a new version. A file with problems returns
// them all as awaf.Problems and stores nothing.
func (s *Server) uploadLens(ctx context.Context, q *request, name string, data []byte) (*awaf.StoredLens, error) {
	if int64(len(data)) > lens.MaxSize {
		return nil, awaf.Errorf(awaf.ETOOLARGE, "%s is larger than the %d-byte limit for a lens", name, lens.MaxSize)
	}
	l, err := lens.Parse(name, data)
	if err != nil {
		var ps awaf.Problems
		if errors.As(err, &ps) {
			return nil, ps
		}
		return nil, awaf.Errorf(awaf.EINVALID, "%s: %v", name, err)
	}
	if _, ok := s.builtin(l.ID); ok {
		return nil, awaf.Errorf(awaf.ECONFLICT, "%q is the id of a lens built into this server; give the uploaded lens its own id", l.ID)
	}
	if l.Version == "" {
		return nil, awaf.Problems{{Location: awaf.Location{File: name}, Message: "an uploaded lens needs a version, so that later versions can replace it"}}
	}
	sl := &awaf.StoredLens{ID: l.ID, Version: l.Version, Name: l.Name, Source: data}
	if err := s.cfg.Store.SaveLens(ctx, q.actor(), sl); err != nil {
		if awaf.ErrorCode(err) == awaf.ECONFLICT {
			return nil, awaf.Errorf(awaf.ECONFLICT, "lens %s version %s is already on this server; an uploaded version never changes, so raise the version and upload again", l.ID, l.Version)
		}
		return nil, err
	}
	s.lenses.put(l)
	return sl, nil
}

// lensRow is one lens version on the Lenses page and in GET /api/v1/lenses.
type lensRow struct {
	ID         string    `json:"id"`
	Version    string    `json:"version"`
	Name       string    `json:"name"`
	Builtin    bool      `json:"builtin"`
	Latest     bool      `json:"latest"` // the version new workloads and upgrades get
	UploadedBy string    `json:"uploadedBy,omitempty"`
	Uploaded   time.Time `json:"uploaded,omitzero"`
}

// lensRows lists the built-in lenses, then every uploaded version by id.
func (s *Server) lensRows(ctx context.Context) ([]lensRow, error) {
	var rows []lensRow
	for _, id := range s.builtinIDs() {
		l, ok := s.builtin(id)
		if !ok {
			continue
		}
		rows = append(rows, lensRow{ID: l.ID, Version: l.Version, Name: l.Name, Builtin: true, Latest: true})
		if s.cfg.LensVersion == nil {
			continue
		}
		// Earlier versions the binary holds: workloads on them are scored on them
		// until upgraded; new workloads get the latest.
		for _, v := range lens.BuiltinVersions(id) {
			if v == l.Version {
				continue
			}
			if old, err := s.cfg.LensVersion(id, v); err == nil && old != nil {
				rows = append(rows, lensRow{ID: id, Version: v, Name: old.Name, Builtin: true})
			}
		}
	}
	up, err := s.cfg.Store.Lenses(ctx)
	if err != nil {
		return nil, err
	}
	for i, sl := range up {
		last := i == len(up)-1 || up[i+1].ID != sl.ID // listed by id, then upload order
		rows = append(rows, lensRow{ID: sl.ID, Version: sl.Version, Name: sl.Name, Latest: last,
			UploadedBy: sl.UploadedBy, Uploaded: sl.Uploaded})
	}
	return rows, nil
}

// lensChoices are the lenses a new workload may use: the latest version of each.
func (s *Server) lensChoices(ctx context.Context) ([]lensRow, error) {
	rows, err := s.lensRows(ctx)
	if err != nil {
		return nil, err
	}
	var out []lensRow
	for _, r := range rows {
		if r.Latest {
			out = append(out, r)
		}
	}
	return out, nil
}

// Lenses page.

type lensesData struct {
	Lenses   []lensRow
	Problems awaf.Problems
	Max      int64
}

func (s *Server) lensesPage(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.showLenses(w, r, q, http.StatusOK, "", "", nil)
}

func (s *Server) showLenses(w http.ResponseWriter, r *http.Request, q *request, st int, flash, msg string, ps awaf.Problems) error {
	rows, err := s.lensRows(r.Context())
	if err != nil {
		return err
	}
	p := pageFor(q, "Lenses", "lenses")
	p.Data = lensesData{Lenses: rows, Problems: ps, Max: lens.MaxSize}
	p.Flash, p.Error = flash, msg
	return s.renderStatus(w, r, st, "lenses", p)
}

// uploadLensForm takes the lens file of the upload form.
func (s *Server) uploadLensForm(w http.ResponseWriter, r *http.Request, q *request) error {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
			return s.showLenses(w, r, q, http.StatusBadRequest, "", "Choose a lens YAML file to upload.", nil)
		}
		err = tooLarge(err, lens.MaxSize)
		return s.showLenses(w, r, q, status(awaf.ErrorCode(err)), "", awaf.ErrorMessage(err), nil)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, lens.MaxSize+1))
	if err != nil {
		err = tooLarge(err, lens.MaxSize)
		return s.showLenses(w, r, q, status(awaf.ErrorCode(err)), "", awaf.ErrorMessage(err), nil)
	}
	name := path.Base(strings.ReplaceAll(hdr.Filename, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "lens.yaml"
	}
	sl, err := s.uploadLens(r.Context(), q, name, data)
	if err != nil {
		var ps awaf.Problems
		if errors.As(err, &ps) {
			return s.showLenses(w, r, q, http.StatusBadRequest, "", fmt.Sprintf("%s was not uploaded: %d problem(s).", name, len(ps)), ps)
		}
		if c := awaf.ErrorCode(err); c == awaf.EINVALID || c == awaf.ECONFLICT || c == awaf.ETOOLARGE {
			return s.showLenses(w, r, q, status(c), "", awaf.ErrorMessage(err), nil)
		}
		return err
	}
	return s.showLenses(w, r, q, http.StatusOK, fmt.Sprintf("Uploaded %s version %s. New workloads may use it now.", sl.ID, sl.Version), "", nil)
}

// API.

func (s *Server) apiLenses(w http.ResponseWriter, r *http.Request, q *request) error {
	rows, err := s.lensRows(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"lenses": rows})
	return nil
}

// apiUploadLens takes the lens YAML as the request body.
func (s *Server) apiUploadLens(w http.ResponseWriter, r *http.Request, q *request) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, lens.MaxSize+1))
	if err != nil {
		return tooLarge(err, lens.MaxSize)
	}
	name := "lens.yaml"
	if n := path.Base(r.URL.Query().Get("name")); n != "." && n != "/" {
		name = n
	}
	sl, err := s.uploadLens(r.Context(), q, name, data)
	if err != nil {
		var ps awaf.Problems
		if errors.As(err, &ps) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
				"status": http.StatusBadRequest, "message": fmt.Sprintf("%s was not uploaded: %d problem(s)", name, len(ps)),
				"problems": problemsJSON(ps),
			}})
			return nil
		}
		return err
	}
	writeJSON(w, http.StatusCreated, sl)
	return nil
}

type problemJSON struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

func problemsJSON(ps awaf.Problems) []problemJSON {
	out := make([]problemJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, problemJSON{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message})
	}
	return out
}
