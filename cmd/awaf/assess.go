package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/term"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/assess"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/questionnaire"
)

func runAssess(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf assess", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("answers", "awaf.yaml", "answers file to create or resume; saved after every answer")
	lensRef := fs.String("lens", "", "lens id or file for a new answers file (default: the built-in AI lens)")
	pillar := fs.String("pillar", "", "ask only this pillar's questions: security, reliability, cost, operations, performance, responsible-ai")
	area := fs.String("area", "", "ask only this design area's questions, e.g. grounding-data")
	profile := fs.Bool("profile", false, "ask the workload profile again")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf assess [--answers awaf.yaml] [--pillar P | --area A] [--profile]\n\n"+
			"Asks the workload profile, then the questions area by area. Type ? for guidance,\n"+
			"q to stop; answers are saved after each one and the next run resumes.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected arguments")
	}
	a, l, err := openAssessment(*path, *lensRef, true)
	if err != nil {
		return err
	}
	if *pillar != "" {
		if _, ok := l.Pillar(awaf.PillarID(*pillar)); !ok {
			return awaf.Errorf(awaf.EINVALID, "lens %s has no pillar %q", l.ID, *pillar)
		}
	}
	if *area != "" {
		if _, ok := l.Area(awaf.AreaID(*area)); !ok {
			return awaf.Errorf(awaf.EINVALID, "lens %s has no design area %q", l.ID, *area)
		}
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
	s := &questionnaire.Session{
		Lens: l, Assessment: a,
		Save:    func(a *awaf.Assessment) error { return answers.Save(*path, a) },
		Pillar:  awaf.PillarID(*pillar),
		Area:    awaf.AreaID(*area),
		Profile: *profile,
		In:      stdin, Out: stdout,
	}
	fmt.Fprintf(stdout, "awaf assess: %s %s, answers in %s\n", l.Name, l.Version, *path)
	err = s.Run(ctx)
	if errors.Is(err, questionnaire.ErrQuit) {
		fmt.Fprintf(stdout, "Stopped. Your answers are saved in %s; run `awaf assess --answers %s` to resume.\n", *path, *path)
		return nil
	}
	return err
}

// openAssessment loads an answers file and the lens it names, checking the answers
// against the lens. With create, a missing file starts a new assessment on lensRef.
func openAssessment(path, lensRef string, create bool) (*awaf.Assessment, *awaf.Lens, error) {
	f, err := answers.LoadFile(path)
	if awaf.ErrorCode(err) == awaf.ENOTFOUND && create {
		l, err := lens.Resolve(lensRef)
		if err != nil {
			return nil, nil, err
		}
		return &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version, File: lensFileFor(path, lensRef)}}, l, nil
	} else if err != nil {
		return nil, nil, err
	}
	var l *awaf.Lens
	if ref := lensRef; ref != "" || f.Lens.File == "" {
		if ref == "" {
			ref = f.Lens.ID
		}
		if l, err = lens.Resolve(ref); err != nil {
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
	abs, err1 := filepath.Abs(ref)
	dir, err2 := filepath.Abs(filepath.Dir(path))
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(ref)
	}
	if rel, err := filepath.Rel(dir, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
