package tracker

import (
	"testing"

	"github.com/awaf/awaf/internal/tracker/trackertest"
)

// fake is a tracker's API run locally (see trackertest), with the connection that
// reaches it.
type fake struct{ *trackertest.Fake }

func newFake(t *testing.T, kind Kind) *fake { return &fake{trackertest.New(t, string(kind))} }

func (f *fake) config() Config {
	return Config{Kind: Kind(f.Kind()), BaseURL: f.BaseURL(), Project: f.Project(), User: f.User(), Token: f.Token()}
}
