// Package server is the team server: a web UI rendered on the server with
// html/template and a JSON API under /api/v1, both on one awaf.Store. Every route is
// registered in routes() with the access it needs, and one wrapper enforces it, so a
// route cannot be added without saying who may call it.
package server

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/tracker"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

//go:embed openapi.json
var openAPI []byte

// Config is what the server runs on.
type Config struct {
	Store awaf.Store
	Auth  *auth.Auth
	// Lens returns a lens by id; new workloads use DefaultLens.
	Lens func(id string) (*awaf.Lens, error)
	// LensVersion, when set, returns an earlier version of a built-in lens
	// (lens.BuiltinVersion): workloads assessed on it are scored on it, shown as
	// outdated, and upgraded from it with the new version's mapping.
	LensVersion func(id, version string) (*awaf.Lens, error)
	DefaultLens string
	Log         *slog.Logger
	Now         func() time.Time
	// SecureCookies marks cookies Secure even when TLS ends in front of the server.
	SecureCookies bool
	// MaxBody limits request bodies; zero means 1 MiB.
	MaxBody int64
	// MaxEvidence limits evidence uploads (a scan report of a large repository is
	// bigger than other requests); zero means 16 MiB.
	MaxEvidence int64
	// MetricsToken, when set, lets a scraper read /metrics with it as a bearer token;
	// site administrators may read it signed in. The server keeps only its hash.
	MetricsToken string
	// SSO, when set, offers sign-in with the company identity (OpenID Connect);
	// NoLocalSignIn then turns password sign-in and set-up off.
	SSO           SSO
	NoLocalSignIn bool
	// Sealer encrypts tracker tokens at rest; without it backlog sync is refused.
	Sealer *auth.Sealer
	// TrackerHTTP sends requests to trackers; nil means a default client.
	TrackerHTTP tracker.HTTPDoer
	// SyncAllowPrivate lets tracker base URLs point at private, loopback and
	// link-local addresses (a tracker inside the company network); off, they are
	// refused when connecting and at every call.
	SyncAllowPrivate bool
	// Limits bound the requests in flight per class of route (shed.go); zero values
	// take defaults scaled to GOMAXPROCS.
	Limits Limits
}

// Server serves the UI and the API.
type Server struct {
	cfg     Config
	pages   map[string]*template.Template
	routes  []Route
	mux     *http.ServeMux
	metrics *metrics
	lenses  lensCache // uploaded lenses, parsed
	// portfolio caches evaluated workloads and milestones (portfolio.go).
	portfolio portfolioCache
	// publicClient calls trackers, connecting only to public addresses.
	publicClient *http.Client
	// metricsHash is the hash of Config.MetricsToken, "" when none was set.
	metricsHash string
	gates       map[routeClass]*gate // load shedding per class of route
}

// Route is one registered pattern and who may call it.
type Route struct {
	Pattern string
	Access  Access
}

// New checks the configuration, parses every template and registers every route.
func New(cfg Config) (*Server, error) {
	if cfg.MetricsToken != "" && len(cfg.MetricsToken) < 16 {
		return nil, fmt.Errorf("server: the metrics token must be at least 16 characters")
	}
	if cfg.Store == nil || cfg.Auth == nil || cfg.Lens == nil {
		return nil, fmt.Errorf("server: Store, Auth and Lens are required")
	}
	if cfg.NoLocalSignIn && cfg.SSO == nil {
		return nil, fmt.Errorf("server: local accounts can only be turned off when OpenID Connect sign-in is set up")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxEvidence == 0 {
		cfg.MaxEvidence = 16 << 20
	}
	if _, err := cfg.Lens(cfg.DefaultLens); err != nil {
		return nil, fmt.Errorf("server: default lens: %w", err)
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), metrics: newMetrics(), publicClient: tracker.PublicClient()}
	if cfg.MetricsToken != "" {
		s.metricsHash = auth.HashSecret(cfg.MetricsToken)
		s.cfg.MetricsToken = "" // only the hash is kept
	}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.newGates()
	s.register()
	return s, nil
}

// Routes lists every registered route; tests walk it.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Handler returns the server's http.Handler with its outer middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	return s.recoverPanics(s.securityHeaders(s.limitBody(cop.Handler(s.mux))))
}

