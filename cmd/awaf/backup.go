package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
)

func newBackupCmd(s *streams) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "take an online backup of the SQLite database",
		Long: `Writes a consistent copy of the live SQLite database to FILE while the server runs.
Restore it with 'awaf restore FILE' while the server is stopped.
For PostgreSQL use pg_dump.`,
		Example: `  awaf backup awaf-backup.db
  awaf backup --db sqlite:/var/lib/awaf/awaf.db /backups/awaf-$(date +%F).db`,
		Args: argsExactly(1, "one backup FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackup(cmd.Context(), dsn, args[0], s)
		},
	}
	cmd.Flags().StringVar(&dsn, "db", defaultDB, "SQLite database to copy: `sqlite:FILE` (AWAF_DB)")
	envFlag(cmd, "db", "AWAF_DB")
	return cmd
}

func runBackup(ctx context.Context, dsn, file string, s *streams) error {
	if !strings.HasPrefix(dsn, "sqlite:") {
		// Checked before connecting: a PostgreSQL server needs no connection to be told
		// that this command is not for it.
		if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
			return awaf.Errorf(awaf.EINVALID, "--db %s is PostgreSQL: awaf backup copies SQLite databases only; back PostgreSQL up with pg_dump, e.g. pg_dump --format=custom --file=awaf.dump %q", redact(dsn), redact(dsn))
		}
		return awaf.Errorf(awaf.EINVALID, "--db %q: awaf backup copies SQLite databases: want sqlite:FILE", dsn)
	}
	if err := checkInput(strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//"), "an SQLite database (--db sqlite:FILE)"); err != nil {
		return err
	}
	if err := checkOutput(file); err != nil {
		return err
	}
	if exists(file) {
		return awaf.Errorf(awaf.ECONFLICT, "%s exists: awaf backup never overwrites a file; remove it or name another", file)
	}
	db, err := openDB(ctx, dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.backup == nil {
		return awaf.Errorf(awaf.EINVALID, "awaf backup copies SQLite databases; use pg_dump for PostgreSQL")
	}
	if err := db.backup(ctx, file); err != nil {
		return err
	}
	wrote(s, file, "backup of "+redact(dsn))
	return nil
}
