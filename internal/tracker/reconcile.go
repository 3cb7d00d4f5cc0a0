package tracker

import (
	"fmt"

	"github.com/awaf/awaf"
)

// Synced is what both sides said at the last pull of one plan item: the work item's
// state and the plan status awaf then held. Comparing a new pull with it tells who
// moved since.
type Synced struct {
	State  State           `json:"state"`
	Status awaf.PlanStatus `json:"status"`
}

// Decision is what a pull does to one plan item.
type Decision struct {
	// Status is the plan status to store when Apply is set.
	Status awaf.PlanStatus
	Apply  bool
	// Conflict explains why nothing was applied although the tracker moved: awaf moved
	// too, to somewhere else, and a person has to choose.
	Conflict string
}

// planStatus is the plan status a tracker state means; Dropped has none: a work item
// closed as not planned is a decision people make in awaf (accept the risk, or reopen).
func planStatus(s State) (awaf.PlanStatus, bool) {
	switch s {
	case Todo:
		return awaf.PlanOpen, true
	case Doing:
		return awaf.PlanInProgress, true
	case Done:
		return awaf.PlanDone, true
	}
	return "", false
}

// Reconcile decides a pull: the tracker's news is applied only when awaf has not moved
// since the last pull (or there was none); when both moved to different places, the
// conflict is reported and nothing is overwritten.
func Reconcile(current awaf.PlanStatus, now Status, last *Synced) Decision {
	want, ok := planStatus(now.State)
	trackerMoved := last == nil || last.State != now.State
	awafMoved := last != nil && last.Status != current
	switch {
	case !trackerMoved:
		return Decision{}
	case !ok:
		if current == awaf.PlanAcceptedRisk {
			return Decision{}
		}
		return Decision{Conflict: fmt.Sprintf("the work item was closed without doing it (%s); accept the risk or reopen it in awaf", now.Name)}
	case want == current:
		return Decision{}
	case awafMoved:
		return Decision{Conflict: fmt.Sprintf("the work item is now %s (%s) but the plan item was set to %s in awaf since the last sync", now.State, now.Name, current)}
	case last == nil && current != awaf.PlanOpen:
		// The first pull of an item someone already moved in awaf: their word stands.
		return Decision{Conflict: fmt.Sprintf("the work item is %s (%s) but the plan item is %s in awaf", now.State, now.Name, current)}
	}
	return Decision{Status: want, Apply: true}
}
