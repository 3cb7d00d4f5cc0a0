package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf/internal/lens"
)

func newLensCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lens",
		Short: "list, show, validate, diff, upgrade, import and export lenses",
		Long: `A lens is the set of questions, choices and risk rules an assessment answers. awaf
has the Azure AI workload lens built in; teams write their own in YAML.`,
		Example: `  awaf lens list
  awaf lens show azure-ai-workload --format json
  awaf lens validate team.lens.yaml`,
		Args: subcommandArgs,
		RunE: showHelp,
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:     "list",
			Short:   "list the built-in lenses and the earlier versions this awaf holds",
			Example: "  awaf lens list",
			Args:    noArgs,
			RunE:    func(cmd *cobra.Command, _ []string) error { return lensList(s.out) },
		},
		newLensShowCmd(s), newLensValidateCmd(s), newLensImportCmd(s), newLensExportCmd(s),
		newLensDiffCmd(s), newLensUpgradeCmd(s), newLensNewCmd(s),
	)
	return cmd
}

func lensList(stdout io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tQUESTIONS\tNAME\tEARLIER (ID@VERSION)")
	for _, id := range lens.BuiltinIDs() {
		l, err := lens.BuiltinByID(id)
		if err != nil {
			return err
		}
		earlier := "-"
		if vs := lens.BuiltinVersions(id); len(vs) > 1 {
			earlier = strings.Join(vs[:len(vs)-1], ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", l.ID, l.Version, len(l.Questions), l.Name, earlier)
	}
	return tw.Flush()
}

func newLensShowCmd(s *streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show [ID|FILE]",
		Short: "print a lens (default: the built-in AI lens)",
		Example: `  awaf lens show
  awaf lens show team.lens.yaml --format json`,
		Args:              argsAtMost(1, "one lens id or file"),
		ValidArgsFunction: completeLens(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := ""
			if len(args) == 1 {
				ref = args[0]
			}
			if format != "yaml" && format != "json" {
				return usagef(cmd, "unknown format %q (yaml or json)", format)
			}
			l, err := lensFrom(ref)
			if err != nil {
				return err
			}
			var out []byte
			if format == "json" {
				out, err = lens.MarshalJSON(l)
			} else {
				out, err = lens.MarshalYAML(l)
			}
			if err != nil {
				return err
			}
			_, err = s.out.Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "yaml", "output `format`: yaml or json")
	enumFlag(cmd, "format", false, []string{"yaml", "json"})
	return cmd
}

func newLensValidateCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:     "validate FILE",
		Short:   "check a lens file; lists every problem",
		Example: "  awaf lens validate team.lens.yaml",
		Args:    argsExactly(1, "one file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkInput(args[0], "a lens file (YAML)"); err != nil {
				return err
			}
			l, err := lens.LoadFile(args[0])
			if err != nil {
				return err
			}
			choices := 0
			for _, q := range l.Questions {
				choices += len(q.Choices)
			}
			fmt.Fprintf(s.out, "%s: lens %s %s is valid: %s, %s, %s, %s\n",
				args[0], l.ID, l.Version, plural(len(l.Questions), "question"), plural(choices, "choice"), plural(len(l.Areas), "area"), plural(len(l.Top10), "Top 10 item"))
			return nil
		},
	}
}
