package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/questionnaire"
)

// assessFlags are the flags of awaf assess.
type assessFlags struct {
	answers, lens, pillar, area string
	profile                     bool
}

func newAssessCmd(s *streams) *cobra.Command {
	var f assessFlags
	cmd := &cobra.Command{
		Use:   "assess [--pillar P | --area A]",
		Short: "answer the assessment in the terminal (saves after every answer)",
		Long: `Asks the workload profile, then the questions area by area. Type ? for guidance,
h for every key (s skips, g N jumps, r reviews), q to stop. Every answer and every
profile field is saved at once; the next run resumes at the first unanswered
question. Ctrl-C stops with what was given saved and exits 130. An answers file of
another lens is never replaced.

Without a terminal on standard input it asks nothing: it succeeds when every
applicable question is answered, and exits 2 otherwise, so CI can use it as a check.`,
		Example: `  awaf assess
  awaf assess --answers team.yaml --pillar security
  awaf assess --lens team.lens.yaml --answers team.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAssess(cmd.Context(), &f, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.answers, "answers", "awaf.yaml", "answers `FILE` to create or resume; saved after every answer")
	fl.StringVar(&f.lens, "lens", "", "lens `ID|FILE` for a new answers file (default: the built-in AI lens)")
	fl.StringVar(&f.pillar, "pillar", "", "ask only this `pillar`'s questions: security, reliability, cost, operations, performance, responsible-ai")
	fl.StringVar(&f.area, "area", "", "ask only this design `area`'s questions, e.g. grounding-data")
	fl.BoolVar(&f.profile, "profile", false, "ask the workload profile again")
	_ = cmd.RegisterFlagCompletionFunc("lens", completeLens(0))
	_ = cmd.RegisterFlagCompletionFunc("pillar", completeValues(false, lensPillarIDs))
	_ = cmd.RegisterFlagCompletionFunc("area", completeValues(false, lensAreaIDs))
	return cmd
}

func runAssess(ctx context.Context, f *assessFlags, s *streams) error {
	stdin, stdout := s.in, s.out
	path, pillar, area := &f.answers, &f.pillar, &f.area
	if *pillar != "" && *area != "" {
		return usagef(nil, "--pillar and --area narrow the sitting in different ways; give one, not both")
	}
	existed := exists(*path)
	if !existed {
		// A new answers file is saved after the first answer: its folder must exist.
		if err := checkOutput(*path); err != nil {
			return err
		}
	}
	a, l, err := openAssessment(*path, f.lens, true)
	if err != nil {
		return err
	}
	if err := checkScope(l, *pillar, *area); err != nil {
		return err
	}
	if !isTerminal(stdin) {
		// Without a person at a terminal there is nobody to ask: succeed only when
		// there is nothing left to ask, so scripts and CI can call it as a check.
		r, err := assess.Evaluate(l, a)
		if err != nil {
			return err
		}
		if !a.Profile.Complete() || r.Overall.Unanswered > 0 {
			return awaf.Errorf(awaf.EINVALID, "%s: %d of %d applicable questions unanswered and profile complete: %t; "+
				"awaf assess asks questions only in a terminal (stdin is not one)", *path, r.Overall.Unanswered, r.Overall.Questions, a.Profile.Complete())
		}
		fmt.Fprintf(stdout, "%s: all %d applicable questions are answered. Run `awaf report --answers %s`.\n", *path, r.Overall.Questions, *path)
		return nil
	}
	qs := &questionnaire.Session{
		Lens: l, Assessment: a,
		Save: func(a *awaf.Assessment) error {
			_, err := answers.Write(*path, a, answers.WriteOptions{Mode: answers.Replace})
			return err
		},
		Pillar:  awaf.PillarID(*pillar),
		Area:    awaf.AreaID(*area),
		Profile: f.profile,
		In:      stdin, Out: stdout,
	}
	if out, ok := stdout.(*os.File); ok {
		if w, h, err := term.GetSize(int(out.Fd())); err == nil {
			qs.Width, qs.Height = w, h
		}
	}
	fmt.Fprintf(stdout, "awaf assess: %s %s, answers in %s\n", l.Name, l.Version, *path)
	err = qs.Run(ctx)
	if errors.Is(err, questionnaire.ErrQuit) {
		// Claim a save only when there is one: a file from before, or a save now.
		if qs.Saved() || existed {
			fmt.Fprintf(stdout, "Stopped. Your answers are saved in %s; run `awaf assess --answers %s` to resume.\n", *path, *path)
		} else {
			fmt.Fprintf(stdout, "Stopped. Nothing was saved: %s was not created.\n", *path)
		}
		if errors.Is(err, questionnaire.ErrInterrupted) {
			return &exitError{code: 130} // 128 + SIGINT, as shells expect
		}
		return nil
	}
	return err
}

// checkScope checks --pillar and --area against the lens, listing the valid values.
func checkScope(l *awaf.Lens, pillar, area string) error {
	if pillar != "" {
		if _, ok := l.Pillar(awaf.PillarID(pillar)); !ok {
			var ids []string
			for _, p := range l.Pillars {
				ids = append(ids, string(p.ID))
			}
			return awaf.Errorf(awaf.EINVALID, "--pillar %q: lens %s has pillars %s%s", pillar, l.ID, orList(ids), didYouMean(pillar, ids, ""))
		}
	}
	if area != "" {
		if _, ok := l.Area(awaf.AreaID(area)); !ok {
			var ids []string
			for _, a := range l.Areas {
				ids = append(ids, string(a.ID))
			}
			return awaf.Errorf(awaf.EINVALID, "--area %q: lens %s has design areas %s%s", area, l.ID, orList(ids), didYouMean(area, ids, ""))
		}
	}
	return nil
}

// openAssessment loads an answers file and the lens it names, checking the answers
// against the lens. With create, a missing file starts a new assessment on lensRef.
func openAssessment(path, lensRef string, create bool) (*awaf.Assessment, *awaf.Lens, error) {
	err := checkInput(path, "an answers file (YAML)")
	var f *answers.File
	if err == nil {
		f, err = answers.LoadFile(path)
	}
	if awaf.ErrorCode(err) == awaf.ENOTFOUND && create {
		l, err := lensFrom(lensRef)
		if err != nil {
			return nil, nil, err
		}
		return &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version, File: lensFileFor(path, lensRef)}}, l, nil
	} else if err != nil {
		return nil, nil, err
	}
	var l *awaf.Lens
	if lensRef == "" && f.Lens.File == "" && f.Lens.ID != "" && !lens.IsFileRef(f.Lens.ID) && !exists(f.Lens.ID) {
		if l, err = builtinFor(f.Lens); err != nil {
			return nil, nil, fmt.Errorf("%s names lens %q; pass its file with --lens: %w", path, f.Lens.ID, err)
		}
	} else if ref := lensRef; ref != "" || f.Lens.File == "" {
		if ref == "" {
			ref = f.Lens.ID
		}
		if l, err = lensFrom(ref); err != nil {
			return nil, nil, fmt.Errorf("%s names lens %q; pass its file with --lens: %w", path, ref, err)
		}
	} else if l, err = lens.LoadFile(recordedLens(path, f.Lens.File)); err != nil {
		return nil, nil, fmt.Errorf("%s names lens file %s: %w", path, f.Lens.File, err)
	}
	if err := f.Check(l); err != nil {
		return nil, nil, err
	}
	if f.Lens.ID == "" {
		f.Lens = awaf.LensRef{ID: l.ID, Version: l.Version}
	}
	if file := lensFileFor(path, lensRef); file != "" {
		f.Lens.File = file // saved with the answers, so the next command needs no --lens
	}
	return f.Assessment, l, nil
}

// recordedLens gives the path of the lens file that the answers at path recorded.
func recordedLens(path, file string) string {
	return filepath.Join(filepath.Dir(path), filepath.FromSlash(file))
}

// lensFileFor gives the lens file ref names, relative to the answers file at path and
// slash-separated; "" when ref is a built-in lens id (or empty).
func lensFileFor(path, ref string) string {
	if ref == "" || !lens.IsFileRef(ref) {
		return ""
	}
	return answers.LensFileRef(path, ref)
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
