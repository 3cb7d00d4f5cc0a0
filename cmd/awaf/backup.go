package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
)

func newBackupCmd(s *streams) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "take an online backup of the SQLite database",
		Long: `Writes a consistent copy of the live SQLite database to FILE while the server runs.
Restore by stopping the server and putting FILE in place of the database.
For PostgreSQL use pg_dump.`,
		Example: `  awaf backup awaf-backup.db
  awaf backup --db sqlite:/var/lib/awaf/awaf.db /backups/awaf-$(date +%F).db`,
		Args: argsExactly(1, "one backup FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackup(cmd.Context(), dsn, args[0], s)
		},
	}
	cmd.Flags().StringVar(&dsn, "db", env("AWAF_DB", defaultDB), "SQLite database to copy: `sqlite:FILE` (AWAF_DB)")
	return cmd
}

func runBackup(ctx context.Context, dsn, file string, s *streams) error {
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
	fmt.Fprintf(s.out, "backed up to %s\n", file)
	return nil
}
