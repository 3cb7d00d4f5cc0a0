package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/awslens"
	"github.com/awaf/awaf/internal/checklist"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/lensdiff"
)

// lensImportFlags are the flags of awaf lens import aws and checklist.
type lensImportFlags struct {
	out, id, version string
	pillars          string // aws
	answers          string
	schema           string // checklist
	lenient, verbose bool   // checklist
	force            bool   // replace an answers file of another lens or workload
}

func newLensImportCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "map an AWS custom lens or an Azure review checklist onto a lens",
		Long: `Maps an AWS Well-Architected custom lens, or an Azure review checklist (either shape:
the checklists or the service guides), onto the awaf lens format. The lens is checked
as 'awaf lens validate' would before anything is written; without -o it goes to
standard output. With --answers and -o, the answers name the lens file, so
'awaf report --answers' needs no --lens.`,
		Example: `  awaf lens import aws custom-lens.json -o team.lens.yaml
  awaf lens import checklist aks_checklist.en.json -o aks.lens.yaml --answers aks.yaml`,
		Args: subcommandArgs,
		RunE: showHelp,
	}
	sub := func(kind, short, example string) (*cobra.Command, *lensImportFlags) {
		var f lensImportFlags
		c := &cobra.Command{
			Use:     kind + " FILE.json",
			Short:   short,
			Example: example,
			Args:    argsExactly(1, "one input file"),
			RunE: func(cmd *cobra.Command, args []string) error {
				return lensImport(cmd, kind, args[0], &f, s)
			},
		}
		fl := c.Flags()
		fl.StringVarP(&f.out, "output", "o", "", "write the lens to `FILE` instead of standard output")
		fl.StringVar(&f.id, "id", "", "lens `ID` (default: derived from the source's name)")
		fl.StringVar(&f.version, "version", "", "lens `version` (default "+awslens.DefaultVersion+")")
		fl.StringVar(&f.answers, "answers", "", "also write an answers `FILE` that names the lens (checklist: with the items' statuses)")
		fl.BoolVar(&f.force, "force", false, "replace an --answers file that holds another lens's or workload's answers (same lens: merged)")
		cmd.AddCommand(c)
		return c, &f
	}
	aws, af := sub("aws", "map an AWS Well-Architected custom lens (JSON) onto a lens",
		"  awaf lens import aws custom-lens.json -o team.lens.yaml --pillar sustainability=cost+performance")
	aws.Flags().StringVar(&af.pillars, "pillar", "", "map AWS pillar ids onto awaf pillars, e.g. `sustainability=cost+performance`")
	cl, cf := sub("checklist", "map an Azure review checklist (JSON) onto a lens, and its statuses onto answers",
		"  awaf lens import checklist aks_checklist.en.json -o aks.lens.yaml --answers aks.yaml")
	cl.Flags().StringVar(&cf.schema, "schema", "", "also validate against this JSON Schema `FILE` (e.g. checklist.schema.json)")
	cl.Flags().BoolVar(&cf.verbose, "verbose", false, "list every warning, not one line per kind")
	cl.Flags().BoolVar(&cf.lenient, "lenient", false, "no longer needed: every published shape imports (kept for old scripts)")
	return cmd
}

