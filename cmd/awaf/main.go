// Command awaf runs the Azure Well-Architected assessment for AI workloads: it asks the
// questions, scores the answers, ranks a remediation plan, reports it, and checks
// infrastructure code for evidence.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "1.0.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitError carries an exit code without a message, e.g. a CI gate that failed after
// the report was written.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// exitCode maps an error to the process exit code, in one place: 0 on success, 1 for a
// failed gate, 2 for bad usage or input, 3 for anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "awaf:", ee.msg)
		}
		return ee.code
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	fmt.Fprintln(stderr, "awaf:", err)
	if isInputError(err) {
		return 2
	}
	return 3
}

var errUsage = errors.New("usage")

const usage = `awaf runs the Azure Well-Architected assessment for AI workloads.

Usage:
  awaf <command> [flags]

Assess:
  assess     answer the assessment in the terminal (saves after every answer)
  report     score the answers and write a report (md, html, json, csv, xlsx)
  backlog    export the plan as a backlog for Azure DevOps, GitHub or Jira
  compare    compare two assessments (milestones): scores, risks, plan
  lens       list, show, validate, diff, upgrade, import and export lenses
  import     import an assessment exported from Microsoft's platform (ms-csv)

Evidence:
  scan       check Bicep, ARM, Terraform and exported resources for AI practices
  eval       compute model quality, fairness and drift metrics against thresholds

Team server:
  serve      run the web app and API (SQLite by default, PostgreSQL with --db)
  migrate    apply database migrations
  user       manage local accounts
  backup     take an online backup of the SQLite database
  push       send an answers file (with its evidence) to a server workload

Other:
  version    print the version
  help       print this help

Run 'awaf <command> --help' for a command's flags.
`

// run is the whole program; tests call it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version":
		fmt.Fprintf(stdout, "awaf %s\n", version)
		return nil
	case "lens":
		return runLens(ctx, args[1:], stdin, stdout, stderr)
	case "assess":
		return runAssess(ctx, args[1:], stdin, stdout, stderr)
	case "report":
		return runReport(ctx, args[1:], stdin, stdout, stderr)
	case "backlog":
		return runBacklog(ctx, args[1:], stdin, stdout, stderr)
	case "compare":
		return runCompare(ctx, args[1:], stdin, stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], stdin, stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], stdin, stdout, stderr)
	case "scan":
		return runScan(ctx, args[1:], stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdin, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], stdin, stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], stdin, stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], stdin, stdout, stderr)
	case "push":
		return runPush(ctx, args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "awaf: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
