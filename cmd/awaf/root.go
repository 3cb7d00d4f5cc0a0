package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// streams are the program's standard input and outputs, and the global flags, handed
// to every command.
type streams struct {
	in       io.Reader
	out, err io.Writer

	color, progress string // --color and --progress
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "awaf",
		Short: "Azure Well-Architected assessment for AI workloads",
		Long: `awaf runs the Azure Well-Architected assessment for AI workloads: it asks the
questions, scores the answers, ranks a remediation plan, reports it, and checks
infrastructure code for evidence.`,
		Example: `  awaf assess                       answer the questions; saved in awaf.yaml
  awaf report -o report.html        score the answers into one HTML page
  awaf scan infra/ --format sarif   check Bicep, ARM and Terraform for AI practices`,
		Version:       version,
		Args:          subcommandArgs,
		RunE:          showHelp,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetVersionTemplate("awaf {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	templateOnce.Do(func() {
		cobra.AddTemplateFunc("flagTable", flagTable)
		cobra.AddTemplateFunc("showGlobals", showGlobals)
	})
	root.SetHelpTemplate(helpTemplate)
	root.SetUsageTemplate(helpTemplate)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := applyEnv(cmd); err != nil {
			return err
		}
		return checkEnums(cmd)
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetHelpCommand(newHelpCmd(root))
	pf := root.PersistentFlags()
	pf.StringVar(&s.color, "color", "auto", "colour the text report on a terminal (scan): `WHEN` is auto (unless NO_COLOR is set), always or never")
	pf.StringVar(&s.progress, "progress", "auto", "progress bar on standard error for long runs (scan, eval): `WHEN` is auto (on a terminal), always or never")
	enumFlag(root, "color", false, []string{"auto", "always", "never"})
	enumFlag(root, "progress", false, []string{"auto", "always", "never"})
	root.AddGroup(
		&cobra.Group{ID: "assess", Title: "Assess:"},
		&cobra.Group{ID: "evidence", Title: "Evidence:"},
		&cobra.Group{ID: "server", Title: "Team server:"},
		&cobra.Group{ID: "other", Title: "Other:"},
	)
	root.SetHelpCommandGroupID("other")
	root.SetCompletionCommandGroupID("other")
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add("assess", newAssessCmd(s), newReportCmd(s), newBacklogCmd(s), newCompareCmd(s), newLensCmd(s), newImportCmd(s), newTemplateCmd(s))
	add("evidence", newScanCmd(s), newEvalCmd(s))
	add("server", newServeCmd(s), newMigrateCmd(s), newUserCmd(s), newBackupCmd(s), newRestoreCmd(s), newPushCmd(s))
	add("other", newCompletionCmd(root, s), &cobra.Command{
		Use:     "version",
		Short:   "print the version",
		Example: "  awaf version",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(s.out, "awaf %s\n", version)
			return nil
		},
	})
	return root
}

// execute runs the command tree on args. An error met before a command's own code
// ran (an unknown command or flag, a wrong number of arguments) is bad usage: it is
// printed here as one line and a pointer to the command's help, and exits 2.
func execute(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) error {
	ran := false
	var mark func(*cobra.Command)
	mark = func(c *cobra.Command) {
		if body := c.RunE; body != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				ran = true
				return body(cmd, args)
			}
		}
		for _, sub := range c.Commands() {
			mark(sub)
		}
	}
	mark(root)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	var ue *usageError
	if !errors.As(err, &ue) {
		if ran {
			return err
		}
		ue = &usageError{msg: err.Error()}
	}
	if ue.cmd == nil {
		ue.cmd = cmd
	}
	fmt.Fprintf(stderr, "awaf: %s\nsee '%s --help'\n", ue.msg, ue.cmd.CommandPath())
	return ue
}

// exitError carries an exit code without a message, e.g. a CI gate that failed after
// the report was written.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// errUsage marks bad usage; execute has already printed it.
var errUsage = errors.New("usage")

// usageError is bad usage found by a command: execute prints it with a pointer to the
// command's help.
type usageError struct {
	cmd *cobra.Command
	msg string
}

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

func usagef(cmd *cobra.Command, format string, a ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, a...)}
}

// exitCode maps an error to the process exit code, in one place: 0 on success, 1 for a
// failed gate, 2 for bad usage or input, 3 for anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "awaf:", ee.msg)
		}
		return ee.code
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	fmt.Fprintln(stderr, "awaf:", userMessage(err))
	if isInputError(err) {
		return 2
	}
	return 3
}

// showHelp is the body of a command that only groups others: alone, it prints its help.
func showHelp(cmd *cobra.Command, _ []string) error { return cmd.Help() }

// subcommandArgs rejects an unknown subcommand of a group, suggesting the nearest.
func subcommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if cmd.HasParent() {
		msg += " for " + cmd.CommandPath()
	}
	if s := didYouMean(args[0], names, ""); s != "" {
		msg += s
	} else {
		msg += " (want " + strings.Join(names, ", ") + ")"
	}
	return &usageError{cmd: cmd, msg: msg}
}

// noArgs accepts no positional arguments.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &usageError{cmd: cmd, msg: "unexpected arguments: " + strings.Join(args, " ")}
	}
	return nil
}

// argsExactly wants n positional arguments, named by what (e.g. "OLD NEW").
func argsExactly(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return &usageError{cmd: cmd, msg: fmt.Sprintf("%s takes %s (got %s)", cmd.CommandPath(), what, plural(len(args), "argument"))}
		}
		return nil
	}
}

// argsAtMost wants up to n positional arguments.
func argsAtMost(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return &usageError{cmd: cmd, msg: fmt.Sprintf("%s takes at most %s (got %s)", cmd.CommandPath(), what, plural(len(args), "argument"))}
		}
		return nil
	}
}
