package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/storetest"
)

// TestTokensFollowTheirCreator: an API token works only while the person who made it
// is enabled and holds at least the token's role on its workload. Demoting or
// removing the person revokes the tokens the new role no longer covers; disabling
// the account suspends them until it is enabled again.
func TestTokensFollowTheirCreator(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := storetest.ActorOf(f.users["owner"])
	lead := f.users["contributor"]
	must(t, f.store.Grant(ctx, owner, f.w.ID, lead.ID, awaf.RoleOwner))
	for _, r := range []awaf.Role{awaf.RoleOwner, awaf.RoleContributor} {
		secret, _, err := f.auth.NewToken(ctx, storetest.ActorOf(lead), f.w.ID, "lead-"+string(r), r, 0)
		must(t, err)
		f.tokens["lead-"+string(r)] = secret
	}
	read := fmt.Sprintf("/api/v1/workloads/%d", f.w.ID)
	status := func(as string) int {
		t.Helper()
		r := f.do(call{method: "GET", path: read, as: as})
		r.Body.Close()
		return r.StatusCode
	}
	expect := func(step string, want map[string]int) {
		t.Helper()
		for as, code := range want {
			if got := status(as); got != code {
				t.Errorf("%s: %s = %d, want %d", step, as, got, code)
			}
		}
	}
	expect("made", map[string]int{"token:lead-owner": 200, "token:lead-contributor": 200})

	// Demoted to contributor: the owner token goes, the contributor token stays.
	must(t, f.store.Grant(ctx, owner, f.w.ID, lead.ID, awaf.RoleContributor))
	expect("demoted", map[string]int{"token:lead-owner": 401, "token:lead-contributor": 200})

	// Disabled: every token of the person stops; enabled again, they work again.
	admin := storetest.ActorOf(f.users["admin"])
	must(t, f.store.SetDisabled(ctx, admin, lead.ID, true))
	expect("disabled", map[string]int{"token:lead-contributor": 401})
	page := f.do(call{method: "GET", path: fmt.Sprintf("/w/%d/access", f.w.ID), as: "owner"})
	if body := readBody(t, page); !strings.Contains(body, "suspended") {
		t.Errorf("the access page does not show the suspended token:\n%s", body)
	}
	must(t, f.store.SetDisabled(ctx, admin, lead.ID, false))
	expect("enabled", map[string]int{"token:lead-contributor": 200})

	// Removed: the token is revoked and cannot grant its maker back.
	must(t, f.store.Grant(ctx, owner, f.w.ID, lead.ID, awaf.RoleOwner))
	secret, _, err := f.auth.NewToken(ctx, storetest.ActorOf(lead), f.w.ID, "lead-again", awaf.RoleOwner, 0)
	must(t, err)
	f.tokens["lead-again"] = secret
	must(t, f.store.Revoke(ctx, owner, f.w.ID, lead.ID))
	expect("removed", map[string]int{"token:lead-again": 401, "token:lead-contributor": 401})
	r := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/access", f.w.ID), as: "token:lead-again",
		json: fmt.Sprintf(`{"email": %q, "role": "owner"}`, lead.Email)})
	r.Body.Close()
	if _, err := f.store.Role(ctx, f.w.ID, lead.ID); r.StatusCode != http.StatusUnauthorized || awaf.ErrorCode(err) != awaf.ENOTFOUND {
		t.Fatalf("a removed person's token granting them back = %d, role error %v", r.StatusCode, err)
	}

	// The audit log tells which tokens went with the person's access.
	es, err := f.store.AuditEvents(ctx, awaf.AuditFilter{WorkloadID: f.w.ID})
	must(t, err)
	revoked := 0
	for _, e := range es {
		if e.Action == awaf.AuditTokenRevoke && e.Actor.UserID == f.users["owner"].ID {
			revoked++
		}
	}
	if revoked != 3 { // lead-owner on demotion; lead-contributor and lead-again on removal
		t.Errorf("audit has %d token revocations by the owner, want 3", revoked)
	}
}