// register holds every route of the server.
func (s *Server) register() {
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // embedded above
	}
	files := http.FileServerFS(static)

	// Operations and static files.
	s.handle("GET /healthz", Public, s.healthz)
	s.handle("GET /readyz", Public, s.readyz)
	s.handle("GET /metrics", Monitor, s.serveMetrics)
	s.handle("GET /static/", Public, func(w http.ResponseWriter, r *http.Request, _ *request) error {
		if strings.HasSuffix(r.URL.Path, "/") {
			return awaf.Errorf(awaf.ENOTFOUND, "not found") // no directory listings
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.StripPrefix("/static/", files).ServeHTTP(w, r)
		return nil
	})

	// Signing in.
	s.handle("GET /{$}", Public, s.home)
	s.handle("GET /setup", Public, s.setupPage)
	s.handle("POST /setup", Public, s.localOnly(s.setup))
	s.handle("GET /signin", Public, s.signInPage)
	s.handle("POST /signin", Public, s.localOnly(s.signIn))
	s.handle("GET /signin/oidc", Public, s.oidcStart)
	s.handle("GET "+oidcCallback, Public, s.oidcFinish)
	s.handle("POST /signout", SignedIn, s.signOut)
	s.handle("GET /account", SignedIn, s.accountPage)
	s.handle("POST /account/password", SignedIn, s.localOnly(s.changePassword))

	// Site administration.
	s.handle("GET /admin/users", Admin, s.usersPage)
	s.handle("POST /admin/users", Admin, s.addUser)
	s.handle("POST /admin/users/{user}/disable", Admin, s.setDisabled(true))
	s.handle("POST /admin/users/{user}/enable", Admin, s.setDisabled(false))
	s.handle("GET /admin/lenses", Admin, s.lensesPage)
	s.handle("POST /admin/lenses", Admin, s.uploadLensForm)

	// Workloads in the browser.
	s.handle("GET /portfolio", SignedIn, s.portfolioPage)
	s.handle("GET /portfolio/export/{format}", SignedIn, s.portfolioExport)
	s.handle("GET /portfolio/risks/{question}/{choice}", SignedIn, s.portfolioRiskPage)
	s.handle("GET /workloads", SignedIn, s.workloadsPage)
	s.handle("POST /workloads", SignedIn, s.createWorkload)
	s.handle("GET /w/{id}", Member(awaf.RoleReader), s.workloadPage)
	s.handle("POST /w/{id}", Member(awaf.RoleContributor), s.saveWorkload)
	s.handle("POST /w/{id}/lens/upgrade", Member(awaf.RoleOwner), s.upgradeLensForm)
	s.handle("GET /w/{id}/assess", Member(awaf.RoleReader), s.assessIndex)
	s.handle("GET /w/{id}/assess/{area}", Member(awaf.RoleReader), s.assessPage)
	s.handle("POST /w/{id}/assess/{area}", Member(awaf.RoleContributor), s.saveAnswers)
	s.handle("GET /w/{id}/pillar/{pillar}", Member(awaf.RoleReader), s.assessPage)
	s.handle("POST /w/{id}/pillar/{pillar}", Member(awaf.RoleContributor), s.saveAnswers)
	s.handle("GET /w/{id}/evidence", Member(awaf.RoleReader), s.evidencePage)
	s.handle("POST /w/{id}/evidence", Member(awaf.RoleContributor), s.uploadEvidence)
	s.handle("POST /w/{id}/evidence/confirm", Member(awaf.RoleContributor), s.confirmProposal)
	s.handle("GET /w/{id}/dashboard", Member(awaf.RoleReader), s.dashboardPage)
	s.handle("GET /w/{id}/plan", Member(awaf.RoleReader), s.planPage)
	s.handle("POST /w/{id}/plan", Member(awaf.RoleContributor), s.savePlanItem)
	s.handle("GET /w/{id}/templates", Member(awaf.RoleReader), s.templatesPage)
	s.handle("POST /w/{id}/templates", Member(awaf.RoleOwner), s.templatesForm)
	s.handle("GET /w/{id}/milestones", Member(awaf.RoleReader), s.milestonesPage)
	s.handle("POST /w/{id}/milestones", Member(awaf.RoleContributor), s.createMilestone)
	s.handle("GET /w/{id}/compare", Member(awaf.RoleReader), s.comparePage)
	s.handle("GET /w/{id}/access", Member(awaf.RoleReader), s.accessPage)
	s.handle("POST /w/{id}/access", Member(awaf.RoleOwner), s.grant)
	s.handle("POST /w/{id}/access/{user}/revoke", Member(awaf.RoleOwner), s.revoke)
	s.handle("POST /w/{id}/tokens", Member(awaf.RoleOwner), s.createToken)
	s.handle("POST /w/{id}/tokens/{token}/revoke", Member(awaf.RoleOwner), s.revokeToken)
	s.handle("GET /w/{id}/audit", Member(awaf.RoleContributor), s.auditPage)
	s.handle("GET /w/{id}/audit.csv", Member(awaf.RoleContributor), s.auditCSV)
	s.handle("GET /w/{id}/export/{format}", Member(awaf.RoleReader), s.export)
	s.handle("GET /w/{id}/backlog/{target}", Member(awaf.RoleReader), s.exportBacklog)
	s.handle("GET /w/{id}/sync", Member(awaf.RoleContributor), s.syncPage)
	s.handle("POST /w/{id}/sync/connections", Member(awaf.RoleOwner), s.connectForm)
	s.handle("POST /w/{id}/sync/connections/{conn}/delete", Member(awaf.RoleOwner), s.disconnectForm)
	s.handle("POST /w/{id}/sync/push", Member(awaf.RoleOwner), s.pushForm)
	s.handle("POST /w/{id}/sync/pull", Member(awaf.RoleContributor), s.pullForm)

	// JSON API.
	s.handle("GET /api/v1/openapi.json", Public, s.openAPI)
	s.handle("GET /api/v1/lenses", Caller, s.apiLenses)
	s.handle("POST /api/v1/lenses", Admin, s.apiUploadLens)
	s.handle("GET /api/v1/portfolio", Caller, s.apiPortfolio)
	s.handle("GET /api/v1/templates", Caller, s.apiTemplates)
	s.handle("POST /api/v1/templates", SignedIn, s.apiSaveTemplate)
	s.handle("GET /api/v1/templates/{name}", Caller, s.apiTemplateFile)
	s.handle("GET /api/v1/workloads", Caller, s.apiWorkloads)
	s.handle("POST /api/v1/workloads", SignedIn, s.apiCreateWorkload)
	s.handle("GET /api/v1/workloads/{id}", Member(awaf.RoleReader), s.apiWorkload)
	s.handle("PUT /api/v1/workloads/{id}", Member(awaf.RoleContributor), s.apiSaveWorkload)
	s.handle("GET /api/v1/workloads/{id}/lens", Member(awaf.RoleReader), s.apiLens)
	s.handle("POST /api/v1/workloads/{id}/lens/upgrade", Member(awaf.RoleOwner), s.apiUpgradeLens)
	s.handle("GET /api/v1/workloads/{id}/answers", Member(awaf.RoleReader), s.apiAnswers)
	s.handle("PUT /api/v1/workloads/{id}/answers/{question}", Member(awaf.RoleContributor), s.apiPutAnswer)
	s.handle("GET /api/v1/workloads/{id}/result", Member(awaf.RoleReader), s.apiResult)
	s.handle("GET /api/v1/workloads/{id}/reports/{format}", Member(awaf.RoleReader), s.export)
	s.handle("GET /api/v1/workloads/{id}/backlog/{target}", Member(awaf.RoleReader), s.exportBacklog)
	s.handle("GET /api/v1/workloads/{id}/connections", Member(awaf.RoleContributor), s.apiConnections)
	s.handle("POST /api/v1/workloads/{id}/connections", Member(awaf.RoleOwner), s.apiConnect)
	s.handle("DELETE /api/v1/workloads/{id}/connections/{conn}", Member(awaf.RoleOwner), s.apiDisconnect)
	s.handle("GET /api/v1/workloads/{id}/workitems", Member(awaf.RoleReader), s.apiWorkItems)
	s.handle("POST /api/v1/workloads/{id}/push", Member(awaf.RoleOwner), s.apiPush)
	s.handle("POST /api/v1/workloads/{id}/pull", Member(awaf.RoleContributor), s.apiPull)
	s.handle("GET /api/v1/workloads/{id}/milestones", Member(awaf.RoleReader), s.apiMilestones)
	s.handle("POST /api/v1/workloads/{id}/milestones", Member(awaf.RoleContributor), s.apiCreateMilestone)
	s.handle("GET /api/v1/workloads/{id}/milestones/{milestone}", Member(awaf.RoleReader), s.apiMilestone)
	s.handle("GET /api/v1/workloads/{id}/compare", Member(awaf.RoleReader), s.apiCompare)
	s.handle("GET /api/v1/workloads/{id}/plan", Member(awaf.RoleReader), s.apiPlan)
	s.handle("PUT /api/v1/workloads/{id}/plan/{question}/{choice}", Member(awaf.RoleContributor), s.apiPutPlanItem)
	s.handle("GET /api/v1/workloads/{id}/access", Member(awaf.RoleReader), s.apiAccess)
	s.handle("POST /api/v1/workloads/{id}/access", Member(awaf.RoleOwner), s.apiGrant)
	s.handle("DELETE /api/v1/workloads/{id}/access/{user}", Member(awaf.RoleOwner), s.apiRevoke)
	s.handle("POST /api/v1/workloads/{id}/tokens", Member(awaf.RoleOwner), s.apiCreateToken)
	s.handle("DELETE /api/v1/workloads/{id}/tokens/{token}", Member(awaf.RoleOwner), s.apiRevokeToken)
	s.handle("GET /api/v1/workloads/{id}/audit", Member(awaf.RoleContributor), s.apiAudit)
	s.handle("POST /api/v1/workloads/{id}/evidence", Member(awaf.RoleContributor), s.apiUploadEvidence)
	s.handle("GET /api/v1/workloads/{id}/templates", Member(awaf.RoleReader), s.apiWorkloadTemplates)
	s.handle("POST /api/v1/workloads/{id}/templates", Member(awaf.RoleContributor), s.apiTemplateFromWorkload)
	s.handle("POST /api/v1/workloads/{id}/templates/{name}", Member(awaf.RoleOwner), s.apiApplyTemplate)
}

func (s *Server) handle(pattern string, a Access, h handlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Access: a})
	s.mux.Handle(pattern, s.measure(pattern, s.shed(pattern, s.guard(a, wildcards(pattern), h))))
}
