package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/awaf/awaf/internal/lens"
)

const lensUsage = `Usage:
  awaf lens list                       list the built-in lenses
  awaf lens show [ID|FILE] [--format yaml|json]
                                       print a lens (default: the built-in AI lens)
  awaf lens validate FILE              check a lens file; lists every problem
  awaf lens import aws|checklist FILE [-o lens.yaml]
                                       map an AWS custom lens or an Azure review checklist
  awaf lens export aws ID|FILE [-o lens.json]
                                       write a lens as an AWS custom lens
  awaf lens diff OLD NEW [--format text|json]
                                       list added, removed and changed questions and choices
  awaf lens upgrade --to VERSION|FILE [--answers awaf.yaml]
                                       move answers to a new lens version (keeps a milestone)
  awaf lens new ID [-o FILE]           write a commented lens scaffold
`

func runLens(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, lensUsage)
		return errUsage
	}
	switch args[0] {
	case "list":
		return lensList(stdout)
	case "show":
		return lensShow(args[1:], stdout, stderr)
	case "validate":
		return lensValidate(args[1:], stdout, stderr)
	case "import":
		return lensImport(args[1:], stdout, stderr)
	case "export":
		return lensExport(args[1:], stdout, stderr)
	case "diff":
		return lensDiff(args[1:], stdout, stderr)
	case "upgrade":
		return lensUpgrade(args[1:], stdout, stderr)
	case "new":
		return lensNew(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, lensUsage)
		return nil
	}
	fmt.Fprintf(stderr, "awaf lens: unknown subcommand %q\n\n%s", args[0], lensUsage)
	return errUsage
}

func lensList(stdout io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tQUESTIONS\tNAME")
	for _, id := range lens.BuiltinIDs() {
		l, err := lens.BuiltinByID(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", l.ID, l.Version, len(l.Questions), l.Name)
	}
	return tw.Flush()
}

func lensShow(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf lens show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "yaml", "output format: yaml or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ref := ""
	if fs.NArg() > 1 {
		return usageError(fs, "lens show takes one lens id or file")
	} else if fs.NArg() == 1 {
		ref = fs.Arg(0)
	}
	l, err := lens.Resolve(ref)
	if err != nil {
		return err
	}
	var out []byte
	switch *format {
	case "yaml":
		out, err = lens.MarshalYAML(l)
	case "json":
		out, err = lens.MarshalJSON(l)
	default:
		return usageError(fs, fmt.Sprintf("unknown format %q (yaml or json)", *format))
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

func lensValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf lens validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "lens validate takes one file")
	}
	l, err := lens.LoadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	choices := 0
	for _, q := range l.Questions {
		choices += len(q.Choices)
	}
	fmt.Fprintf(stdout, "%s: lens %s %s is valid: %d questions, %d choices, %d areas, %d Top 10 items\n",
		fs.Arg(0), l.ID, l.Version, len(l.Questions), choices, len(l.Areas), len(l.Top10))
	return nil
}

// parseFlags parses flags that may come before or after the positional arguments, as
// users type them: `awaf lens show ID --format json`.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return &exitError{code: 0}
			}
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

func usageError(fs *flag.FlagSet, msg string) error {
	fmt.Fprintf(fs.Output(), "%s: %s\n", fs.Name(), msg)
	fs.Usage()
	return errUsage
}
