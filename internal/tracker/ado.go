package tracker

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/awaf/awaf/internal/backlog"
)

// ado is Azure DevOps Boards: work items are created and updated with JSON Patch
// documents (api-version 7.1), read in batches of up to 200 ids.
type ado struct {
	cfg Config
	c   *caller
}

const adoAPI = "api-version=7.1"

func (a *ado) header() http.Header {
	// A personal access token goes as the password of basic authentication.
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(":"+a.cfg.Token))}}
}

func (a *ado) project() string { return a.cfg.BaseURL + "/" + url.PathEscape(a.cfg.Project) }

type adoPatch struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

type adoItem struct {
	ID     int            `json:"id"`
	Fields map[string]any `json:"fields"`
	Links  struct {
		HTML struct {
			Href string `json:"href"`
		} `json:"html"`
	} `json:"_links"`
}

func (a *ado) Push(ctx context.Context, it backlog.Item, ref *Ref) (Ref, error) {
	ops := []adoPatch{
		{"add", "/fields/System.Title", backlog.Title(it)},
		{"add", "/fields/System.Description", backlog.HTMLBody(it)},
		{"add", "/fields/System.Tags", strings.Join(backlog.Labels(it), "; ")},
		{"add", "/fields/Microsoft.VSTS.Common.Priority", backlog.ADOPriority(it.Priority)},
	}
	var out adoItem
	var u, method string
	if ref != nil && ref.ID != "" {
		if _, err := strconv.Atoi(ref.ID); err != nil {
			return Ref{}, fmt.Errorf("azure devops: work item id %q is not a number", ref.ID)
		}
		method, u = http.MethodPatch, a.project()+"/_apis/wit/workitems/"+ref.ID+"?"+adoAPI
	} else {
		method, u = http.MethodPost, a.project()+"/_apis/wit/workitems/$"+url.PathEscape(a.cfg.WorkItemType)+"?"+adoAPI
	}
	err := a.c.do(ctx, request{method: method, url: u, contentType: "application/json-patch+json", body: ops, header: a.header()}, &out)
	if err != nil {
		return Ref{}, fmt.Errorf("azure devops: %w", err)
	}
	return Ref{Kind: AzureDevOps, ID: strconv.Itoa(out.ID), URL: out.Links.HTML.Href}, nil
}

func (a *ado) States(ctx context.Context, refs []Ref) (map[string]Status, error) {
	out := map[string]Status{}
	for start := 0; start < len(refs); start += 200 {
		var ids []string
		for _, r := range refs[start:min(start+200, len(refs))] {
			ids = append(ids, r.ID)
		}
		u := a.project() + "/_apis/wit/workitems?ids=" + url.QueryEscape(strings.Join(ids, ",")) +
			"&fields=System.State&errorPolicy=omit&" + adoAPI
		var reply struct {
			Value []*adoItem `json:"value"`
		}
		if err := a.c.do(ctx, request{method: http.MethodGet, url: u, header: a.header()}, &reply); err != nil {
			return nil, fmt.Errorf("azure devops: %w", err)
		}
		for _, w := range reply.Value {
			if w == nil {
				continue // omitted: deleted, or no longer visible
			}
			name, _ := w.Fields["System.State"].(string)
			out[strconv.Itoa(w.ID)] = Status{State: adoState(name), Name: name}
		}
	}
	return out, nil
}

// adoState maps the states of Azure Boards' process templates (Basic, Agile, Scrum,
// CMMI) to the plan's; a custom state name falls back to Todo.
func adoState(name string) State {
	switch strings.ToLower(name) {
	case "done", "closed", "resolved", "completed":
		return Done
	case "removed", "cut":
		return Dropped
	case "doing", "active", "committed", "in progress", "approved":
		return Doing
	}
	return Todo
}
