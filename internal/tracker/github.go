package tracker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/awaf/awaf/internal/backlog"
)

// github is GitHub Issues (REST API version 2022-11-28).
type github struct {
	cfg Config
	c   *caller
}

func (g *github) header() http.Header {
	return http.Header{
		"Authorization":        {"Bearer " + g.cfg.Token},
		"X-Github-Api-Version": {"2022-11-28"},
	}
}

func (g *github) repo() string {
	owner, repo, _ := strings.Cut(g.cfg.Project, "/")
	return g.cfg.BaseURL + "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(repo)
}

type githubIssue struct {
	Number      int    `json:"number"`
	HTMLURL     string `json:"html_url"`
	State       string `json:"state"`
	StateReason string `json:"state_reason"`
}

func (g *github) Push(ctx context.Context, it backlog.Item, ref *Ref) (Ref, error) {
	body := map[string]any{
		"title":  backlog.Title(it),
		"body":   backlog.MarkdownBody(it),
		"labels": backlog.Labels(it),
	}
	method, u := http.MethodPost, g.repo()+"/issues"
	if ref != nil && ref.ID != "" {
		if _, err := strconv.Atoi(ref.ID); err != nil {
			return Ref{}, fmt.Errorf("github: issue number %q is not a number", ref.ID)
		}
		method, u = http.MethodPatch, g.repo()+"/issues/"+ref.ID
	}
	var out githubIssue
	if err := g.c.do(ctx, request{method: method, url: u, contentType: "application/json", body: body, header: g.header()}, &out); err != nil {
		return Ref{}, fmt.Errorf("github: %w", err)
	}
	return Ref{Kind: GitHub, ID: strconv.Itoa(out.Number), URL: out.HTMLURL}, nil
}

func (g *github) States(ctx context.Context, refs []Ref) (map[string]Status, error) {
	out := map[string]Status{}
	for _, r := range refs {
		var is githubIssue
		err := g.c.do(ctx, request{method: http.MethodGet, url: g.repo() + "/issues/" + url.PathEscape(r.ID), header: g.header()}, &is)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, fmt.Errorf("github: %w", err)
		}
		out[r.ID] = githubState(is)
	}
	return out, nil
}

// githubState: an open issue is Todo (GitHub has no "in progress" of its own); a closed
// one is Done unless it was closed as not planned.
func githubState(is githubIssue) Status {
	if is.State != "closed" {
		return Status{State: Todo, Name: is.State}
	}
	name := "closed"
	if is.StateReason != "" {
		name += " (" + is.StateReason + ")"
	}
	if is.StateReason == "not_planned" {
		return Status{State: Dropped, Name: name}
	}
	return Status{State: Done, Name: name}
}