// lensImport runs `awaf lens import aws|checklist FILE`.
func lensImport(cmd *cobra.Command, kind, in string, f *lensImportFlags, s *streams) error {
	stdout, stderr := s.out, s.err
	var pillarMap map[string][]awaf.PillarID
	if kind == "aws" {
		var err error
		if pillarMap, err = parsePillarMap(f.pillars); err != nil {
			return usagef(cmd, "%v", err)
		}
	}
	if err := checkOutput(f.out); err != nil {
		return err
	}
	if err := checkOutput(f.answers); err != nil {
		return err
	}
	want := "an AWS custom lens (JSON)"
	if kind == "checklist" {
		want = "a review checklist (JSON)"
	}
	data, err := readInput(in, want)
	if err != nil {
		return err
	}
	var l *awaf.Lens
	var a *awaf.Assessment
	switch kind {
	case "aws":
		if l, err = awslens.ParseImport(in, data, awslens.Options{ID: f.id, Version: f.version, Pillars: pillarMap}); err == nil {
			// A starting answers file for --answers: no answers yet, the lens named.
			a = &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version}, Workload: awaf.Workload{Name: l.Name}}
		}
	case "checklist":
		if f.schema != "" {
			if err := checkInput(f.schema, "a JSON Schema file"); err != nil {
				return err
			}
			sch, err := checklist.LoadSchema(f.schema)
			if err != nil {
				return err
			}
			if err := sch.Validate(in, data); err != nil {
				return err
			}
		}
		l, a, err = importChecklist(in, data, f.id, f.version, f.verbose, s)
	}
	if err != nil {
		return err
	}
	if f.answers != "" && f.out != "" && f.out != "-" {
		if abs, err := filepath.Abs(f.out); err == nil {
			a.Lens.File = lensFileFor(f.answers, abs) // the next command needs no --lens
		}
	}
	y, err := lens.MarshalYAML(l)
	if err != nil {
		return err
	}
	if len(y) > lens.MaxSize {
		return awaf.Errorf(awaf.ETOOLARGE, "%s: the lens would be %d bytes, more than the %d bytes a lens file may have; split the source", in, len(y), lens.MaxSize)
	}
	// The lens must load as written; a mapping bug must never leave a broken file.
	if _, err := lens.Parse(orStdout(f.out), y); err != nil {
		return fmt.Errorf("imported lens does not validate (a bug in the importer): %w", err)
	}
	// An existing answers file of the same lens is merged into; one of another lens or
	// workload is never replaced without --force.
	wopt := answers.WriteOptions{Mode: answers.Merge, Force: f.force}
	if f.answers != "" {
		// Both files or neither: the answers' folder must exist before the lens is
		// written, and the answers file rule is checked first, so a refusal leaves
		// nothing behind.
		if fi, err := os.Stat(filepath.Dir(f.answers)); err != nil || !fi.IsDir() {
			return awaf.Errorf(awaf.ENOTFOUND, "--answers %s: no folder %s", f.answers, filepath.Dir(f.answers))
		}
		if err := answers.CheckWrite(f.answers, a, wopt); err != nil {
			return err
		}
		if a.Lens.File == "" {
			fmt.Fprintf(stderr, "awaf: note: the lens goes to standard output, so %s cannot name it; pass -o FILE, or --lens to later commands\n", f.answers)
		}
	}
	if err := writeOutput(f.out, y, stdout); err != nil {
		return err
	}
	if f.answers != "" {
		n := len(a.Answers)
		w, err := answers.Write(f.answers, a, wopt)
		if err != nil {
			return err
		}
		what := plural(n, "answer") + " to lens " + l.ID
		if !w.Created {
			what += fmt.Sprintf(", merged: %d new, %d changed", w.Added, w.Replaced)
		}
		wrote(s, f.answers, what)
	}
	if f.out != "" {
		choices := 0
		for _, q := range l.Questions {
			choices += len(q.Choices)
		}
		wrote(s, f.out, fmt.Sprintf("lens %s %s, %s, %s, %s", l.ID, l.Version, plural(len(l.Questions), "question"), plural(choices, "choice"), plural(len(l.Areas), "area")))
	}
	return nil
}

func newLensExportCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "write a lens as an AWS custom lens",
		Long: `Writes a built-in lens or a lens file as an AWS Well-Architected custom lens. A lens
imported from AWS comes back with its original ids; every item beyond AWS's limits is
listed and nothing is written.`,
		Example: "  awaf lens export aws azure-ai-workload -o lens.json",
		Args:    subcommandArgs,
		RunE:    showHelp,
	}
	var out string
	aws := &cobra.Command{
		Use:               "aws ID|FILE",
		Short:             "write a lens as an AWS Well-Architected custom lens (JSON)",
		Example:           "  awaf lens export aws team.lens.yaml -o team-lens.json",
		Args:              argsExactly(1, "one lens id or file"),
		ValidArgsFunction: completeLens(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			l, err := lensFrom(args[0])
			if err != nil {
				return err
			}
			b, err := awslens.ExportJSON(l)
			if err != nil {
				return err
			}
			if err := writeOutput(out, b, s.out); err != nil {
				return err
			}
			if out != "" {
				wrote(s, out, fmt.Sprintf("AWS custom lens %q, %s", l.Name, plural(len(b), "byte")))
			}
			return nil
		},
	}
	aws.Flags().StringVarP(&out, "output", "o", "", "write the AWS JSON to `FILE` instead of standard output")
	cmd.AddCommand(aws)
	return cmd
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

