package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"golang.org/x/term"
)

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "passwd" {
		return runUserPasswd(ctx, args[1:], stdin, stdout, stderr)
	}
	if len(args) > 0 && (args[0] == "disable" || args[0] == "enable") {
		return runUserDisable(ctx, args[0] == "disable", args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, "Usage: awaf user add EMAIL [--admin] [--password-stdin] [--db sqlite:awaf.db]\n"+
			"       awaf user passwd EMAIL [--password-stdin] [--db sqlite:awaf.db]\n"+
			"       awaf user disable|enable EMAIL [--db sqlite:awaf.db]\n")
		return errUsage
	}
	fs := flag.NewFlagSet("awaf user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", env("AWAF_DB", defaultDB), "database: sqlite:FILE or postgres://... (AWAF_DB)")
	admin := fs.Bool("admin", false, "make the user a site administrator")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	name := fs.String("name", "", "the user's display name")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf user add EMAIL [--admin] [--password-stdin]\n\n"+
			"Adds a local account. Without --password-stdin the password is asked on the terminal.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "want one EMAIL")
	}
	hash, err := passwordHash(stdin, stderr, *fromStdin)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &awaf.User{Email: fs.Arg(0), Name: *name, Admin: *admin, PasswordHash: hash}
	if err := db.CreateUser(ctx, awaf.Actor{Name: "cli"}, u); err != nil {
		return err
	}
	role := "user"
	if u.Admin {
		role = "administrator"
	}
	fmt.Fprintf(stdout, "added %s %s\n", role, u.Email)
	return nil
}

func readPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("read password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", awaf.Errorf(awaf.EINVALID, "standard input is not a terminal; use --password-stdin")
	}
	fmt.Fprint(stderr, "Password: ")
	a, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(stderr, "Again: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", awaf.Errorf(awaf.EINVALID, "the passwords differ")
	}
	return string(a), nil
}

// runUserPasswd sets a new password, ends the user's lockout, and is how an
// administrator who forgot their password gets back in.
func runUserPasswd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf user passwd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", env("AWAF_DB", defaultDB), "database: sqlite:FILE or postgres://... (AWAF_DB)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "want one EMAIL")
	}
	hash, err := passwordHash(stdin, stderr, *fromStdin)
	if err != nil {
		return err
	}
	err = withUser(ctx, *dsn, fs.Arg(0), func(db *database, u *awaf.User) error {
		if err := db.SetPassword(ctx, awaf.Actor{Name: "cli"}, u.ID, hash); err != nil {
			return err
		}
		if err := db.ClearFailures(ctx, "email:"+u.Email); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password changed for %s; their sessions are signed out\n", u.Email)
		return nil
	})
	if err != nil {
		return err
	}
	return nil
}

// passwordHash reads a new password, from the terminal or the first line of stdin,
// and returns its argon2id hash; the password itself is never kept.
func passwordHash(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	pw, err := readPassword(stdin, stderr, fromStdin)
	if err != nil {
		return "", err
	}
	return auth.HashPassword(pw, auth.DefaultParams)
}

// runUserDisable disables an account (its sessions end; it cannot sign in) or enables
// it again. The last enabled administrator cannot be disabled.
func runUserDisable(ctx context.Context, disable bool, args []string, stdout, stderr io.Writer) error {
	verb := map[bool]string{true: "disable", false: "enable"}[disable]
	fs := flag.NewFlagSet("awaf user "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", env("AWAF_DB", defaultDB), "database: sqlite:FILE or postgres://... (AWAF_DB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "want one EMAIL")
	}
	return withUser(ctx, *dsn, fs.Arg(0), func(db *database, u *awaf.User) error {
		if err := db.SetDisabled(ctx, awaf.Actor{Name: "cli"}, u.ID, disable); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", verb, u.Email)
		return nil
	})
}

// withUser opens the database (migrating it) and runs fn on the account of email.
func withUser(ctx context.Context, dsn, email string, fn func(*database, *awaf.User) error) error {
	db, err := openDB(ctx, dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	return fn(db, u)
}
