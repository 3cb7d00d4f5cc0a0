package tracker

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"

	"github.com/awaf/awaf/internal/backlog"
)

// jira is Jira's REST API version 2, whose description field takes wiki markup (the
// same markup awaf's CSV export writes). Cloud and Data Center both serve it.
type jira struct {
	cfg Config
	c   *caller
}

var jiraKey = regexp.MustCompile(`^[A-Z][A-Z0-9_]*-[0-9]+$`)

func (j *jira) header() http.Header {
	if j.cfg.User != "" {
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(j.cfg.User+":"+j.cfg.Token))}}
	}
	return http.Header{"Authorization": {"Bearer " + j.cfg.Token}}
}

func (j *jira) Push(ctx context.Context, it backlog.Item, ref *Ref) (Ref, error) {
	fields := map[string]any{
		"summary":     backlog.Title(it),
		"description": backlog.JiraBody(it),
		"labels":      backlog.Labels(it),
		"priority":    map[string]string{"name": backlog.JiraPriority(it.Priority)},
	}
	if ref != nil && ref.ID != "" {
		if !jiraKey.MatchString(ref.ID) {
			return Ref{}, fmt.Errorf("jira: %q is not an issue key", ref.ID)
		}
		u := j.cfg.BaseURL + "/rest/api/2/issue/" + ref.ID
		if err := j.c.do(ctx, request{method: http.MethodPut, url: u, contentType: "application/json", body: map[string]any{"fields": fields}, header: j.header()}, nil); err != nil {
			return Ref{}, fmt.Errorf("jira: %w", err)
		}
		return Ref{Kind: Jira, ID: ref.ID, URL: j.browse(ref.ID)}, nil
	}
	fields["project"] = map[string]string{"key": j.cfg.Project}
	fields["issuetype"] = map[string]string{"name": j.cfg.WorkItemType}
	var out struct {
		Key string `json:"key"`
	}
	if err := j.c.do(ctx, request{method: http.MethodPost, url: j.cfg.BaseURL + "/rest/api/2/issue", contentType: "application/json", body: map[string]any{"fields": fields}, header: j.header()}, &out); err != nil {
		return Ref{}, fmt.Errorf("jira: %w", err)
	}
	if !jiraKey.MatchString(out.Key) {
		return Ref{}, fmt.Errorf("jira: the reply named no issue key (%q)", out.Key)
	}
	return Ref{Kind: Jira, ID: out.Key, URL: j.browse(out.Key)}, nil
}

func (j *jira) browse(key string) string { return j.cfg.BaseURL + "/browse/" + key }

func (j *jira) States(ctx context.Context, refs []Ref) (map[string]Status, error) {
	out := map[string]Status{}
	for _, r := range refs {
		if !jiraKey.MatchString(r.ID) {
			return nil, fmt.Errorf("jira: %q is not an issue key", r.ID)
		}
		var is struct {
			Fields struct {
				Status struct {
					Name     string `json:"name"`
					Category struct {
						Key string `json:"key"`
					} `json:"statusCategory"`
				} `json:"status"`
			} `json:"fields"`
		}
		err := j.c.do(ctx, request{method: http.MethodGet, url: j.cfg.BaseURL + "/rest/api/2/issue/" + r.ID + "?fields=" + url.QueryEscape("status"), header: j.header()}, &is)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, fmt.Errorf("jira: %w", err)
		}
		st := Status{Name: is.Fields.Status.Name}
		// Jira's three status categories: new (To Do), indeterminate (In Progress), done.
		switch is.Fields.Status.Category.Key {
		case "done":
			st.State = Done
		case "indeterminate":
			st.State = Doing
		default:
			st.State = Todo
		}
		out[r.ID] = st
	}
	return out, nil
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
