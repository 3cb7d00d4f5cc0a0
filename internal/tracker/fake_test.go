package tracker

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

// fake is a local stand-in for the part of each tracker's REST API that the package
// uses, following the request and reply shapes their documentation gives: Azure DevOps
// Boards (work items with JSON Patch, api-version 7.1), GitHub Issues (REST
// 2022-11-28) and Jira (REST API 2). It checks what a real server would refuse (the
// auth header, content types, required fields) and can rate-limit or expire the token.
type fake struct {
	t      *testing.T
	kind   Kind
	srv    *httptest.Server
	token  string
	user   string // Jira basic auth
	mu     sync.Mutex
	items  map[string]*fakeItem
	next   int
	reqs   int
	limit  int  // answer this many next requests with a rate limit
	expire bool // answer every request with 401
}

type fakeItem struct {
	title, body, priority string
	labels                []string
	state                 string // ADO System.State / GitHub state / Jira status name
	reason                string // GitHub state_reason
	category              string // Jira status category
}

func newFake(t *testing.T, kind Kind) *fake {
	f := &fake{t: t, kind: kind, token: "tok-" + string(kind), user: "dev@contoso.example", items: map[string]*fakeItem{}, next: 1}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) config() Config {
	c := Config{Kind: f.kind, BaseURL: f.srv.URL, Token: f.token}
	switch f.kind {
	case AzureDevOps:
		c.BaseURL += "/contoso"
		c.Project = "AI Platform"
	case GitHub:
		c.Project = "contoso/support-bot"
	case Jira:
		c.Project, c.User = "AIP", f.user
	}
	return c
}

func (f *fake) item(id string) *fakeItem {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.items[id]
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
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

func (f *fake) authorized(r *http.Request) bool {
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

func (f *fake) fail(w http.ResponseWriter, status int, format string, args ...any) {
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, fmt.Sprintf(format, args...))
}

func (f *fake) serveADO(w http.ResponseWriter, r *http.Request) {
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
			value = append(value, map[string]any{"id": n, "fields": map[string]any{"System.State": it.state}})
		}
		json.NewEncoder(w).Encode(map[string]any{"count": len(value), "value": value})
	case (r.Method == http.MethodPost && strings.HasPrefix(rest, "/$")) || r.Method == http.MethodPatch:
		if r.Header.Get("Content-Type") != "application/json-patch+json" {
			f.fail(w, 415, "want application/json-patch+json")
			return
		}
		var ops []adoPatch
		if err := json.NewDecoder(r.Body).Decode(&ops); err != nil {
			f.fail(w, 400, "bad patch: %v", err)
			return
		}
		var id string
		it := &fakeItem{state: "To Do"}
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
				it.title, _ = op.Value.(string)
			case "/fields/System.Description":
				it.body, _ = op.Value.(string)
			case "/fields/System.Tags":
				s, _ := op.Value.(string)
				it.labels = strings.Split(s, "; ")
			case "/fields/Microsoft.VSTS.Common.Priority":
				it.priority = fmt.Sprint(op.Value)
			default:
				f.fail(w, 400, "unknown field %s", op.Path)
				return
			}
		}
		if it.title == "" {
			f.fail(w, 400, "System.Title is required")
			return
		}
		f.items[id] = it
		n, _ := strconv.Atoi(id)
		json.NewEncoder(w).Encode(map[string]any{"id": n, "rev": 1, "fields": map[string]any{"System.Title": it.title},
			"_links": map[string]any{"html": map[string]string{"href": f.srv.URL + "/contoso/AI%20Platform/_workitems/edit/" + id}}})
	default:
		f.fail(w, 405, "%s %s", r.Method, rest)
	}
}

func (f *fake) serveGitHub(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/repos/contoso/support-bot/issues")
	if !ok {
		f.fail(w, 404, "Not Found")
		return
	}
	id := strings.TrimPrefix(rest, "/")
	reply := func(id string, it *fakeItem) {
		n, _ := strconv.Atoi(id)
		json.NewEncoder(w).Encode(map[string]any{"number": n, "html_url": "https://github.com/contoso/support-bot/issues/" + id,
			"state": it.state, "state_reason": nullable(it.reason), "title": it.title})
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
		it := &fakeItem{state: "open"}
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
			it.title = *in.Title
		}
		if in.Body != nil {
			it.body = *in.Body
		}
		if in.Labels != nil {
			it.labels = in.Labels
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

func (f *fake) serveJira(w http.ResponseWriter, r *http.Request) {
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
			"name": it.state, "statusCategory": map[string]string{"key": it.category}}}})
	case http.MethodPost, http.MethodPut:
		var in input
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			f.fail(w, 400, "bad json")
			return
		}
		it := &fakeItem{state: "To Do", category: "new"}
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
			it.title = s
		}
		if s, ok := in.Fields["description"].(string); ok {
			it.body = s
		}
		if p, ok := in.Fields["priority"].(map[string]any); ok {
			it.priority, _ = p["name"].(string)
		}
		if ls, ok := in.Fields["labels"].([]any); ok {
			it.labels = nil
			for _, l := range ls {
				it.labels = append(it.labels, fmt.Sprint(l))
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
