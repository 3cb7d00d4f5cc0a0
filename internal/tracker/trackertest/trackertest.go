// Package trackertest runs local stand-ins for the part of each tracker's REST API that
// package tracker uses, following the request and reply shapes their documentation
// gives: Azure DevOps Boards (work items with JSON Patch, api-version 7.1), GitHub
// Issues (REST 2022-11-28) and Jira (REST API 2). A fake checks what a real server
// would refuse (the auth header, content types, required fields) and can rate-limit
// (429 with Retry-After; GitHub's 403 secondary limit) or expire the token (401).
package trackertest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Kinds, as package tracker names them.
const (
	AzureDevOps = "ado"
	GitHub      = "github"
	Jira        = "jira"
)

// Fake is one tracker's API.
type Fake struct {
	kind  string
	srv   *httptest.Server
	token string
	user  string // Jira basic auth

	mu     sync.Mutex
	items  map[string]*Item
	next   int
	reqs   int
	limit  int  // answer this many next requests with a rate limit
	expire bool // answer every request with 401
}

// Item is a work item as the fake keeps it.
type Item struct {
	Title, Body, Priority string
	Labels                []string
	State                 string // ADO System.State / GitHub state / Jira status name
	Reason                string // GitHub state_reason
	Category              string // Jira status category key (new, indeterminate, done)
}

type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// New starts a fake of kind (ado, github or jira), closed when the test ends.
func New(t testing.TB, kind string) *Fake {
	f := &Fake{kind: kind, token: "tok-" + kind, user: "dev@contoso.example", items: map[string]*Item{}, next: 1}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// Kind is the tracker the fake stands for.
func (f *Fake) Kind() string { return f.kind }

// Client is an HTTP client for the fake.
func (f *Fake) Client() *http.Client { return f.srv.Client() }

// Token is the token the fake accepts; User the Jira account it goes with.
func (f *Fake) Token() string { return f.token }

// User is the Jira account e-mail; empty for the others.
func (f *Fake) User() string {
	if f.kind == Jira {
		return f.user
	}
	return ""
}

// BaseURL is what a connection names as the tracker's address.
func (f *Fake) BaseURL() string {
	if f.kind == AzureDevOps {
		return f.srv.URL + "/contoso"
	}
	return f.srv.URL
}

// Project is the project the fake serves.
func (f *Fake) Project() string {
	switch f.kind {
	case AzureDevOps:
		return "AI Platform"
	case GitHub:
		return "contoso/support-bot"
	}
	return "AIP"
}

// Item returns a work item by id, nil when there is none. Change it only between
// requests.
func (f *Fake) Item(id string) *Item {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.items[id]
}

// Len counts the work items.
func (f *Fake) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.items)
}

// Requests counts the requests served.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs
}

// RateLimit answers the next n requests with a rate limit.
func (f *Fake) RateLimit(n int) {
	f.mu.Lock()
	f.limit = n
	f.mu.Unlock()
}

// Expire makes the token expired (every request 401) or valid again.
func (f *Fake) Expire(on bool) {
	f.mu.Lock()
	f.expire = on
	f.mu.Unlock()
}

// SetState moves a work item in the tracker: state is the tracker's own name; detail
// is GitHub's state_reason or Jira's status category.
func (f *Fake) SetState(id, state, detail string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := f.items[id]
	if it == nil {
		panic("trackertest: no work item " + id)
	}
	it.State, it.Reason, it.Category = state, "", ""
	switch f.kind {
	case GitHub:
		it.Reason = detail
	case Jira:
		it.Category = detail
	}
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs++
	if f.limit > 0 {
		f.limit--
		if f.kind == GitHub {
			// GitHub's secondary rate limit: 403 with the reset time, or 429.
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit."}`)
			return
		}
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if f.expire || !f.authorized(r) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Bad credentials"}`)
		return
	}
	switch f.kind {
	case AzureDevOps:
		f.serveADO(w, r)
	case GitHub:
		f.serveGitHub(w, r)
	case Jira:
		f.serveJira(w, r)
	}
}

func (f *Fake) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	switch f.kind {
	case AzureDevOps:
		return h == "Basic "+base64.StdEncoding.EncodeToString([]byte(":"+f.token))
	case GitHub:
		return h == "Bearer "+f.token && r.Header.Get("X-GitHub-Api-Version") == "2022-11-28"
	case Jira:
		return h == "Basic "+base64.StdEncoding.EncodeToString([]byte(f.user+":"+f.token))
	}
	return false
}

func (f *Fake) fail(w http.ResponseWriter, status int, format string, args ...any) {
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, fmt.Sprintf(format, args...))
}

