package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/awslens"
	"github.com/awaf/awaf/internal/checklist"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/lensdiff"
)

const lensImportUsage = `Usage:
  awaf lens import aws FILE.json [-o lens.yaml] [--id ID] [--version 1.0.0] [--pillar AWSID=PILLAR,...]
  awaf lens import checklist FILE.json [-o lens.yaml] [--id ID] [--version 1.0.0] [--answers awaf.yaml]
                                     [--schema checklist.schema.json] [--lenient]

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
	if kind != "aws" && kind != "checklist" {
		fmt.Fprintf(stderr, "awaf lens import: unknown source %q (aws or checklist)\n\n%s", kind, lensImportUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("awaf lens import "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lensImportUsage) }
	out := fs.String("o", "", "write the lens to this file instead of standard output")
	id := fs.String("id", "", "lens id (default: derived from the source's name)")
	version := fs.String("version", "", "lens version (default "+awslens.DefaultVersion+")")
	pillars := fs.String("pillar", "", "aws: map AWS pillar ids onto awaf pillars, e.g. sustainability=cost+performance")
	answersOut := fs.String("answers", "", "checklist: also write the items' statuses as an answers file")
	schema := fs.String("schema", "", "checklist: also validate against this JSON Schema file (e.g. checklist.schema.json)")
	lenient := fs.Bool("lenient", false, "checklist: accept items without category, subcategory or severity, filling defaults, and warn")
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
		if *schema != "" {
			s, err := checklist.LoadSchema(*schema)
			if err != nil {
				return err
			}
			if err := s.Validate(in, data); err != nil {
				return err
			}
		}
		l, a, err = importChecklist(in, data, *id, *version, *lenient, stderr)
	}
	if err != nil {
		return err
	}
	y, err := lens.MarshalYAML(l)
	if err != nil {
		return err
	}
	if len(y) > lens.MaxSize {
		return awaf.Errorf(awaf.ETOOLARGE, "%s: the lens would be %d bytes, more than the %d bytes a lens file may have; split the source", in, len(y), lens.MaxSize)
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

// importChecklist maps a review checklist onto a lens, and its item statuses, when it
// has any, onto answers to that lens.
func importChecklist(name string, data []byte, id, version string, lenient bool, stderr io.Writer) (*awaf.Lens, *awaf.Assessment, error) {
	var f *checklist.File
	var err error
	if lenient {
		var warnings awaf.Problems
		f, warnings, err = checklist.ParseLenient(name, data)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
	} else {
		f, err = checklist.Parse(name, data)
	}
	if err != nil {
		if !lenient {
			err = fmt.Errorf("%w\n(--lenient accepts items without category, subcategory or severity)", err)
		}
		return nil, nil, err
	}
	l, err := checklist.Lens(f, checklist.Options{ID: id, Version: version})
	if err != nil {
		return nil, nil, err
	}
	// Answers name the lens's ids as the YAML holds them, so build them from the
	// lens as it will load.
	y, err := lens.MarshalYAML(l)
	if err != nil {
		return nil, nil, err
	}
	if len(y) > lens.MaxSize {
		return nil, nil, awaf.Errorf(awaf.ETOOLARGE, "%s: the lens would be %d bytes, more than the %d bytes a lens file may have; split the checklist", name, len(y), lens.MaxSize)
	}
	loaded, err := lens.Parse(name, y)
	if err != nil {
		return nil, nil, fmt.Errorf("imported lens does not validate (a bug in the importer): %w", err)
	}
	a, err := checklist.Assessment(f, loaded)
	if err != nil {
		return nil, nil, err
	}
	return l, a, nil
}

// resolveLens reads a lens from a built-in id, a lens YAML file, or an AWS custom lens
// JSON file (imported on the fly, so two AWS versions can be compared).
func resolveLens(ref string) (*awaf.Lens, error) {
	if strings.HasSuffix(strings.ToLower(ref), ".json") {
		data, err := readInput(ref)
		if err != nil {
			return nil, err
		}
		return awslens.ParseImport(ref, data, awslens.Options{})
	}
	return lens.Resolve(ref)
}

const lensDiffUsage = `Usage:
  awaf lens diff OLD NEW [--format text|json]

Lists the questions and choices added, removed and changed between two lenses (built-in
ids, lens files, or AWS custom lens JSON files).
`

func lensDiff(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf lens diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lensDiffUsage) }
	format := fs.String("format", "text", "text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError(fs, "takes two lenses: OLD NEW")
	}
	old, err := resolveLens(fs.Arg(0))
	if err != nil {
		return err
	}
	nw, err := resolveLens(fs.Arg(1))
	if err != nil {
		return err
	}
	d := lensdiff.Compare(old, nw)
	switch *format {
	case "text":
		return d.WriteText(stdout)
	case "json":
		return d.WriteJSON(stdout)
	}
	return usageError(fs, fmt.Sprintf("unknown format %q (text or json)", *format))
}

const lensUpgradeUsage = `Usage:
  awaf lens upgrade --to VERSION|ID|FILE [--answers awaf.yaml] [--from OLD-LENS] [--dry-run]

