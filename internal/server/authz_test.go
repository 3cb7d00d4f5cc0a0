package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/awaf/awaf"
)

// publicRoutes are the only routes anonymous callers may use.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /api/v1/openapi.json": true, "GET /static/": true, "GET /{$}": true,
	"GET /setup": true, "POST /setup": true, "GET /signin": true, "POST /signin": true,
	"GET /signin/oidc": true, "GET /auth/oidc/callback": true,
}

// TestEveryRouteRefusesAnonymous walks every registered route: anonymous calls are
// refused everywhere but sign-in, set-up, static files and health.
func TestEveryRouteRefusesAnonymous(t *testing.T) {
	f := newFixture(t)
	routes := f.srv.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, rt := range routes {
		t.Run(rt.Pattern, func(t *testing.T) {
			if rt.Access.IsPublic() != publicRoutes[rt.Pattern] {
				t.Fatalf("route is %s; public routes are only %v", rt.Access, publicRoutes)
			}
			if rt.Access.IsPublic() {
				return
			}
			method, path := f.fill(rt.Pattern)
			form, js := f.bodyFor(method, path)
			res := f.do(call{method: method, path: path, form: form, json: js})
			switch {
			case res.StatusCode == http.StatusUnauthorized:
			case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin"):
				if strings.HasPrefix(path, "/api/") {
					t.Fatalf("API redirects anonymous callers instead of answering 401")
				}
			default:
				t.Fatalf("anonymous %s %s = %d, want 401 or a redirect to sign-in", method, path, res.StatusCode)
			}
		})
	}
}

// TestRouteMatrix calls every route that needs a signed-in caller as every kind of
// caller and checks that access is granted exactly by the rules: members by role,
// outsiders see 404, tokens reach only their workload's API.
func TestRouteMatrix(t *testing.T) {
	callers := []string{"admin", "owner", "contributor", "reader", "outsider", "token:owner", "token:contributor", "token:reader", "token:other"}
	shared := newFixture(t)
	for _, rt := range shared.srv.Routes() {
		if rt.Access.IsPublic() {
			continue
		}
		for _, who := range callers {
			t.Run(rt.Pattern+"/"+who, func(t *testing.T) {
				f := shared
				method, path := f.fill(rt.Pattern)
				want := expect(rt.Access.String(), rt.Access.Role(), who, strings.HasPrefix(path, "/api/"))
				if method != http.MethodGet && want == allowed {
					// An allowed write must not change what later callers see; refused
					// writes change nothing, so they share the fixture.
					f = newFixture(t)
					method, path = f.fill(rt.Pattern)
					if strings.HasSuffix(path, "/lens/upgrade") {
						outdate(t, f) // so that an allowed upgrade runs instead of answering 409
					}
				}
				form, js := f.bodyFor(method, path)
				res := f.do(call{method: method, path: path, as: who, form: form, json: js})
				got := res.StatusCode
				switch want {
				case refused:
					if got != 401 && !(got == 303 && strings.HasPrefix(res.Header.Get("Location"), "/signin")) {
						t.Fatalf("%s %s as %s = %d, want 401 or a redirect to sign-in", method, path, who, got)
					}
				case allowed:
					if strings.HasSuffix(path, "/lens/upgrade") && got != http.StatusOK {
						t.Fatalf("%s %s as %s = %d, want the upgrade to run", method, path, who, got)
					}
					if got == 401 || got == 403 || got == 404 || got >= 500 {
						t.Fatalf("%s %s as %s = %d, want access: %s", method, path, who, got, readBody(t, res))
					}
				default:
					if got != int(want) {
						t.Fatalf("%s %s as %s = %d, want %d", method, path, who, got, want)
					}
				}
			})
		}
	}
}

type outcome int

const (
	allowed outcome = 0
	refused outcome = -1 // 401, or a redirect to sign-in for a browser page
)

func expect(access string, need awaf.Role, who string, api bool) outcome {
	role, isToken := strings.CutPrefix(who, "token:")
	if isToken && !api {
		return refused // bearer tokens are for the API only
	}
	switch {
	case access == "caller":
		return allowed
	case access == "monitor":
		if who != "admin" {
			return http.StatusForbidden
		}
		return allowed
	case access == "signed-in" || access == "admin":
		if isToken {
			return http.StatusForbidden
		}
		if access == "admin" && who != "admin" {
			return http.StatusForbidden
		}
		return allowed
	case strings.HasPrefix(access, "member:"):
		var has awaf.Role
		switch {
		case isToken && role == "other", who == "outsider":
			return http.StatusNotFound
		case isToken:
			has = awaf.Role(role)
		case who == "admin":
			has = awaf.RoleOwner
		default:
			has = awaf.Role(who)
		}
		if !has.Allows(need) {
			return http.StatusForbidden
		}
		return allowed
	}
	panic("unknown access " + access)
}
