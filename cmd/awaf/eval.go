package main

import (
	"context"
	"errors"
	"flag"
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
	"golang.org/x/term"
)

const evalUsage = `Usage: awaf eval [flags]

Computes model quality, fairness and drift metrics from prediction files, checks them
against the thresholds in the config, and optionally records the result as evidence in
an answers file.

Flags:
`

// errEstimateOnly stops a run after the judge estimate, on purpose.
var errEstimateOnly = errors.New("estimate only")

func runEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, evalUsage)
		fs.PrintDefaults()
	}
	config := fs.String("config", "awaf-eval.yaml", "evaluation config `file`")
	format := fs.String("format", "text", "output format: "+strings.Join(eval.Formats, ", "))
	out := fs.String("o", "", "write the report to `file` instead of standard output (.html, .json, .md and .xml pick the format)")
	failOn := fs.Bool("fail-on-threshold", false, "exit with status 1 when a threshold check fails")
	answers := fs.String("answers", "", "record the result as evidence in this answers `file`")
	noJudge := fs.Bool("no-judge", false, "skip LLM-judged metrics (they report no value)")
	estimate := fs.Bool("estimate", false, "print the LLM judge's token and cost estimate, then stop")
	yes := fs.Bool("yes", false, "run the judge even when the estimate is above judge.maxCost")
	progress := fs.String("progress", "auto", "progress bar: auto (on a terminal), always, never")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "awaf eval: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	formatSet := false
	fs.Visit(func(f *flag.Flag) { formatSet = formatSet || f.Name == "format" })
	if !formatSet && *out != "" {
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
		fmt.Fprintf(stderr, "awaf eval: unknown format %q: want one of %s\n", *format, strings.Join(eval.Formats, ", "))
		return errUsage
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
		fmt.Fprintf(stderr, "awaf eval: --progress %q: want auto, always or never\n", *progress)
		return errUsage
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
			fmt.Fprintf(stderr, "judge %s: %d calls to make (%d cached), about %d input + %d output tokens, estimated cost %.4f\n",
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
		fmt.Fprintln(stderr, "awaf eval: no LLM judge configured (or --no-judge): nothing to estimate")
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
	if *answers != "" {
		if err := eval.AttachEvidence(*answers, rep); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "awaf eval: evidence recorded in %s\n", *answers)
	}
	if failed := rep.Failed(); *failOn && len(failed) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d of %d threshold checks failed", len(failed), len(rep.Checks))}
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