Moves an answers file to another version of its lens. Answers whose question and
choice ids exist in the new version are kept; the rest are listed as dropped, and new
questions start unanswered. The old answers are first saved as a milestone next to
the file: awaf.yaml.milestone-<old version>-<date>.yaml.
`

func lensUpgrade(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf lens upgrade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lensUpgradeUsage) }
	path := fs.String("answers", "awaf.yaml", "answers file to upgrade")
	to := fs.String("to", "", "the new lens: a version of the answers' built-in lens, a lens id, or a lens file")
	fromRef := fs.String("from", "", "the lens the answers were given against, when it is not built in (tells new questions apart)")
	dry := fs.Bool("dry-run", false, "report what would change and write nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *to == "" {
		return usageError(fs, "needs --to and no other arguments")
	}
	raw, err := readInput(*path)
	if err != nil {
		return err
	}
	f, err := answers.Parse(*path, raw)
	if err != nil {
		return err
	}
	target, err := upgradeTarget(*to, f.Lens)
	if err != nil {
		return err
	}
	var from *awaf.Lens
	if *fromRef != "" {
		if from, err = resolveLens(*fromRef); err != nil {
			return err
		}
	} else if l, err := lens.Resolve(f.Lens.ID); err == nil && l.Version == f.Lens.Version {
		from = l
	}
	if target.ID == f.Lens.ID && target.Version == f.Lens.Version {
		fmt.Fprintf(stdout, "%s: already on lens %s %s; nothing to do\n", *path, target.ID, target.Version)
		return nil
	}
	upgraded, u := lensdiff.Carry(f.Assessment, from, target)
	fmt.Fprintf(stdout, "%s: lens %s %s -> %s %s: %d answers kept, %d dropped, %d new questions\n",
		*path, u.From.ID, orText(u.From.Version, "(no version)"), u.To.ID, u.To.Version, u.Kept, len(u.Dropped), len(u.NewQuestions))
	for _, d := range u.Dropped {
		what := "answer to " + d.Question
		if len(d.Choices) > 0 {
			what = d.Question + ": " + strings.Join(d.Choices, ", ")
		}
		fmt.Fprintf(stdout, "  dropped %s (%s)\n", what, d.Reason)
	}
	for _, q := range u.NewQuestions {
		fmt.Fprintf(stdout, "  new question %s (unanswered)\n", q)
	}
	if *dry {
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	}
	milestone := milestonePath(*path, f.Lens.Version, reportTime())
	if err := answers.WriteFileAtomic(milestone, raw, 0o644); err != nil {
		return err
	}
	if err := answers.Save(*path, upgraded); err != nil {
		return fmt.Errorf("%w (the old answers are safe in %s)", err, milestone)
	}
	fmt.Fprintf(stdout, "saved the old answers as %s\n", milestone)
	return nil
}

// upgradeTarget finds the lens to upgrade to: a file, a version of the answers' own
// built-in lens, or another lens id.
func upgradeTarget(to string, cur awaf.LensRef) (*awaf.Lens, error) {
	if strings.ContainsAny(to, `/\`) || strings.HasSuffix(to, ".yaml") || strings.HasSuffix(to, ".yml") || strings.HasSuffix(to, ".json") {
		return resolveLens(to)
	}
	if semverish(to) {
		l, err := lens.Resolve(cur.ID)
		if err != nil {
			return nil, awaf.Errorf(awaf.ENOTFOUND, "lens %s is not built in; pass the new version's file with --to", cur.ID)
		}
		if l.Version != to {
			return nil, awaf.Errorf(awaf.ENOTFOUND, "lens %s %s is not available: this awaf has version %s built in; pass a lens file with --to", cur.ID, to, l.Version)
		}
		return l, nil
	}
	return lens.Resolve(to)
}

func semverish(s string) bool {
	s = strings.TrimPrefix(s, "v")
	parts := strings.SplitN(strings.SplitN(s, "-", 2)[0], ".", 3)
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// milestonePath names the copy of the answers kept before an upgrade, never reusing an
// existing file.
func milestonePath(path, version string, now time.Time) string {
	version = orText(version, "unversioned")
	base := fmt.Sprintf("%s.milestone-%s-%s", path, version, now.Format("20060102"))
	p := base + ".yaml"
	for n := 2; ; n++ {
		if _, err := os.Stat(p); err != nil {
			return p
		}
		p = fmt.Sprintf("%s-%d.yaml", base, n)
	}
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

const lensNewUsage = `Usage:
  awaf lens new ID [-o FILE] [--force]

