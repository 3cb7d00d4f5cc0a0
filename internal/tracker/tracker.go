// Package tracker keeps plan items and the work items of a team's tracker in step:
// Azure DevOps Boards, GitHub Issues and Jira, through their REST APIs. Push creates a
// work item for a plan item, or updates the one it already has, so pushing twice never
// duplicates; States reads back where the work items are, for the plan's status.
//
// The package talks HTTP and nothing else: storing connections and references, and
// deciding what a state change does to the plan, belong to the caller (see Reconcile).
package tracker

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awaf/awaf/internal/backlog"
)

// Kind names a tracker.
type Kind string

// Trackers.
const (
	AzureDevOps Kind = "ado"
	GitHub      Kind = "github"
	Jira        Kind = "jira"
)

// Ref is the work item a plan item was pushed to.
type Ref struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`  // ADO and GitHub: the number; Jira: the issue key
	URL  string `json:"url"` // the page people open
}

// State is where a work item stands, in the plan's terms.
type State string

// States.
const (
	Todo  State = "todo"
	Doing State = "in_progress"
	Done  State = "done"
	// Dropped is a work item closed without doing it (GitHub's "not planned", Azure
	// DevOps' Removed, Jira's resolution Won't Do is still Done: Jira has no category).
	Dropped State = "dropped"
)

// Status is a work item's state with the tracker's own name for it, shown to people.
type Status struct {
	State State
	Name  string // "Active", "closed (not_planned)", "In Review"
}

// Client is one connection to one project or repository.
type Client interface {
	// Push creates a work item for it, or updates the one ref points to.
	Push(ctx context.Context, it backlog.Item, ref *Ref) (Ref, error)
	// States reads the status of work items, by Ref.ID.
	States(ctx context.Context, refs []Ref) (map[string]Status, error)
}

// ErrAuth means the tracker refused the credentials: the token expired, was revoked or
// lacks the scope. People must reconnect; retrying cannot help.
var ErrAuth = errors.New("the tracker refused the token (expired, revoked or missing a scope): reconnect with a new one")

// ErrNotFound means a referenced work item no longer exists (deleted or moved).
var ErrNotFound = errors.New("work item not found")

// Config is what a connection needs. Token is the secret; the caller keeps it sealed
// at rest and hands it over only to make calls.
type Config struct {
	Kind Kind
	// BaseURL: Azure DevOps https://dev.azure.com/{organization}, GitHub
	// https://api.github.com (or an Enterprise server's /api/v3), Jira the site root.
	BaseURL string
	// Project: Azure DevOps project name, GitHub "owner/repo", Jira project key.
	Project string
	// WorkItemType: Azure DevOps (default "Issue" in Basic, "User Story" in Agile...)
	// and Jira (default "Task") issue type.
	WorkItemType string
	// User is the account e-mail for Jira Cloud's basic authentication; empty sends
	// Token as a bearer token (Jira Data Center personal access tokens).
	User  string
	Token string
}

// New returns the client of a connection.
func New(cfg Config, hc HTTPDoer) (Client, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("tracker: no token")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("tracker: base URL %q: want an https address", cfg.BaseURL)
	}
	cfg.BaseURL = base
	c := newCaller(hc)
	switch cfg.Kind {
	case AzureDevOps:
		if cfg.Project == "" {
			return nil, errors.New("tracker: Azure DevOps needs a project")
		}
		if cfg.WorkItemType == "" {
			cfg.WorkItemType = "Issue"
		}
		return &ado{cfg: cfg, c: c}, nil
	case GitHub:
		if owner, repo, ok := strings.Cut(cfg.Project, "/"); !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
			return nil, fmt.Errorf("tracker: GitHub project %q: want owner/repo", cfg.Project)
		}
		return &github{cfg: cfg, c: c}, nil
	case Jira:
		if cfg.Project == "" {
			return nil, errors.New("tracker: Jira needs a project key")
		}
		if cfg.WorkItemType == "" {
			cfg.WorkItemType = "Task"
		}
		return &jira{cfg: cfg, c: c}, nil
	}
	return nil, fmt.Errorf("tracker: unknown kind %q (want ado, github or jira)", cfg.Kind)
}
