package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/backlog"
)

func runBacklog(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf backlog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("answers", "awaf.yaml", "answers file whose plan to export")
	lensRef := fs.String("lens", "", "lens file or id to score against (default: the lens the answers name)")
	target := fs.String("target", "", "tracker format: ado, github, github-sh or jira (required)")
	horizons := fs.String("horizon", "", "keep only these horizons, comma-separated: now, next, later")
	pillars := fs.String("pillar", "", "keep only practices serving these pillars, comma-separated")
	minPriority := fs.Float64("min-priority", 0, "keep only recommendations with at least this priority score (0-100)")
	var out string
	fs.StringVar(&out, "o", "", "write to this file instead of stdout (written atomically)")
	fs.StringVar(&out, "output", "", "same as -o")
	var o backlog.Options
	fs.StringVar(&o.WorkItemType, "work-item-type", "Task", "ado: the work item type to create (Task exists in every process)")
	fs.StringVar(&o.AreaPath, "area-path", "", "ado: an Area Path for every item, e.g. 'Contoso\\AI'")
	fs.StringVar(&o.IterationPath, "iteration-path", "", "ado: an Iteration Path for every item")
	fs.StringVar(&o.IssueType, "issue-type", "Task", "jira: the issue type to create")
	fs.StringVar(&o.Milestone, "milestone", "", "github: an existing milestone title for every issue")
	fs.StringVar(&o.Repo, "repo", "", "github-sh: the repository OWNER/NAME (default: the clone the script runs in)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf backlog --target ado|github|github-sh|jira [--answers awaf.yaml]\n"+
			"                    [--horizon now,next] [--pillar security] [--min-priority N] [-o FILE]\n\n"+
			"Exports the remediation plan as a backlog to import: Azure Boards' work item CSV,\n"+
			"a GitHub issues CSV or a script of `gh issue create` commands, or Jira's CSV.\n"+
			"See docs/backlog.md for the import steps of each tracker.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected arguments: "+strings.Join(fs.Args(), " "))
	}
	if *target == "" {
		return usageError(fs, "--target is required: ado, github, github-sh or jira")
	}
	t, err := backlog.ParseTarget(*target)
	if err != nil {
		return usageError(fs, awaf.ErrorMessage(err))
	}
	var f backlog.Filter
	if f.Horizons, err = backlog.ParseHorizons(*horizons); err != nil {
		return usageError(fs, awaf.ErrorMessage(err))
	}
	if f.Pillars, err = backlog.ParsePillars(*pillars); err != nil {
		return usageError(fs, awaf.ErrorMessage(err))
	}
	if *minPriority < 0 || *minPriority > 100 {
		return usageError(fs, fmt.Sprintf("--min-priority %v: want 0 to 100", *minPriority))
	}
	f.MinPriority = *minPriority

	a, l, err := openAssessment(*path, *lensRef, false)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := assess.Evaluate(l, a)
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	items := backlog.Select(r, f)
	var buf bytes.Buffer
	if err := backlog.Write(&buf, t, items, o); err != nil {
		return err
	}
	if out == "" || out == "-" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("write backlog: %w", err)
		}
	} else {
		perm := os.FileMode(0o644)
		if t == backlog.GitHubScript {
			perm = 0o755
		}
		if err := answers.WriteFileAtomic(out, buf.Bytes(), perm); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "awaf: wrote %s: %d of %d recommendations for %s\n", out, len(items), len(r.Plan), t)
	}
	if len(items) == 0 {
		fmt.Fprintf(stderr, "awaf: no recommendation passed the filters; the file has only its header\n")
	}
	return nil
}
