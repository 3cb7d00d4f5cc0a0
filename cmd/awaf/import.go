package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/mscsv"
)

func newImportCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "import an assessment exported from Microsoft's platform (ms-csv)",
		Example: `  awaf import ms-csv assessment.csv -o awaf.yaml
  awaf import ms-csv assessment.csv -o awaf.yaml --profile old.yaml`,
		Args: subcommandArgs,
		RunE: showHelp,
	}
	var f importFlags
	ms := &cobra.Command{
		Use:   "ms-csv FILE.csv",
		Short: "read an assessment CSV from Microsoft's assessment platform",
		Long: `Reads an assessment exported as CSV from Microsoft's assessment platform (or awaf's own
'awaf report --format csv') and writes an answers file. Questions are matched to the
lens (default: the built-in AI lens) by their titles; questions it lacks get a lens
made from the CSV, written next to the answers as <lens-id>.lens.yaml and named in them,
so 'awaf report --answers awaf.yaml' needs no --lens. Microsoft's score per category is
printed beside awaf's, with the reason where they differ. The CSV has no workload
profile; --profile takes one from an existing answers file.`,
		Example: `  awaf import ms-csv assessment.csv -o awaf.yaml
  awaf import ms-csv assessment.csv -o awaf.yaml --profile old.yaml --lens-id contoso-review`,
		Args: argsExactly(1, "one CSV file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImportMSCSV(cmd.Context(), args[0], &f, s)
		},
	}
	fl := ms.Flags()
	fl.StringVarP(&f.out, "output", "o", "awaf.yaml", "answers `FILE` to write")
	fl.StringVar(&f.lens, "lens", "", "lens `ID|FILE` to match questions against (default: the built-in lens)")
	fl.StringVar(&f.profile, "profile", "", "answers `FILE` whose workload profile the import keeps")
	fl.StringVar(&f.lensID, "lens-id", "", "`ID` of the lens made from the CSV (default: from the export's title)")
	fl.BoolVar(&f.force, "force", false, "replace an answers file that holds another lens's or workload's answers (same lens: merged)")
	_ = ms.RegisterFlagCompletionFunc("lens", completeLens(0))
	cmd.AddCommand(ms)
	return cmd
}

// importFlags are the flags of awaf import ms-csv.
type importFlags struct {
	out, lens, profile, lensID string
	force                      bool
}

func runImportMSCSV(ctx context.Context, in string, fl *importFlags, s *streams) error {
	stdout, stderr := s.out, s.err
	out, lensRef, profile, lensID := &fl.out, &fl.lens, &fl.profile, &fl.lensID
	if err := checkOutput(*out); err != nil {
		return err
	}
	data, err := readInput(in, "a CSV file exported from Microsoft's assessment platform")
	if err != nil {
		return err
	}
	target, err := lensFrom(*lensRef)
	if err != nil {
		return err
	}
	var prof *awaf.Assessment
	if *profile != "" {
		if err := checkInput(*profile, "an answers file (YAML)"); err != nil {
			return err
		}
		if prof, err = answers.Load(*profile); err != nil {
			return err
		}
	}
	opt := mscsv.Options{Lens: target, LensID: *lensID}
	if prof != nil {
		opt.Profile = &prof.Profile
	}
	res, err := mscsv.Import(in, bytes.NewReader(data), opt)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// Plan every file first and check each; write only when all are good.
	type file struct {
		path string
		data []byte // a lens
		a    *awaf.Assessment
		lens string // the lens file the answers a are given against, if not built in
		what string
	}
	var files []file
	dir := filepath.Dir(*out)
	var made *awaf.Lens
	if res.Lens != nil {
		y, err := lens.MarshalYAML(res.Lens)
		if err != nil {
			return err
		}
		lensPath := filepath.Join(dir, mscsv.LensFile(res.Lens.ID))
		if made, err = lens.Parse(lensPath, y); err != nil {
			return fmt.Errorf("the lens made from the CSV does not validate (a bug in the importer): %w", err)
		}
		files = append(files, file{path: lensPath, data: y, what: fmt.Sprintf("lens %s made from the CSV: %s in %s", made.ID, plural(len(made.Questions), "question"), plural(len(made.Areas), "area"))})
	}
	type scored struct {
		a    *awaf.Assessment
		l    *awaf.Lens
		path string
	}
	var sets []scored
	lensFileOf := func(l *awaf.Lens) string {
		if l == made {
			return filepath.Join(dir, mscsv.LensFile(made.ID))
		}
		if lens.IsFileRef(*lensRef) {
			return *lensRef
		}
		return ""
	}
	if res.Matched != nil {
		sets = append(sets, scored{res.Matched, target, *out})
	}
	if res.Answers != nil {
		p := *out
		if res.Matched != nil {
			p = filepath.Join(dir, made.ID+".yaml")
		}
		sets = append(sets, scored{res.Answers, made, p})
	}
	var results []*awaf.Result
	for _, s := range sets {
		if prof != nil {
			s.a.Profile = prof.Profile
			s.a.Workload = prof.Workload
		}
		r, err := assess.Evaluate(s.l, s.a)
		if err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
		results = append(results, r)
		data, err := answers.Encode(s.a)
		if err != nil {
			return err
		}
		// The answers must read back and fit their lens, as `awaf report` will check.
		f, err := answers.Parse(s.path, data)
		if err != nil {
			return fmt.Errorf("the imported answers do not read back (a bug in the importer): %w", err)
		}
		if err := f.Check(s.l); err != nil {
			return fmt.Errorf("the imported answers do not fit lens %s (a bug in the importer): %w", s.l.ID, err)
		}
		// An existing answers file is merged into, never replaced by another
		// assessment (without --force): checked for every file before the first write.
		if err := answers.CheckWrite(s.path, s.a, answers.WriteOptions{Mode: answers.Merge, Force: fl.force}); err != nil {
			return err
		}
		files = append(files, file{path: s.path, a: s.a, lens: lensFileOf(s.l), what: fmt.Sprintf("%s to lens %s %s", plural(len(s.a.Answers), "answer"), s.l.ID, s.l.Version)})
	}
	for _, f := range files {
		if f.a == nil {
			if err := answers.WriteFileAtomic(f.path, f.data, 0o644); err != nil {
				return err
			}
		} else if _, err := answers.Write(f.path, f.a, answers.WriteOptions{Mode: answers.Merge, Force: fl.force, LensFile: f.lens}); err != nil {
			return err
		}
		wrote(s, f.path, f.what)
	}
	for _, w := range res.Warnings {
		warn(s, "%s", w)
	}
	// Microsoft's categories are the areas of the made lens, or the pillars of a
	// matched one (awaf's own CSV).
	if err := mscsv.WriteScores(stdout, res.Compare(results[len(results)-1])); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "awaf: report it with: awaf report --answers %s\n", sets[len(sets)-1].path)
	return nil
}
