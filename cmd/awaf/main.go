// Command awaf runs the Azure Well-Architected assessment for AI workloads: it asks the
// questions, scores the answers, ranks a remediation plan, reports it, and checks
// infrastructure code for evidence.
package main

import (
	"context"
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

// run is the whole program; tests call it in-process. The command tree is built anew
// for every call, so no flag value outlives a run.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return execute(ctx, newRootCmd(&streams{in: stdin, out: stdout, err: stderr}), args, stderr)
}
