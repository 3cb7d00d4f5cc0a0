package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newMigrateCmd(s *streams) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "apply database migrations",
		Long:  "Applies the server's pending database migrations. `awaf serve` also applies them at start.",
		Example: `  awaf migrate
  awaf migrate --db postgres://awaf@db.internal/awaf`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := openDB(cmd.Context(), dsn, false)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.migrate(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(s.out, "applied %s\n", plural(n, "migration"))
			return nil
		},
	}
	cmd.Flags().StringVar(&dsn, "db", defaultDB, "database: `sqlite:FILE|postgres://...` (AWAF_DB)")
	envFlag(cmd, "db", "AWAF_DB")
	return cmd
}
