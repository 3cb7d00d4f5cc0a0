package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

var alertRE = regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`)

// TestGrantDoesNotRevealAccounts has a signed-in person grant access on a workload
// of their own to an email with an account and to one without: the answers must be
// the same, and the attempt on the unknown one audited.
func TestGrantDoesNotRevealAccounts(t *testing.T) {
	f := newFixture(t)
	wid := f.other.ID // the outsider owns it
	for _, api := range []bool{false, true} {
		type answer struct {
			status   int
			location string
			errMsg   string
		}
		ask := func(email, role string) answer {
			var res *http.Response
			if api {
				res = f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/access", wid), as: "outsider",
					json: fmt.Sprintf(`{"email":%q,"role":%q}`, email, role)})
			} else {
				res = f.do(call{method: "POST", path: fmt.Sprintf("/w/%d/access", wid), as: "outsider",
					form: url.Values{"email": {email}, "role": {role}}})
			}
			a := answer{status: res.StatusCode, location: res.Header.Get("Location")}
			if res.StatusCode >= 400 {
				a.errMsg = readBody(t, res)
				if api {
					var e struct{ Error struct{ Message string } }
					json.Unmarshal([]byte(a.errMsg), &e)
					a.errMsg = e.Error.Message
				} else if m := alertRE.FindStringSubmatch(a.errMsg); m != nil {
					a.errMsg = m[1]
				}
			}
			return a
		}
		for _, role := range []string{"reader", "no-such-role"} {
			known := ask("victim@example.com", role)
			unknown := ask(fmt.Sprintf("nobody-%v@example.com", api), role)
			if known.status != unknown.status || known.location != unknown.location || known.errMsg != unknown.errMsg {
				t.Errorf("api=%v role %s: known email %+v, unknown email %+v: they differ", api, role, known, unknown)
			}
			if role == "reader" && known.status >= 400 {
				t.Errorf("api=%v: grant = %d", api, known.status)
			}
		}
	}
	evs, err := f.store.AuditEvents(context.Background(), awaf.AuditFilter{WorkloadID: wid})
	must(t, err)
	n := 0
	for _, e := range evs {
		if strings.HasPrefix(e.Target, "nobody-") && e.Actor.UserID == f.users["outsider"].ID {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d audit events for grants to unknown emails, want 2 (form and API)", n)
	}
}