// readInput reads a file the user named; want says what it should be, for messages.
func readInput(path, want string) ([]byte, error) {
	if err := checkInput(path, want); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if fi.Size() > maxInput {
		return nil, awaf.Problems{{Location: awaf.Location{File: path}, Message: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", fi.Size(), maxInput)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if err := checkText(path, data, want); err != nil {
		return nil, err
	}
	return data, nil
}

// checkText refuses a file that is not text before a parser makes rows or messages of
// its bytes: NUL bytes in the first 8 KB mark a binary file or UTF-16 text.
func checkText(path string, data []byte, want string) error {
	head := data[:min(len(data), 8<<10)]
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return awaf.Errorf(awaf.EINVALID, "%s is UTF-16 text: want %s in UTF-8; save it again as UTF-8", path, want)
	case bytes.IndexByte(head, 0) >= 0:
		return awaf.Errorf(awaf.EINVALID, "%s is a binary file, not text: want %s", path, want)
	}
	return nil
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
// has any, onto answers to that lens. Warnings go to stderr, one line per kind unless
// verbose.
func importChecklist(name string, data []byte, id, version string, verbose bool, s *streams) (*awaf.Lens, *awaf.Assessment, error) {
	f, err := checklist.Parse(name, data)
	if err != nil {
		return nil, nil, err
	}
	if verbose {
		for _, w := range f.Warnings {
			warn(s, "%s", w.Problem)
		}
	} else {
		for _, line := range checklist.Summary(f.Warnings) {
			warn(s, "%s", line)
		}
		if len(f.Warnings) > 1 {
			fmt.Fprintf(s.err, "awaf: %s in all; --verbose lists each\n", plural(len(f.Warnings), "warning"))
		}
	}
	l, y, compact, err := checklist.LensYAML(f, checklist.Options{ID: id, Version: version})
	if err != nil {
		return nil, nil, err
	}
	if compact {
		fmt.Fprintf(s.err, "awaf: note: %d items make a large lens; it is written compact: items without a description say %q in guidance.what instead of repeating their title, and checklist.severity is left to guidance.why\n", len(f.Items), "Do as the title says.")
	}
	if len(y) > lens.MaxSize {
		return nil, nil, awaf.Errorf(awaf.ETOOLARGE, "%s: the lens would be %d bytes, more than the %d bytes a lens file may have; split the checklist", name, len(y), lens.MaxSize)
	}
	// Answers name the lens's ids as the YAML holds them, so build them from the
	// lens as it will load.
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
		data, err := readInput(ref, "an AWS custom lens (JSON)")
		if err != nil {
			return nil, err
		}
		return awslens.ParseImport(ref, data, awslens.Options{})
	}
	return lensFrom(ref)
}

func newLensDiffCmd(s *streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "release notes between two lenses: added, removed, changed, moved and merged",
		Long: `Lists the questions and choices added, removed, changed, moved and merged between two
lenses, as release notes: each question's changes note (the lens's "changes" field)
is printed under it, and a choice or question that takes over old ones (its "replaces"
field) shows what it takes over instead of those being listed as removed.

A lens is a built-in id ("azure-ai-workload", the current version), a built-in id at an
earlier version this awaf still holds ("azure-ai-workload@1.0.0"), a lens YAML file, or
an AWS custom lens JSON file.`,
		Example: `  awaf lens diff azure-ai-workload@1.0.0 azure-ai-workload
  awaf lens diff azure-ai-workload@1.0.0 azure-ai-workload --format markdown > notes.md
  awaf lens diff team-v1.lens.yaml team-v2.lens.yaml
  awaf lens diff old-aws.json new-aws.json --format json`,
		Args:              argsExactly(2, "two lenses: OLD NEW"),
		ValidArgsFunction: completeLens(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "markdown" {
				return usagef(cmd, "unknown format %q (text, markdown or json)", format)
			}
			old, err := resolveLens(args[0])
			if err != nil {
				return err
			}
			nw, err := resolveLens(args[1])
			if err != nil {
				return err
			}
			d := lensdiff.Compare(old, nw)
			switch format {
			case "json":
				return d.WriteJSON(s.out)
			case "markdown":
				return d.WriteMarkdown(s.out)
			}
			return d.WriteText(s.out)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output `format`: text, markdown or json")
	enumFlag(cmd, "format", false, []string{"text", "markdown", "json"})
	return cmd
}

// lensUpgradeFlags are the flags of awaf lens upgrade.
type lensUpgradeFlags struct {
	answers, to, from string
	dryRun            bool
}

func newLensUpgradeCmd(s *streams) *cobra.Command {
	var f lensUpgradeFlags
	cmd := &cobra.Command{
		Use:   "upgrade --to VERSION|ID|FILE",
		Short: "move answers to a new lens version (keeps a milestone)",
		Long: `Moves an answers file to another version of its lens. Answers whose question and
choice ids exist in the new version are kept; selections of choices the new version
merged or moved (its "replaces" fields) go to the choices that take them over, with
their evidence, even in another question, and notes of merged questions are kept. The
rest are listed as dropped, with why; new questions start unanswered and new choices
unselected. The old answers are first saved as a milestone next to the file:
awaf.yaml.milestone-<old version>-<date>.yaml.

For a built-in lens the old version is the one the answers record, when this awaf
still holds it (awaf lens diff ID@VERSION ID shows what changed).`,
		Example: `  awaf lens upgrade --to 1.1.0 --dry-run
  awaf lens upgrade --to team-v2.lens.yaml --dry-run
  awaf lens upgrade --answers awaf.yaml --to team-v2.lens.yaml --from team-v1.lens.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.to == "" {
				return usagef(cmd, "--to is required: a lens version, id or file")
			}
			return lensUpgrade(&f, s.out)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.answers, "answers", "awaf.yaml", "answers `FILE` to upgrade")
	fl.StringVar(&f.to, "to", "", "the new lens: a `VERSION` of the answers' built-in lens, a lens id, or a lens file")
	fl.StringVar(&f.from, "from", "", "the `LENS` the answers were given against, when it is not built in (tells new questions apart)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "report what would change and write nothing")
	_ = cmd.RegisterFlagCompletionFunc("to", completeLens(0))
	_ = cmd.RegisterFlagCompletionFunc("from", completeLens(0))
	return cmd
}

func lensUpgrade(f *lensUpgradeFlags, stdout io.Writer) error {
	path := f.answers
	raw, err := readInput(path, "an answers file (YAML)")
	if err != nil {
		return err
	}
	af, err := answers.Parse(path, raw)
	if err != nil {
		return err
	}
	target, err := upgradeTarget(f.to, af.Lens)
	if err != nil {
		return err
	}
	if err := lensdiff.CheckUpgrade(af.Lens, target); err != nil {
		return err
	}
	var from *awaf.Lens
	if f.from != "" {
		if from, err = resolveLens(f.from); err != nil {
			return err
		}
	} else if af.Lens.Version != "" && !lens.IsFileRef(af.Lens.ID) {
		// The very version the answers were given on, when this binary holds it: its
		// ids tell new questions apart from old ones left unanswered.
		if l, err := lens.BuiltinVersion(af.Lens.ID, af.Lens.Version); err == nil {
			from = l
		}
	}
	if target.ID == af.Lens.ID && target.Version == af.Lens.Version {
		fmt.Fprintf(stdout, "%s: already on lens %s %s; nothing to do\n", path, target.ID, target.Version)
		return nil
	}
	upgraded, u := lensdiff.Carry(af.Assessment, from, target)
	writeUpgrade(stdout, path, u)
	if f.dryRun {
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	}
	milestone := milestonePath(path, af.Lens.Version, reportTime())
	if err := answers.WriteFileAtomic(milestone, raw, 0o644); err != nil {
		return err
	}
	var lensFile string // a lens file is recorded, so the next command needs no --lens
	if lens.IsFileRef(f.to) && !strings.HasSuffix(strings.ToLower(f.to), ".json") {
		lensFile = f.to
	}
	if _, err := answers.Write(path, upgraded, answers.WriteOptions{Mode: answers.Replace, LensFile: lensFile}); err != nil {
		return fmt.Errorf("%w (the old answers are safe in %s)", err, milestone)
	}
	fmt.Fprintf(stdout, "saved the old answers as %s\n", milestone)
	return nil
}

// writeUpgrade prints what an upgrade kept, moved, dropped and added.
func writeUpgrade(w io.Writer, path string, u *lensdiff.Upgrade) {
	fmt.Fprintf(w, "%s: lens %s %s -> %s %s: %s kept, %d moved, %d dropped, %s, %s\n",
		path, u.From.ID, orText(u.From.Version, "(no version)"), u.To.ID, u.To.Version, plural(u.Kept, "answer"), len(u.Moved), len(u.Dropped),
		plural(len(u.NewQuestions), "new question"), plural(len(u.NewChoices), "new choice"))
	for _, m := range u.Moved {
		fmt.Fprintf(w, "  moved %s\n", m)
	}
	for _, d := range u.Dropped {
		what := "answer to " + d.Question
		if len(d.Choices) > 0 {
			what = d.Question + ": " + strings.Join(d.Choices, ", ")
		}
		fmt.Fprintf(w, "  dropped %s (%s)\n", what, d.Reason)
	}
	for _, q := range u.NewQuestions {
		fmt.Fprintf(w, "  new question %s (unanswered)\n", q)
	}
	for _, c := range u.NewChoices {
		fmt.Fprintf(w, "  new choice %s (unselected; review the question)\n", c)
	}
}

// upgradeTarget finds the lens to upgrade to: a file, a version of the answers' own
// built-in lens, or another lens id.
func upgradeTarget(to string, cur awaf.LensRef) (*awaf.Lens, error) {
	if strings.ContainsAny(to, `/\`) || strings.HasSuffix(to, ".yaml") || strings.HasSuffix(to, ".yml") || strings.HasSuffix(to, ".json") {
		return resolveLens(to)
	}
	if semverish(to) {
		if _, err := lens.BuiltinByID(cur.ID); err != nil {
			return nil, awaf.Errorf(awaf.ENOTFOUND, "lens %s is not built in; pass the new version's file with --to", cur.ID)
		}
		l, err := lens.BuiltinVersion(cur.ID, to)
		if err != nil {
			return nil, awaf.Errorf(awaf.ENOTFOUND, "lens %s %s is not available: this awaf has versions %s built in; pass a lens file with --to", cur.ID, to, strings.Join(lens.BuiltinVersions(cur.ID), ", "))
		}
		return l, nil
	}
	return lensFrom(to)
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

// lensIDPattern is compiled on first use: its counted repetition makes a large
// program, which every other command would pay for at start-up.
var lensIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`) })

func newLensNewCmd(s *streams) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "new ID",
		Short: "write a commented lens scaffold",
		Long: `Writes a commented lens scaffold with one area, one question and its choices, ready
for 'awaf lens validate'. ID is the lens id: lower case letters, digits and hyphens.`,
		Example: `  awaf lens new team-ai-review -o team.lens.yaml
  awaf lens validate team.lens.yaml`,
		Args: argsExactly(1, "one lens id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return lensNew(args[0], out, force, s)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the scaffold to `FILE` instead of standard output")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}

func lensNew(id, out string, force bool, s *streams) error {
	if err := checkOutput(out); err != nil {
		return err
	}
	if !lensIDPattern().MatchString(id) {
		return awaf.Errorf(awaf.EINVALID, "lens id %q must match %s, e.g. team-ai-review", id, lensIDPattern())
	}
	name := strings.ToUpper(id[:1]) + strings.ReplaceAll(id[1:], "-", " ")
	data := []byte(fmt.Sprintf(lensScaffold, id, name))
	if _, err := lens.Parse(orStdout(out), data); err != nil {
		return fmt.Errorf("the scaffold does not validate (a bug): %w", err)
	}
	if out != "" && out != "-" && !force {
		if _, err := os.Stat(out); err == nil {
			return awaf.Errorf(awaf.ECONFLICT, "%s exists; pass --force to overwrite it", out)
		}
	}
	if err := writeOutput(out, data, s.out); err != nil {
		return err
	}
	if out != "" && out != "-" {
		wrote(s, out, fmt.Sprintf("lens scaffold %s; check it with 'awaf lens validate %s'", id, out))
	}
	return nil
}
