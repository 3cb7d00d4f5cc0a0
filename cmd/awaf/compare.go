package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/compare"
)

func runCompare(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text, md or json")
	var out string
	fs.StringVar(&out, "o", "", "write to this file instead of stdout (written atomically)")
	fs.StringVar(&out, "output", "", "same as -o")
	failOnRegression := fs.Bool("fail-on-regression", false, "exit with status 1 when the overall score fell or a risk was added or raised")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf compare OLD.yaml NEW.yaml [--format text|md|json] [-o FILE] [--fail-on-regression]\n\n"+
			"Compares two answers files, such as two milestones: score changes per pillar, design\n"+
			"area and overall, risks added, resolved and changed, recommendations added and\n"+
			"resolved, Top 10 status changes, and questions only one lens version has.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError(fs, "compare takes two answers files: OLD NEW")
	}
	f, err := compare.ParseFormat(*format)
	if err != nil {
		return usageError(fs, awaf.ErrorMessage(err))
	}
	var results [2]*awaf.Result
	for i, path := range fs.Args() {
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
	c := compare.Compare(fs.Arg(0), results[0], fs.Arg(1), results[1])
	var buf bytes.Buffer
	if err := compare.Render(&buf, f, c); err != nil {
		return err
	}
	if out == "" || out == "-" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("write comparison: %w", err)
		}
	} else if err := answers.WriteFileAtomic(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if *failOnRegression && c.Regressed() {
		added := 0
		for _, r := range c.Risks {
			if !r.Better() {
				added++
			}
		}
		return &exitError{code: 1, msg: fmt.Sprintf("regression: overall %s, %d risks added or raised (gate: --fail-on-regression)",
			strings.TrimSpace(fmt.Sprintf("%+.1f", c.Overall.Delta)), added)}
	}
	return nil
}
