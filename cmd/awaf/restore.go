package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/sqlite"
)

func newRestoreCmd(s *streams) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "restore BACKUP",
		Short: "put a backup in place of the SQLite database (server stopped)",
		Long: `Puts a backup made with 'awaf backup' in place of the SQLite database. Stop the
server first: restore refuses while any process has the database open.

The backup is copied next to the database and checked (PRAGMA integrity_check, and
that it holds awaf's schema) before anything moves. The old database and any -wal and
-shm files a stopped server left are moved aside with the time in their names, never
deleted; then the checked copy is renamed into place. Copying a backup over the
database file by hand is not safe: SQLite would replay a left-over -wal onto it.
For PostgreSQL use pg_restore.`,
		Example: `  awaf restore awaf-backup.db
  awaf restore /backups/awaf-2026-12-06.db --db sqlite:/var/lib/awaf/awaf.db`,
		Args: argsExactly(1, "one BACKUP file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRestore(cmd.Context(), dsn, args[0], s)
		},
	}
	cmd.Flags().StringVar(&dsn, "db", defaultDB, "SQLite database to replace: `sqlite:FILE` (AWAF_DB)")
	envFlag(cmd, "db", "AWAF_DB")
	return cmd
}

func runRestore(ctx context.Context, dsn, backup string, s *streams) error {
	if !strings.HasPrefix(dsn, "sqlite:") {
		if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
			return awaf.Errorf(awaf.EINVALID, "--db %s is PostgreSQL: awaf restore replaces SQLite databases only; restore PostgreSQL with pg_restore", redact(dsn))
		}
		return awaf.Errorf(awaf.EINVALID, "--db %q: awaf restore replaces SQLite databases: want sqlite:FILE", dsn)
	}
	if err := checkInput(backup, "a backup made with awaf backup"); err != nil {
		return err
	}
	live := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
	if err := checkOutput(live); err != nil {
		return err
	}
	res, err := sqlite.Restore(ctx, backup, live, nil)
	if err != nil {
		return err
	}
	for _, p := range res.Aside {
		fmt.Fprintf(s.err, "awaf: moved aside %s\n", p)
	}
	wrote(s, live, "restored from "+backup)
	return nil
}
