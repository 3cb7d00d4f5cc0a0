package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", env("AWAF_DB", defaultDB), "database: sqlite:FILE or postgres://... (AWAF_DB)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf migrate [--db sqlite:awaf.db|postgres://...]\n\n"+
			"Applies the server's pending database migrations. `awaf serve` also applies them at start.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected arguments")
	}
	db, err := openDB(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
	return nil
}
