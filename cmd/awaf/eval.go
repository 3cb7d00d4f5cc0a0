package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/eval"
	"github.com/awaf/awaf/internal/eval/judge"
	"github.com/awaf/awaf/internal/fileout"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// errEstimateOnly stops a run after the judge estimate, on purpose.
var errEstimateOnly = errors.New("estimate only")

// evalFlags are the flags of awaf eval.
type evalFlags struct {
	config, format, out, answers   string
	failOn, noJudge, estimate, yes bool
}

func newEvalCmd(s *streams) *cobra.Command {
	var f evalFlags
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "compute model quality, fairness and drift metrics against thresholds",
		Long: `Computes model quality, fairness and drift metrics from prediction files, checks them
against the thresholds in the config, and optionally records the result as evidence in
an answers file.`,
		Example: `  awaf eval --config awaf-eval.yaml
  awaf eval -o eval.html --fail-on-threshold
  awaf eval --estimate
  awaf eval --answers awaf.yaml --format junit -o eval.xml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEval(cmd, &f, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "awaf-eval.yaml", "evaluation config `FILE`")
	fl.StringVar(&f.format, "format", "text", "output `format`: "+strings.Join(eval.Formats, ", "))
	fl.StringVarP(&f.out, "output", "o", "", "write the report to `FILE` instead of standard output (.html, .json, .md and .xml pick the format)")
	fl.BoolVar(&f.failOn, "fail-on-threshold", false, "exit 1 when a threshold check fails")
	fl.StringVar(&f.answers, "answers", "", "record the result as evidence in this answers `FILE`")
	fl.BoolVar(&f.noJudge, "no-judge", false, "skip LLM-judged metrics (they report no value)")
	fl.BoolVar(&f.estimate, "estimate", false, "print the LLM judge's token and cost estimate, then stop")
	fl.BoolVar(&f.yes, "yes", false, "run the judge even when the estimate is above judge.maxCost")
	enumFlag(cmd, "format", false, eval.Formats)
	return cmd
}

func runEval(cmd *cobra.Command, ef *evalFlags, s *streams) error {
	ctx, stdout, stderr := cmd.Context(), s.out, s.err
	config, format, out, failOn, answers, noJudge, estimate, yes, progress := &ef.config, &ef.format, &ef.out, &ef.failOn, &ef.answers, &ef.noJudge, &ef.estimate, &ef.yes, &s.progress
	if !cmd.Flags().Changed("format") && *out != "" {
		// -o report.html means html unless --format says otherwise.
		switch strings.ToLower(filepath.Ext(*out)) {
		case ".html", ".htm":
			*format = "html"
		case ".json":
			*format = "json"
		case ".md":
			*format = "md"
		case ".xml":
			*format = "junit"
		}
	}
	if !slices.Contains(eval.Formats, *format) {
		return usagef(cmd, "unknown format %q: want one of %s", *format, strings.Join(eval.Formats, ", "))
	}
	if err := checkInput(*config, "an eval config file (YAML)"); err != nil {
		return err
	}
	if err := checkOutput(*out); err != nil {
		return err
	}
	if *answers != "" {
		if err := checkInput(*answers, "an answers file (YAML)"); err != nil {
			return err
		}
	}
	cfg, err := eval.LoadConfig(*config)
	if err != nil {
		return err
	}

	opt := eval.Options{}
	switch *progress {
	case "always":
		opt.Progress = eval.NewBar(stderr)
	case "auto":
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			opt.Progress = eval.NewBar(stderr)
		}
	case "never":
	default:
		return usagef(cmd, "--progress %q: want auto, always or never", *progress)
	}
	if cfg.Judge != nil && !*noJudge {
		client, cache, err := newJudge(cfg, !*estimate)
		if err != nil {
			return err
		}
		defer cache.Close()
		opt.Judge = client
		opt.JudgeWorkers = cfg.Judge.Concurrency
		opt.ConfirmJudge = func(e judge.Estimate) error {
			fmt.Fprintf(stderr, "awaf: judge %s: %d calls to make (%d cached), about %d input + %d output tokens, estimated cost %.4f\n",
				client.Model(), e.Calls, e.Cached, e.InputTokens, e.OutputTokens, e.Cost)
			if *estimate {
				return errEstimateOnly
			}
			if cfg.Judge.MaxCost > 0 && e.Cost > cfg.Judge.MaxCost && !*yes {
				return awaf.Errorf(awaf.EINVALID, "judge estimate %.4f is above judge.maxCost %.4f: rerun with --yes to accept it", e.Cost, cfg.Judge.MaxCost)
			}
			return nil
		}
	} else if *estimate {
		fmt.Fprintln(stderr, "awaf: no LLM judge configured (or --no-judge): nothing to estimate")
		return nil
	}

	rep, err := eval.Run(ctx, cfg, opt)
	if errors.Is(err, errEstimateOnly) {
		return nil
	}
	if err != nil {
		return err
	}
	if *estimate {
		return nil
	}
	if err := writeReport(rep, *format, *out, stdout); err != nil {
		return err
	}
	if *out != "" {
		wrote(s, *out, fmt.Sprintf("%s report, %s, %d failed", *format, plural(len(rep.Checks), "threshold check"), len(rep.Failed())))
	}
	if *answers != "" {
		if err := eval.AttachEvidence(*answers, rep); err != nil {
			return err
		}
		wrote(s, *answers, "eval evidence recorded")
	}
	if failed := rep.Failed(); *failOn && len(failed) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d of %s failed (gate: --fail-on-threshold)", len(failed), plural(len(rep.Checks), "threshold check"))}
	}
	return nil
}

// newJudge builds the judge client; an estimate makes no call, so it needs no key.
func newJudge(cfg *eval.Config, needKey bool) (*judge.Client, *judge.Cache, error) {
	j := cfg.Judge
	key := ""
	if j.APIKeyEnv != "" {
		key = os.Getenv(j.APIKeyEnv)
		if key == "" && needKey {
			return nil, nil, awaf.Errorf(awaf.EINVALID, "judge: environment variable %s is empty: set it to the API key, or run with --no-judge", j.APIKeyEnv)
		}
	}
	cache, err := judge.OpenCache(cfg.Path(j.Cache))
	if err != nil {
		return nil, nil, err
	}
	c := judge.New(judge.Config{
		Provider: j.Provider, Endpoint: j.Endpoint, Deployment: j.Deployment, Model: j.Model,
		APIVersion: j.APIVersion, APIKey: key, RequestsPerMinute: j.RequestsPerMinute,
		MaxRetries: j.MaxRetries, Timeout: time.Duration(j.Timeout),
		InputPer1K: j.InputPer1K, OutputPer1K: j.OutputPer1K,
	}, nil, cache)
	return c, cache, nil
}

// writeReport writes to stdout, or to path through fileout, so a reader never sees
// half a report.
func writeReport(rep *eval.Report, format, path string, stdout io.Writer) error {
	if path == "" {
		return eval.Write(stdout, rep, format)
	}
	return fileout.Write(path, 0o644, func(w io.Writer) error { return eval.Write(w, rep, format) })
}
