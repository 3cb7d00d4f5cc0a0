package awaf

import (
	"context"
	"time"
)

// TrackerConnection links a workload to a team's tracker (Azure DevOps Boards, GitHub
// Issues or Jira). Its token is kept sealed (encrypted with the server's key) and is
// never serialized or shown again.
type TrackerConnection struct {
	ID         int64  `json:"id"`
	WorkloadID int64  `json:"workloadId"`
	Kind       string `json:"kind"` // ado, github or jira
	BaseURL    string `json:"baseUrl"`
	Project    string `json:"project"`
	// WorkItemType is the Azure DevOps work item type or Jira issue type.
	WorkItemType string `json:"workItemType,omitempty"`
	// User is the Jira Cloud account e-mail the token belongs to.
	User        string    `json:"user,omitempty"`
	SealedToken string    `json:"-"`
	CreatedBy   string    `json:"createdBy"`
	Created     time.Time `json:"created"`
}

// WorkItemLink is the work item a plan item was pushed to, and what both sides said at
// the last pull (empty before the first).
type WorkItemLink struct {
	WorkloadID   int64  `json:"workloadId"`
	Question     string `json:"question"`
	Choice       string `json:"choice"`
	ConnectionID int64  `json:"connectionId"`
	ItemID       string `json:"itemId"`
	URL          string `json:"url"`
	// SyncedState is the tracker state at the last pull (todo, in_progress, done,
	// dropped) and SyncedStatus the plan status awaf held then.
	SyncedState  string     `json:"syncedState,omitempty"`
	SyncedStatus PlanStatus `json:"syncedStatus,omitempty"`
	// Conflict explains why the last pull changed nothing although the tracker moved.
	Conflict string    `json:"conflict,omitempty"`
	Pushed   time.Time `json:"pushed"`
	Synced   time.Time `json:"synced,omitzero"`
}

// Tracker audit actions.
const (
	AuditTrackerConnect    = "tracker.connect"
	AuditTrackerDisconnect = "tracker.disconnect"
	AuditTrackerPush       = "tracker.push"
	AuditTrackerPull       = "tracker.pull"
)

// TrackerStore keeps tracker connections and the work items plan items were pushed to.
type TrackerStore interface {
	CreateConnection(ctx context.Context, by Actor, c *TrackerConnection) error
	Connection(ctx context.Context, workloadID, id int64) (*TrackerConnection, error)
	// Connections lists a workload's connections, or every connection when workloadID
	// is zero (the scheduled pull).
	Connections(ctx context.Context, workloadID int64) ([]TrackerConnection, error)
	// DeleteConnection removes a connection and the links made through it.
	DeleteConnection(ctx context.Context, by Actor, workloadID, id int64) error
	// PutWorkItemLink records or replaces the link of a plan item. action names the
	// audit event (AuditTrackerPush or AuditTrackerPull).
	PutWorkItemLink(ctx context.Context, by Actor, action string, l WorkItemLink) error
	WorkItemLinks(ctx context.Context, workloadID int64) ([]WorkItemLink, error)
}