Writes a commented lens scaffold with one area, one question and its choices, ready
for 'awaf lens validate'. ID is the lens id: lower case letters, digits and hyphens.
`

// lensScaffold is the starting point of a team's own lens. %[1]s is the id, %[2]s a
// display name. Every key is explained where it is set; docs/lens-format.md has the rest.
const lensScaffold = `# yaml-language-server: $schema=https://raw.githubusercontent.com/awaf/awaf/main/docs/lens.schema.json
# Lens %[1]s: written with 'awaf lens new'. Check it with 'awaf lens validate FILE';
# the format is described in docs/lens-format.md.

# id: lower case letters, digits and hyphens; answers files refer to the lens by it.
id: %[1]s
name: %[2]s
# version: semantic version; raise it when questions or choices change, then move
# answers with 'awaf lens upgrade --to FILE'.
version: 0.1.0
description: What this lens reviews, and for which workloads.

# pillars: the columns the lens scores, from security, reliability, cost, operations,
# performance and responsible-ai. Declare only those the questions use.
pillars:
  - id: security
    name: Security
  - id: operations
    name: Operational Excellence

# areas: the design areas that group questions in reports.
areas:
  - id: platform
    name: Platform
    description: How the workload's platform is set up.

questions:
  # id: lower case letters, digits and underscores, unique in the lens.
  - id: secrets_handling
    title: How does the workload keep its secrets?
    description: Optional context shown under the title.
    area: platform
    pillars: [security, operations]
    # applies: a CEL condition over the workload profile; leave it out to always ask.
    applies: "'generative' in kinds || 'agents' in kinds"
    notApplicableReason: Only workloads that call models hold model keys.
    links:
      - title: Key Vault best practices
        url: https://learn.microsoft.com/azure/key-vault/general/best-practices
    choices:
      # Each practice: weight 1-100 within the question, effort low|medium|high,
      # pillars from the question's, guidance in three parts and at least one link.
      - id: sh_key_vault
        title: Secrets live in Key Vault, never in code or configuration files
        weight: 40
        effort: low
        pillars: [security]
        guidance:
          what: Move every key and connection string to Key Vault and read it at run time.
          why: Secrets in code or settings leak through repositories, logs and images.
          verify: Search the repository and deployment settings for keys; none are found.
        links:
          - title: About Azure Key Vault
            url: https://learn.microsoft.com/azure/key-vault/general/overview
      - id: sh_managed_identity
        title: The workload reaches services with managed identities, not keys
        weight: 40
        effort: medium
        pillars: [security, operations]
        guidance:
          what: Give the workload a managed identity and grant it roles on each service.
          why: An identity cannot be copied out of a configuration file like a key can.
          verify: Local (key) authentication is disabled on the services the workload calls.
        links:
          - title: Managed identities for Azure resources
            url: https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview
      - id: sh_rotation
        title: Remaining keys are rotated on a schedule
        weight: 20
        effort: medium
        pillars: [operations]
        guidance:
          what: Rotate every key that cannot be replaced by an identity, automatically.
          why: A leaked key stops working at the next rotation.
          verify: Key Vault shows a rotation policy on each key and secret.
        links:
          - title: Configure key auto-rotation
            url: https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation
      # Exactly one "none of these" choice, last; it takes no weight or guidance.
      - id: sh_none
        title: None of these
        none: true
    # risk: rules tried in order, first match wins; conditions are CEL over the
    # question's choice ids. Without rules, risk follows the score.
    risk:
      - when: sh_key_vault && sh_managed_identity
        risk: none
      - when: sh_none || !sh_key_vault
        risk: high
      - when: default
        risk: medium
`

var lensIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`)

func lensNew(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf lens new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lensNewUsage) }
	out := fs.String("o", "", "write the scaffold to this file instead of standard output")
	force := fs.Bool("force", false, "overwrite an existing file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "takes one lens id")
	}
	id := fs.Arg(0)
	if !lensIDPattern.MatchString(id) {
		return awaf.Errorf(awaf.EINVALID, "lens id %q must match %s, e.g. team-ai-review", id, lensIDPattern)
	}
	name := strings.ToUpper(id[:1]) + strings.ReplaceAll(id[1:], "-", " ")
	data := []byte(fmt.Sprintf(lensScaffold, id, name))
	if _, err := lens.Parse(orStdout(*out), data); err != nil {
		return fmt.Errorf("the scaffold does not validate (a bug): %w", err)
	}
	if *out != "" && *out != "-" && !*force {
		if _, err := os.Stat(*out); err == nil {
			return awaf.Errorf(awaf.ECONFLICT, "%s exists; pass --force to overwrite it", *out)
		}
	}
	if err := writeOutput(*out, data, stdout); err != nil {
		return err
	}
	if *out != "" && *out != "-" {
		fmt.Fprintf(stderr, "wrote %s: check it with 'awaf lens validate %s'\n", *out, *out)
	}
	return nil
}
