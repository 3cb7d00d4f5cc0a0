package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/awslens"
	"github.com/awaf/awaf/internal/lens"
)

const lensImportUsage = `Usage:
  awaf lens import aws FILE.json [-o lens.yaml] [--id ID] [--version 1.0.0] [--pillar AWSID=PILLAR,...]
  awaf lens import checklist FILE.json [-o lens.yaml] [--id ID] [--version 1.0.0] [--answers awaf.yaml]

Maps an AWS Well-Architected custom lens, or an Azure review checklist, onto the awaf
lens format. The lens is checked as 'awaf lens validate' would before anything is
written; without -o it goes to standard output.
`

// lensImport runs `awaf lens import aws|checklist FILE`.
func lensImport(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, lensImportUsage)
		return errUsage
	}
	kind := args[0]
	fs := flag.NewFlagSet("awaf lens import "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lensImportUsage) }
	out := fs.String("o", "", "write the lens to this file instead of standard output")
	id := fs.String("id", "", "lens id (default: derived from the source's name)")
	version := fs.String("version", "", "lens version (default "+awslens.DefaultVersion+")")
	pillars := fs.String("pillar", "", "aws: map AWS pillar ids onto awaf pillars, e.g. sustainability=cost+performance")
	answersOut := fs.String("answers", "", "checklist: also write the items' statuses as an answers file")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "takes one input file")
	}
	in := fs.Arg(0)
	data, err := readInput(in)
	if err != nil {
		return err
	}
	var l *awaf.Lens
	var a *awaf.Assessment
	switch kind {
	case "aws":
		opt := awslens.Options{ID: *id, Version: *version}
		if opt.Pillars, err = parsePillarMap(*pillars); err != nil {
			return usageError(fs, err.Error())
		}
		l, err = awslens.ParseImport(in, data, opt)
	case "checklist":
		l, a, err = importChecklist(in, data, *id, *version)
	default:
		fmt.Fprintf(stderr, "awaf lens import: unknown source %q (aws or checklist)\n\n%s", kind, lensImportUsage)
		return errUsage
	}
	if err != nil {
		return err
	}
	y, err := lens.MarshalYAML(l)
	if err != nil {
		return err
	}
	// The lens must load as written; a mapping bug must never leave a broken file.
	if _, err := lens.Parse(orStdout(*out), y); err != nil {
		return fmt.Errorf("imported lens does not validate (a bug in the importer): %w", err)
	}
	if *answersOut != "" && a == nil {
		return usageError(fs, "--answers works with checklist imports only")
	}
	if err := writeOutput(*out, y, stdout); err != nil {
		return err
	}
	if a != nil && *answersOut != "" {
		if err := answers.Save(*answersOut, a); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s: %d answers from the checklist statuses\n", *answersOut, len(a.Answers))
	}
	if *out != "" {
		choices := 0
		for _, q := range l.Questions {
			choices += len(q.Choices)
		}
		fmt.Fprintf(stderr, "wrote %s: lens %s %s, %d questions, %d choices, %d areas\n", *out, l.ID, l.Version, len(l.Questions), choices, len(l.Areas))
	}
	return nil
}

const lensExportUsage = `Usage:
  awaf lens export aws ID|FILE [-o lens.json]

Writes a built-in lens or a lens file as an AWS Well-Architected custom lens. A lens
imported from AWS comes back with its original ids; every item beyond AWS's limits is
listed and nothing is written.
`

// lensExport runs `awaf lens export aws ID|FILE`.
func lensExport(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "aws" {
		fmt.Fprint(stderr, lensExportUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("awaf lens export aws", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lensExportUsage) }
	out := fs.String("o", "", "write the AWS JSON to this file instead of standard output")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "takes one lens id or file")
	}
	l, err := lens.Resolve(fs.Arg(0))
	if err != nil {
		return err
	}
	b, err := awslens.ExportJSON(l)
	if err != nil {
		return err
	}
	if err := writeOutput(*out, b, stdout); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stderr, "wrote %s: AWS custom lens %q, %d bytes\n", *out, l.Name, len(b))
	}
	return nil
}

func parsePillarMap(s string) (map[string][]awaf.PillarID, error) {
	if s == "" {
		return nil, nil
	}
	out := map[string][]awaf.PillarID{}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("--pillar %q: expected AWSID=PILLAR[+PILLAR]", pair)
		}
		for _, p := range strings.Split(v, "+") {
			id := awaf.PillarID(p)
			if !contains(awaf.Pillars, id) {
				return nil, fmt.Errorf("--pillar %s: %q is not one of security, reliability, cost, operations, performance, responsible-ai", k, p)
			}
			out[k] = append(out[k], id)
		}
	}
	return out, nil
}

func contains[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// maxInput bounds any file an importer reads; each importer applies its own tighter
// limit with a located message.
const maxInput = 8 << 20

func readInput(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "%s: no such file", path)
	}
	if fi.IsDir() {
		return nil, awaf.Errorf(awaf.EINVALID, "%s is a directory, not a file", path)
	}
	if fi.Size() > maxInput {
		return nil, awaf.Problems{{Location: awaf.Location{File: path}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", fi.Size(), maxInput)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// writeOutput writes data to path atomically, or to stdout when path is empty or "-".
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return answers.WriteFileAtomic(path, data, 0o644)
}

func orStdout(path string) string {
	if path == "" || path == "-" {
		return "<stdout>"
	}
	return path
}