func (f *Fake) serveADO(w http.ResponseWriter, r *http.Request) {
	const prefix = "/contoso/AI Platform/_apis/wit/workitems"
	if r.URL.Query().Get("api-version") != "7.1" {
		f.fail(w, 400, "api-version missing")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		f.fail(w, 404, "no such project")
		return
	}
	switch {
	case r.Method == http.MethodGet && rest == "":
		var value []any
		for _, id := range strings.Split(r.URL.Query().Get("ids"), ",") {
			it := f.items[id]
			if it == nil {
				if r.URL.Query().Get("errorPolicy") != "omit" {
					f.fail(w, 404, "work item %s does not exist", id)
					return
				}
				value = append(value, nil)
				continue
			}
			n, _ := strconv.Atoi(id)
			value = append(value, map[string]any{"id": n, "fields": map[string]any{"System.State": it.State}})
		}
		json.NewEncoder(w).Encode(map[string]any{"count": len(value), "value": value})
	case (r.Method == http.MethodPost && strings.HasPrefix(rest, "/$")) || r.Method == http.MethodPatch:
		if r.Header.Get("Content-Type") != "application/json-patch+json" {
			f.fail(w, 415, "want application/json-patch+json")
			return
		}
		var ops []patchOp
		if err := json.NewDecoder(r.Body).Decode(&ops); err != nil {
			f.fail(w, 400, "bad patch: %v", err)
			return
		}
		var id string
		it := &Item{State: "To Do"}
		if r.Method == http.MethodPatch {
			id = strings.TrimPrefix(rest, "/")
			if it = f.items[id]; it == nil {
				f.fail(w, 404, "work item %s does not exist", id)
				return
			}
		} else {
			id = strconv.Itoa(f.next)
			f.next++
		}
		for _, op := range ops {
			if op.Op != "add" && op.Op != "replace" {
				f.fail(w, 400, "op %s", op.Op)
				return
			}
			switch op.Path {
			case "/fields/System.Title":
				it.Title, _ = op.Value.(string)
			case "/fields/System.Description":
				it.Body, _ = op.Value.(string)
			case "/fields/System.Tags":
				s, _ := op.Value.(string)
				it.Labels = strings.Split(s, "; ")
			case "/fields/Microsoft.VSTS.Common.Priority":
				it.Priority = fmt.Sprint(op.Value)
			default:
				f.fail(w, 400, "unknown field %s", op.Path)
				return
			}
		}
		if it.Title == "" {
			f.fail(w, 400, "System.Title is required")
			return
		}
		f.items[id] = it
		n, _ := strconv.Atoi(id)
		json.NewEncoder(w).Encode(map[string]any{"id": n, "rev": 1, "fields": map[string]any{"System.Title": it.Title},
			"_links": map[string]any{"html": map[string]string{"href": f.srv.URL + "/contoso/AI%20Platform/_workitems/edit/" + id}}})
	default:
		f.fail(w, 405, "%s %s", r.Method, rest)
	}
}

func (f *Fake) serveGitHub(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/repos/contoso/support-bot/issues")
	if !ok {
		f.fail(w, 404, "Not Found")
		return
	}
	id := strings.TrimPrefix(rest, "/")
	reply := func(id string, it *Item) {
		n, _ := strconv.Atoi(id)
		json.NewEncoder(w).Encode(map[string]any{"number": n, "html_url": "https://github.com/contoso/support-bot/issues/" + id,
			"state": it.State, "state_reason": nullable(it.Reason), "title": it.Title})
	}
	switch r.Method {
	case http.MethodGet:
		it := f.items[id]
		if it == nil {
			f.fail(w, 404, "Not Found")
			return
		}
		reply(id, it)
	case http.MethodPost, http.MethodPatch:
		var in struct {
			Title  *string  `json:"title"`
			Body   *string  `json:"body"`
			Labels []string `json:"labels"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || r.Header.Get("Content-Type") != "application/json" {
			f.fail(w, 400, "Problems parsing JSON")
			return
		}
		it := &Item{State: "open"}
		if r.Method == http.MethodPatch {
			if it = f.items[id]; it == nil {
				f.fail(w, 404, "Not Found")
				return
			}
		} else {
			if in.Title == nil || *in.Title == "" {
				f.fail(w, 422, "title is required")
				return
			}
			id = strconv.Itoa(f.next)
			f.next++
			w.WriteHeader(http.StatusCreated)
		}
		if in.Title != nil {
			it.Title = *in.Title
		}
		if in.Body != nil {
			it.Body = *in.Body
		}
		if in.Labels != nil {
			it.Labels = in.Labels
		}
		f.items[id] = it
		reply(id, it)
	default:
		f.fail(w, 405, "method")
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (f *Fake) serveJira(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/rest/api/2/issue")
	if !ok {
		f.fail(w, 404, "not found")
		return
	}
	key := strings.TrimPrefix(rest, "/")
	type input struct {
		Fields map[string]any `json:"fields"`
	}
	switch r.Method {
	case http.MethodGet:
		it := f.items[key]
		if it == nil {
			w.WriteHeader(404)
			fmt.Fprint(w, `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"key": key, "fields": map[string]any{"status": map[string]any{
			"name": it.State, "statusCategory": map[string]string{"key": it.Category}}}})
	case http.MethodPost, http.MethodPut:
		var in input
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			f.fail(w, 400, "bad json")
			return
		}
		it := &Item{State: "To Do", Category: "new"}
		if r.Method == http.MethodPut {
			if it = f.items[key]; it == nil {
				f.fail(w, 404, "no issue")
				return
			}
		} else {
			p, _ := in.Fields["project"].(map[string]any)
			t, _ := in.Fields["issuetype"].(map[string]any)
			if p["key"] != "AIP" || t["name"] == nil || in.Fields["summary"] == nil {
				w.WriteHeader(400)
				fmt.Fprint(w, `{"errorMessages":[],"errors":{"project":"project is required"}}`)
				return
			}
			key = fmt.Sprintf("AIP-%d", f.next)
			f.next++
		}
		if s, ok := in.Fields["summary"].(string); ok {
			it.Title = s
		}
		if s, ok := in.Fields["description"].(string); ok {
			it.Body = s
		}
		if p, ok := in.Fields["priority"].(map[string]any); ok {
			it.Priority, _ = p["name"].(string)
		}
		if ls, ok := in.Fields["labels"].([]any); ok {
			it.Labels = nil
			for _, l := range ls {
				it.Labels = append(it.Labels, fmt.Sprint(l))
			}
		}
		f.items[key] = it
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{"id": "10001", "key": key, "self": f.srv.URL + "/rest/api/2/issue/10001"})
	default:
		f.fail(w, 405, "method")
	}
}
