package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/backlog"
)

// backlogFlags are the flags of awaf backlog.
type backlogFlags struct {
	answers, lens, target, horizons, pillars, out string
	minPriority                                   float64
	opt                                           backlog.Options
}

func newBacklogCmd(s *streams) *cobra.Command {
	var f backlogFlags
	cmd := &cobra.Command{
		Use:   "backlog --target ado|github|github-sh|jira",
		Short: "export the plan as a backlog for Azure DevOps, GitHub or Jira",
		Long: `Exports the remediation plan as a backlog to import: Azure Boards' work item CSV,
a GitHub issues CSV or a script of ` + "`gh issue create`" + ` commands, or Jira's CSV.
See docs/backlog.md for the import steps of each tracker.`,
		Example: `  awaf backlog --target ado -o backlog.csv
  awaf backlog --target github-sh --horizon now,next -o issues.sh
  awaf backlog --target jira --pillar security --min-priority 50 -o jira.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBacklog(cmd, &f, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.answers, "answers", "awaf.yaml", "answers `FILE` whose plan to export")
	fl.StringVar(&f.lens, "lens", "", "lens `ID|FILE` to score against (default: the lens the answers name)")
	fl.StringVar(&f.target, "target", "", "tracker `format`: ado, github, github-sh or jira (required)")
	fl.StringVar(&f.horizons, "horizon", "", "keep only these `horizons`, comma-separated: now, next, later")
	fl.StringVar(&f.pillars, "pillar", "", "keep only practices serving these `pillars`, comma-separated")
	fl.Float64Var(&f.minPriority, "min-priority", 0, "keep only recommendations with at least this priority `score` (0-100)")
	fl.StringVarP(&f.out, "output", "o", "", "write to `FILE` instead of standard output (written atomically)")
	fl.StringVar(&f.opt.WorkItemType, "work-item-type", "Task", "ado: the work item `type` to create (Task exists in every process)")
	fl.StringVar(&f.opt.AreaPath, "area-path", "", "ado: an Area `Path` for every item, e.g. 'Contoso\\AI'")
	fl.StringVar(&f.opt.IterationPath, "iteration-path", "", "ado: an Iteration `Path` for every item")
	fl.StringVar(&f.opt.IssueType, "issue-type", "Task", "jira: the issue `type` to create")
	fl.StringVar(&f.opt.Milestone, "milestone", "", "github: an existing milestone `title` for every issue")
	fl.StringVar(&f.opt.Repo, "repo", "", "github-sh: the repository `OWNER/NAME` (default: the clone the script runs in)")
	enumFlag(cmd, "target", false, []string{"ado", "github", "github-sh", "jira"}, "azure-devops", "azdo")
	enumFlag(cmd, "horizon", true, []string{"now", "next", "later"})
	_ = cmd.RegisterFlagCompletionFunc("pillar", completeValues(true, lensPillarIDs))
	enumFlag(cmd, "pillar", true, pillarNames())
	_ = cmd.RegisterFlagCompletionFunc("lens", completeLens(0))
	return cmd
}

func runBacklog(cmd *cobra.Command, bf *backlogFlags, s *streams) error {
	ctx, stdout := cmd.Context(), s.out
	path, lensRef, out, o := &bf.answers, &bf.lens, bf.out, bf.opt
	if bf.target == "" {
		return usagef(cmd, "--target is required: ado, github, github-sh or jira")
	}
	t, err := backlog.ParseTarget(bf.target)
	if err != nil {
		return usagef(cmd, "%s", awaf.ErrorMessage(err))
	}
	var f backlog.Filter
	if f.Horizons, err = backlog.ParseHorizons(bf.horizons); err != nil {
		return usagef(cmd, "%s", awaf.ErrorMessage(err))
	}
	if f.Pillars, err = backlog.ParsePillars(bf.pillars); err != nil {
		return usagef(cmd, "%s", awaf.ErrorMessage(err))
	}
	if bf.minPriority < 0 || bf.minPriority > 100 {
		return usagef(cmd, "--min-priority %v: want 0 to 100", bf.minPriority)
	}
	f.MinPriority = bf.minPriority

	if err := checkOutput(out); err != nil {
		return err
	}
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
		wrote(s, out, fmt.Sprintf("%d of %s for %s", len(items), plural(len(r.Plan), "recommendation"), t))
	}
	if len(items) == 0 {
		warn(s, "no recommendation passed the filters; the output has only its header")
	}
	return nil
}
