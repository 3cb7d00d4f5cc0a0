package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/awaf/awaf"
)

// page is what every template gets.
type page struct {
	Title    string
	User     *awaf.User
	CSRF     string
	Workload *awaf.WorkloadRecord
	Role     awaf.Role
	Tab      string
	Error    string
	Flash    string
	Data     any
}

// CanEdit reports whether the viewer may change answers, plan and milestones.
func (p *page) CanEdit() bool { return p.Role.Allows(awaf.RoleContributor) }

// CanManage reports whether the viewer may change who has access.
func (p *page) CanManage() bool { return p.Role.Allows(awaf.RoleOwner) }

var funcs = template.FuncMap{
	"score": func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"band":  func(b awaf.Band) string { return strings.ToLower(string(b)) },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"join":  func(xs []string) string { return strings.Join(xs, ", ") },
	"delta": func(v float64) string { return fmt.Sprintf("%+.1f", v) },
	"pct": func(n, of int) int {
		if of == 0 {
			return 0
		}
		return n * 100 / of
	},
}

// parseTemplates parses every page with the layout once, at start-up, so that a
// broken template stops the server from starting rather than failing a request.
func (s *Server) parseTemplates() error {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", name)
		if err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		s.pages[base] = t
	}
	return nil
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, p *page) error {
	return s.renderStatus(w, r, http.StatusOK, name, p)
}

// renderStatus renders into a buffer first so that a template error becomes a clean
// 500 instead of half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, st int, name string, p *page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.cfg.Log.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(st)
	_, err := w.Write(buf.Bytes())
	return err
}

// pageFor starts a page with what the guard learned.
func pageFor(q *request, title, tab string) *page {
	p := &page{Title: title, Tab: tab}
	if q != nil {
		p.User, p.CSRF, p.Workload, p.Role = q.user, q.csrf(), q.workload, q.role
	}
	return p
}
