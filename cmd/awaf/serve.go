package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/server"
	"github.com/awaf/awaf/internal/store/postgres"
	"github.com/awaf/awaf/internal/store/sqlite"
)

// defaultDB is where the server keeps its data when neither --db nor AWAF_DB says.
const defaultDB = "sqlite:awaf.db"

// database is an opened store and, for SQLite, its backup.
type database struct {
	awaf.Store
	migrate func(context.Context) (int, error)
	backup  func(context.Context, string) error
}

// openDB opens sqlite:PATH or postgres://... . migrate false leaves the schema alone.
func openDB(ctx context.Context, dsn string, migrate bool) (*database, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		db, err := sqlite.Open(ctx, path, sqlite.Options{NoMigrate: !migrate})
		if err != nil {
			return nil, err
		}
		return &database{Store: db, migrate: db.Migrate, backup: db.Backup}, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := postgres.Open(ctx, dsn, postgres.Options{NoMigrate: !migrate})
		if err != nil {
			return nil, err
		}
		return &database{Store: db, migrate: db.Migrate}, nil
	}
	return nil, awaf.Errorf(awaf.EINVALID, "--db %q: want sqlite:FILE or postgres://...", dsn)
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, awaf.Errorf(awaf.EINVALID, "--log-format %q: want text or json", format)
}

// serveFlags are the flags of awaf serve.
type serveFlags struct {
	addr, dsn, logFormat, lens, metricsFile string
	secureCookies                           bool
	oidc                                    oidcFlags
	sync                                    syncFlags
}

func newServeCmd(s *streams) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the web app and API (SQLite by default, PostgreSQL with --db)",
		Long: `Serves the team web UI and the /api/v1 JSON API. Migrations are applied at start.
On a new database, open the address in a browser to create the first administrator.`,
		Example: `  awaf serve
  awaf serve --addr :8080 --db postgres://awaf@db.internal/awaf --log-format json
  AWAF_DB=sqlite:/var/lib/awaf/awaf.db awaf serve --secure-cookies`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), &f, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "`address` to listen on (AWAF_ADDR)")
	fl.StringVar(&f.dsn, "db", defaultDB, "database: `sqlite:FILE|postgres://...` (AWAF_DB)")
	fl.BoolVar(&f.secureCookies, "secure-cookies", false, "mark cookies Secure when TLS ends at a proxy in front (AWAF_SECURE_COOKIES)")
	fl.StringVar(&f.logFormat, "log-format", "text", "log `format`: text or json (AWAF_LOG_FORMAT)")
	fl.StringVar(&f.lens, "lens", lens.BuiltinID, "built-in lens `ID` for new workloads (AWAF_LENS)")
	for flag, env := range map[string]string{"addr": "AWAF_ADDR", "db": "AWAF_DB", "secure-cookies": "AWAF_SECURE_COOKIES", "log-format": "AWAF_LOG_FORMAT", "lens": "AWAF_LENS"} {
		envFlag(cmd, flag, env)
	}
	fl.StringVar(&f.metricsFile, "metrics-token-file", "", "`FILE` holding the bearer token a scraper reads /metrics with; without it only signed-in administrators can (AWAF_METRICS_TOKEN_FILE)")
	envFlag(cmd, "metrics-token-file", "AWAF_METRICS_TOKEN_FILE")
	addOIDCFlags(cmd, &f.oidc)
	addSyncFlags(cmd, &f.sync)
	enumFlag(cmd, "log-format", false, []string{"text", "json"})
	_ = cmd.RegisterFlagCompletionFunc("lens", completeValues(false, func(*cobra.Command) []string { return lens.BuiltinIDs() }))
	return cmd
}

func runServe(ctx context.Context, f *serveFlags, s *streams) error {
	stderr := s.err
	addr, dsn, secureCookies, logFormat, lensID, metricsFile := &f.addr, &f.dsn, &f.secureCookies, &f.logFormat, &f.lens, &f.metricsFile
	log, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	var metricsToken string
	if *metricsFile != "" {
		if err := checkInput(*metricsFile, "a file holding the metrics token"); err != nil {
			return err
		}
		data, err := os.ReadFile(*metricsFile)
		if err != nil {
			return awaf.Errorf(awaf.EINVALID, "metrics token: %v", err)
		}
		if metricsToken = strings.TrimSpace(string(data)); len(metricsToken) < 16 {
			return awaf.Errorf(awaf.EINVALID, "metrics token in %s: want at least 16 characters", *metricsFile)
		}
	}
	sso, err := openSSO(ctx, &f.oidc)
	if err != nil {
		return err
	}
	sealer, err := openSealer(&f.sync)
	if err != nil {
		return err
	}
	if sealer == nil {
		log.Info("backlog sync is off: no seal key (--seal-key-file or AWAF_SEAL_KEY)")
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	a := auth.New(db, nil)
	a.Warm()
	srv, err := server.New(server.Config{
		Store: db, Auth: a, Lens: lens.BuiltinByID, LensVersion: lens.BuiltinVersion, DefaultLens: *lensID, Log: log, SecureCookies: *secureCookies,
		MetricsToken: metricsToken, SSO: sso, NoLocalSignIn: f.oidc.noLocal, Sealer: sealer, SyncAllowPrivate: f.sync.allowPrivate,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go sweepSessions(ctx, db, log)
	if sealer != nil {
		go pullOnSchedule(ctx, srv, f.sync.interval, log)
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("db", redact(*dsn)))
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Shutdown stops accepting connections and waits for requests in flight, so every
	// write acknowledged to a client has committed before the database closes.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// sweepSessions deletes expired sessions hourly. Every replica may run it: the
// delete is idempotent.
func sweepSessions(ctx context.Context, db awaf.SessionStore, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := db.DeleteExpiredSessions(ctx, time.Now()); err != nil {
				log.Warn("sweep sessions", slog.Any("err", err))
			} else if n > 0 {
				log.Info("swept sessions", slog.Int("expired", n))
			}
		}
	}
}

// redact hides a password in a connection URL before it is logged.
func redact(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	cred, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	if user, _, hasPw := strings.Cut(cred, ":"); hasPw {
		return scheme + "://" + user + ":***@" + host
	}
	return dsn
}
