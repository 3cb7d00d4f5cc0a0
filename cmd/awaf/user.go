package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"golang.org/x/term"
)

func newUserCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "manage local accounts",
		Example: `  awaf user add ada@example.com --admin
  printf '%s\n' "$PASSWORD" | awaf user passwd ada@example.com --password-stdin
  awaf user disable bob@example.com`,
		Args: subcommandArgs,
		RunE: showHelp,
	}
	var dsn string

	var admin, addStdin bool
	var name string
	add := &cobra.Command{
		Use:   "add EMAIL",
		Short: "add a local account",
		Long:  "Adds a local account. Without --password-stdin the password is asked on the terminal.",
		Example: `  awaf user add ada@example.com --admin --name "Ada Lovelace"
  printf '%s\n' "$PASSWORD" | awaf user add bob@example.com --password-stdin`,
		Args: argsExactly(1, "one EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUserAdd(cmd.Context(), dsn, &awaf.User{Email: args[0], Name: name, Admin: admin}, addStdin, s)
		},
	}
	add.Flags().BoolVar(&admin, "admin", false, "make the user a site administrator")
	add.Flags().BoolVar(&addStdin, "password-stdin", false, "read the password from the first line of standard input")
	add.Flags().StringVar(&name, "name", "", "the user's display `name`")

	var pwStdin bool
	passwd := &cobra.Command{
		Use:   "passwd EMAIL",
		Short: "set a new password and end the account's lockout",
		Long: `Sets a new password, signs the user's sessions out and ends their lockout; this is how
an administrator who forgot their password gets back in.`,
		Example: `  awaf user passwd ada@example.com
  printf '%s\n' "$PASSWORD" | awaf user passwd ada@example.com --password-stdin`,
		Args: argsExactly(1, "one EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUserPasswd(cmd.Context(), dsn, args[0], pwStdin, s)
		},
	}
	passwd.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of standard input")

	toggle := func(disable bool) *cobra.Command {
		verb := map[bool]string{true: "disable", false: "enable"}[disable]
		short := "enable a disabled account again"
		if disable {
			short = "disable an account: its sessions end and it cannot sign in"
		}
		return &cobra.Command{
			Use:     verb + " EMAIL",
			Short:   short,
			Example: "  awaf user " + verb + " bob@example.com",
			Args:    argsExactly(1, "one EMAIL"),
			RunE: func(cmd *cobra.Command, args []string) error {
				return runUserDisable(cmd.Context(), dsn, args[0], disable, s)
			},
		}
	}
	for _, c := range []*cobra.Command{add, passwd, toggle(true), toggle(false)} {
		c.Flags().StringVar(&dsn, "db", defaultDB, "database: `sqlite:FILE|postgres://...` (AWAF_DB)")
		envFlag(c, "db", "AWAF_DB")
		cmd.AddCommand(c)
	}
	return cmd
}

func runUserAdd(ctx context.Context, dsn string, u *awaf.User, fromStdin bool, s *streams) error {
	hash, err := passwordHash(s.in, s.err, fromStdin)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	u.PasswordHash = hash
	if err := db.CreateUser(ctx, awaf.Actor{Name: "cli"}, u); err != nil {
		return err
	}
	role := "user"
	if u.Admin {
		role = "administrator"
	}
	fmt.Fprintf(s.out, "added %s %s\n", role, u.Email)
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
func runUserPasswd(ctx context.Context, dsn, email string, fromStdin bool, s *streams) error {
	hash, err := passwordHash(s.in, s.err, fromStdin)
	if err != nil {
		return err
	}
	return withUser(ctx, dsn, email, func(db *database, u *awaf.User) error {
		if err := db.SetPassword(ctx, awaf.Actor{Name: "cli"}, u.ID, hash); err != nil {
			return err
		}
		if err := db.ClearFailures(ctx, "email:"+u.Email); err != nil {
			return err
		}
		fmt.Fprintf(s.out, "password changed for %s; their sessions are signed out\n", u.Email)
		return nil
	})
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
func runUserDisable(ctx context.Context, dsn, email string, disable bool, s *streams) error {
	verb := map[bool]string{true: "disable", false: "enable"}[disable]
	return withUser(ctx, dsn, email, func(db *database, u *awaf.User) error {
		if err := db.SetDisabled(ctx, awaf.Actor{Name: "cli"}, u.ID, disable); err != nil {
			return err
		}
		fmt.Fprintf(s.out, "%sd %s\n", verb, u.Email)
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
