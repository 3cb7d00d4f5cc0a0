package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/compare"
)

func newCompareCmd(s *streams) *cobra.Command {
	var format, out string
	var failOnRegression bool
	cmd := &cobra.Command{
		Use:   "compare OLD.yaml NEW.yaml",
		Short: "compare two assessments (milestones): scores, risks, plan",
		Long: `Compares two answers files, such as two milestones: score changes per pillar, design
area and overall, risks added, resolved and changed, recommendations added and
resolved, Top 10 status changes, and questions only one lens version has.`,
		Example: `  awaf compare awaf.yaml.milestone-1.0.0-20260101.yaml awaf.yaml
  awaf compare old.yaml new.yaml --format md -o changes.md
  awaf compare main.yaml branch.yaml --fail-on-regression`,
		Args: argsExactly(2, "two answers files: OLD NEW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd, args, format, out, failOnRegression, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "text", "output `format`: text, md or json")
	fl.StringVarP(&out, "output", "o", "", "write to `FILE` instead of standard output (written atomically)")
	fl.BoolVar(&failOnRegression, "fail-on-regression", false, "exit 1 when the overall score fell or a risk was added or raised")
	enumFlag(cmd, "format", false, []string{"text", "md", "json"})
	return cmd
}

func runCompare(cmd *cobra.Command, args []string, format, out string, failOnRegression bool, s *streams) error {
	ctx, stdout := cmd.Context(), s.out
	f, err := compare.ParseFormat(format)
	if err != nil {
		return usagef(cmd, "%s", awaf.ErrorMessage(err))
	}
	if err := checkOutput(out); err != nil {
		return err
	}
	var results [2]*awaf.Result
	for i, path := range args {
		a, l, err := openAssessment(path, "", false)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if results[i], err = assess.Evaluate(l, a); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	c := compare.Compare(args[0], results[0], args[1], results[1])
	var buf bytes.Buffer
	if err := compare.Render(&buf, f, c); err != nil {
		return err
	}
	if out == "" || out == "-" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("write comparison: %w", err)
		}
	} else {
		if err := answers.WriteFileAtomic(out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		wrote(s, out, fmt.Sprintf("%s comparison, overall %+.1f", f, c.Overall.Delta))
	}
	if failOnRegression && c.Regressed() {
		added := 0
		for _, r := range c.Risks {
			if !r.Better() {
				added++
			}
		}
		return &exitError{code: 1, msg: fmt.Sprintf("regression: overall %s, %s added or raised (gate: --fail-on-regression)",
			strings.TrimSpace(fmt.Sprintf("%+.1f", c.Overall.Delta)), plural(added, "risk"))}
	}
	return nil
}
