package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/awaf/awaf"
)

func runBackup(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", env("AWAF_DB", defaultDB), "SQLite database to copy: sqlite:FILE (AWAF_DB)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf backup [--db sqlite:awaf.db] FILE\n\n"+
			"Writes a consistent copy of the live SQLite database to FILE while the server runs.\n"+
			"Restore by stopping the server and putting FILE in place of the database.\n"+
			"For PostgreSQL use pg_dump.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "want one backup FILE")
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.backup == nil {
		return awaf.Errorf(awaf.EINVALID, "awaf backup copies SQLite databases; use pg_dump for PostgreSQL")
	}
	if err := db.backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up to %s\n", fs.Arg(0))
	return nil
}
