package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/lens"
)

// Annotations on a flag that takes one of a fixed set of values. Checking happens in
// one place (checkEnums, before any command runs), and so do the suggestions and the
// shell completion of those values.
const (
	annEnum    = "awaf_enum"    // the values help lists
	annAliases = "awaf_aliases" // also accepted, never suggested
	annList    = "awaf_list"    // a comma-separated list of values
)

// enumFlag declares that the flag takes one of values (or a comma-separated list of
// them, with list).
func enumFlag(cmd *cobra.Command, name string, list bool, values []string, aliases ...string) {
	f := cmd.Flags().Lookup(name)
	if f == nil {
		f = cmd.PersistentFlags().Lookup(name)
	}
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[annEnum] = values
	f.Annotations[annAliases] = aliases
	if list {
		f.Annotations[annList] = []string{"true"}
	}
	// A flag with its own completion (pillars of the lens at hand) keeps it.
	if _, ok := cmd.GetFlagCompletionFunc(name); !ok {
		_ = cmd.RegisterFlagCompletionFunc(name, completeValues(list, func(*cobra.Command) []string { return values }))
	}
}

// annEnv names the environment variable a flag falls back on.
const annEnv = "awaf_env"

// envFlag lets the variable env set the flag when the command line does not. The value
// is read when the command runs, never shown as the help's default: a password in a
// database URL or a token must not appear in help text.
func envFlag(cmd *cobra.Command, name, env string) {
	f := cmd.Flags().Lookup(name)
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[annEnv] = []string{env}
}

// applyEnv sets every flag of cmd left off the command line from its variable.
func applyEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		env := f.Annotations[annEnv]
		if err != nil || len(env) == 0 || f.Changed {
			return
		}
		if v, ok := os.LookupEnv(env[0]); ok {
			if e := f.Value.Set(v); e != nil {
				err = usagef(cmd, "%s=%q (for --%s): %v", env[0], v, f.Name, e)
			}
		}
	})
	return err
}

// checkEnums checks every enum flag of cmd, set or default: a misspelt value is bad
// usage with a suggestion. Case does not matter; the value is set to the listed
// spelling, so the command sees "json" for JSON.
func checkEnums(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		values := f.Annotations[annEnum]
		if err != nil || len(values) == 0 || f.Value.String() == "" {
			return
		}
		got := []string{f.Value.String()}
		if len(f.Annotations[annList]) > 0 {
			got = strings.Split(f.Value.String(), ",")
		}
		canon := make([]string, 0, len(got))
		for _, g := range got {
			g = strings.TrimSpace(g)
			known := func(v string) bool { return strings.EqualFold(v, g) }
			i := slices.IndexFunc(values, known)
			if i >= 0 {
				canon = append(canon, values[i])
				continue
			}
			if j := slices.IndexFunc(f.Annotations[annAliases], known); j >= 0 {
				canon = append(canon, f.Annotations[annAliases][j])
				continue
			}
			err = usagef(cmd, "--%s %q: want %s%s", f.Name, g, orList(values), didYouMean(g, values, ""))
			return
		}
		if c := strings.Join(canon, ","); c != f.Value.String() {
			err = f.Value.Set(c)
		}
	})
	return err
}

// orList writes values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// didYouMean suggests the candidate nearest to got: "; did you mean "x"?", or "".
func didYouMean(got string, candidates []string, prefix string) string {
	// One edit in a short word, two in a longer one: "pdf" is not a misspelt "md".
	maxD := 1
	if len(got) > 3 {
		maxD = 2
	}
	best, bestD := "", maxD+1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(got), strings.ToLower(c))
		if d < bestD || (best == "" && len(got) > 1 && strings.HasPrefix(c, got)) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", prefix+best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// flagError turns pflag's parse errors into usage errors, suggesting the nearest flag
// for a misspelt one.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		msg = "unknown flag --" + name + didYouMean(name, names, "--")
	}
	return &usageError{cmd: cmd, msg: msg}
}

// completeValues completes a fixed set of values, or the next item of a
// comma-separated list of them.
func completeValues(list bool, values func(*cobra.Command) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done := ""
		if list {
			if i := strings.LastIndex(toComplete, ","); i >= 0 {
				done, toComplete = toComplete[:i+1], toComplete[i+1:]
			}
		}
		var out []cobra.Completion
		for _, v := range values(cmd) {
			if strings.HasPrefix(v, toComplete) {
				out = append(out, done+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeLens completes built-in lens ids, and files, for a lens argument or flag.
func completeLens(max int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if max > 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, id := range lens.BuiltinIDs() {
			if strings.HasPrefix(id, toComplete) {
				out = append(out, id)
			}
			for _, v := range lens.BuiltinVersions(id) { // every version, as id@version
				if ref := id + "@" + v; strings.HasPrefix(ref, toComplete) {
					out = append(out, ref)
				}
			}
		}
		return out, cobra.ShellCompDirectiveDefault
	}
}

// completionLens is the lens the command line names so far, for completing pillar and
// area ids: --lens (an id or a file), else the lens the --answers file records, else
// the built-in one.
func completionLens(cmd *cobra.Command) *awaf.Lens {
	ref := ""
	if f := cmd.Flags().Lookup("lens"); f != nil {
		ref = f.Value.String()
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			ref = ""
			if s := sv.GetSlice(); len(s) > 0 {
				ref = s[0]
			}
		}
	}
	if ref == "" {
		if f := cmd.Flags().Lookup("answers"); f != nil && f.Value.String() != "" {
			if a, err := answers.Load(f.Value.String()); err == nil {
				ref = a.Lens.ID
				if a.Lens.File != "" {
					ref = recordedLens(f.Value.String(), a.Lens.File)
				}
			}
		}
	}
	l, err := lens.Resolve(ref)
	if err != nil {
		return nil
	}
	return l
}

func lensPillarIDs(cmd *cobra.Command) []string {
	var ids []string
	if l := completionLens(cmd); l != nil {
		for _, p := range l.Pillars {
			ids = append(ids, string(p.ID))
		}
	}
	return ids
}

func lensAreaIDs(cmd *cobra.Command) []string {
	var ids []string
	if l := completionLens(cmd); l != nil {
		for _, a := range l.Areas {
			ids = append(ids, string(a.ID))
		}
	}
	return ids
}

// pillarNames are the framework's pillar ids.
func pillarNames() []string {
	s := make([]string, len(awaf.Pillars))
	for i, p := range awaf.Pillars {
		s[i] = string(p)
	}
	return s
}

// plural writes "1 question" or "2 questions"; words ending in y or s take -ies, -es.
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	switch {
	case strings.HasSuffix(word, "y") && !strings.HasSuffix(word, "ey"):
		word = word[:len(word)-1] + "ies"
	case strings.HasSuffix(word, "s"), strings.HasSuffix(word, "x"), strings.HasSuffix(word, "ch"):
		word += "es"
	default:
		word += "s"
	}
	return fmt.Sprintf("%d %s", n, word)
}

// wrote is the one line every command prints on standard error after writing a file.
func wrote(s *streams, path, what string) {
	if what == "" {
		fmt.Fprintf(s.err, "awaf: wrote %s\n", path)
		return
	}
	fmt.Fprintf(s.err, "awaf: wrote %s: %s\n", path, what)
}

// warn prints a warning on standard error.
func warn(s *streams, format string, a ...any) {
	fmt.Fprintf(s.err, "awaf: warning: "+format+"\n", a...)
}

var templateOnce sync.Once

// helpTemplate is cobra's, with awaf's flag table: a placeholder for every value, no
// type names, defaults only when they say something.
const helpTemplate = `{{with (or .Long .Short)}}{{. | trimTrailingWhitespaces}}

{{end}}Usage:{{if and .Runnable (not .HasAvailableSubCommands)}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} COMMAND{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

Commands:{{range $cmds}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{flagTable .LocalFlags}}{{end}}{{if and .HasAvailableInheritedFlags (showGlobals .)}}

Global flags:
{{flagTable .InheritedFlags}}{{end}}{{if .HasAvailableSubCommands}}

Run '{{.CommandPath}} COMMAND --help' for a command's flags and examples.{{end}}
`

// flagTable lays out flags as "  -o, --output FILE   text (default: x)", wrapped.
func flagTable(fs *pflag.FlagSet) string {
	type row struct{ left, text string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		name, text := pflag.UnquoteUsage(f)
		if f.Value.Type() != "bool" {
			left += " " + strings.ToUpper(name)
		}
		switch def := f.DefValue; {
		case f.Value.Type() == "bool" && def == "true":
			text += " (default: on; --" + f.Name + "=false turns it off)"
		case f.Value.Type() == "bool", def == "", def == "[]", def == "0" && f.Value.Type() == "float64":
		default:
			text += " (default: " + def + ")"
		}
		if len(f.Annotations[annEnum]) > 0 && !strings.Contains(text, f.Annotations[annEnum][0]) {
			text += " (one of: " + strings.Join(f.Annotations[annEnum], ", ") + ")"
		}
		width = max(width, len(left))
		rows = append(rows, row{left, text})
	})
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.left)
		b.WriteString(strings.Repeat(" ", width-len(r.left)+3))
		indent := width + 3
		col := indent
		for i, w := range strings.Fields(r.text) {
			if i > 0 && col+1+len(w) > 100 {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				col = indent
			} else if i > 0 {
				b.WriteByte(' ')
				col++
			}
			b.WriteString(w)
			col += len(w)
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// newHelpCmd is `awaf help [COMMAND...]`: a command's help, or a usage error for an
// unknown one.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND...]",
		Short: "print the help of awaf or of a command",
		Example: `  awaf help
  awaf help report
  awaf help lens import`,
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			c, _, err := root.Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c := root
			for _, a := range args {
				next := findSub(c, a)
				if next == nil {
					return subcommandArgs(c, []string{a})
				}
				c = next
			}
			c.InitDefaultHelpFlag()
			return c.Help()
		},
	}
}

func findSub(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name || sub.HasAlias(name) {
			return sub
		}
	}
	return nil
}

// newCompletionCmd writes the shell completion scripts.
func newCompletionCmd(root *cobra.Command, s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Prints a script that completes awaf's commands, flags and values in your shell: lens
ids, pillar and design area ids (of --lens, or the lens the --answers file names),
formats and other fixed values.`,
		Example: `  source <(awaf completion bash)                       # bash, this shell
  awaf completion bash > /etc/bash_completion.d/awaf      # bash, every shell
  awaf completion zsh > "${fpath[1]}/_awaf"               # zsh
  awaf completion fish > ~/.config/fish/completions/awaf.fish
  awaf completion powershell | Out-String | Invoke-Expression`,
		Args:      cobra.MatchAll(argsExactly(1, "one shell: bash, zsh, fish or powershell"), shellArg),
		ValidArgs: []cobra.Completion{"bash", "zsh", "fish", "powershell"},
		RunE: func(_ *cobra.Command, args []string) error {
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(s.out, true)
			case "zsh":
				return root.GenZshCompletion(s.out)
			case "fish":
				return root.GenFishCompletion(s.out, true)
			default:
				return root.GenPowerShellCompletionWithDesc(s.out)
			}
		},
	}
	return cmd
}

func shellArg(cmd *cobra.Command, args []string) error {
	shells := []string{"bash", "zsh", "fish", "powershell"}
	if !slices.Contains(shells, args[0]) {
		return usagef(cmd, "unknown shell %q: want %s%s", args[0], orList(shells), didYouMean(args[0], shells, ""))
	}
	return nil
}

// isDir reports whether path names a directory.
func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// checkInput checks a file the user named before it is read, so that every command
// words a missing file, a folder or an unreadable file the same way: the user's path
// and what was expected. All are input errors (exit 2).
func checkInput(path, want string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return awaf.Errorf(awaf.ENOTFOUND, "%s does not exist: want %s", path, want)
	case errors.Is(err, fs.ErrPermission):
		return awaf.Errorf(awaf.EINVALID, "%s cannot be read (permission denied): want %s", path, want)
	case err != nil:
		return awaf.Errorf(awaf.EINVALID, "%s: %v: want %s", path, errors.Unwrap(err), want)
	case st.IsDir():
		return awaf.Errorf(awaf.EINVALID, "%s is a folder: want %s", path, want)
	}
	return nil
}

// checkInputDir is checkInput for a folder.
func checkInputDir(path, want string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return awaf.Errorf(awaf.ENOTFOUND, "%s does not exist: want %s", path, want)
	case err != nil:
		return awaf.Errorf(awaf.EINVALID, "%s: %v: want %s", path, errors.Unwrap(err), want)
	case !st.IsDir():
		return awaf.Errorf(awaf.EINVALID, "%s is a file: want %s", path, want)
	}
	return nil
}

// checkOutput checks, before any work, that a file can be written at path: its folder
// exists and path is not itself a folder. "" and "-" mean standard output.
func checkOutput(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	if isDir(path) {
		return awaf.Errorf(awaf.EINVALID, "cannot write %s: it is a folder; give a file name", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return awaf.Errorf(awaf.EINVALID, "cannot write %s: folder %s does not exist", path, dir)
	case err != nil:
		return awaf.Errorf(awaf.EINVALID, "cannot write %s: %v", path, errors.Unwrap(err))
	case !st.IsDir():
		return awaf.Errorf(awaf.EINVALID, "cannot write %s: %s is not a folder", path, dir)
	}
	return nil
}

// lensFrom resolves a lens reference (a built-in id or a lens file), checking a file
// the way every other input is checked.
func lensFrom(ref string) (*awaf.Lens, error) {
	if ref != "" && (lens.IsFileRef(ref) || exists(ref)) {
		if err := checkInput(ref, "a lens file (YAML) or a built-in lens id"); err != nil {
			return nil, err
		}
	}
	return lens.Resolve(ref)
}

// builtinFor returns the built-in lens an answers file names: the very version it
// records when this binary still holds it (answers stay scored on the version they
// were given on until they are upgraded), else the current one.
func builtinFor(ref awaf.LensRef) (*awaf.Lens, error) {
	if ref.Version != "" {
		if l, err := lens.BuiltinVersion(ref.ID, ref.Version); err == nil {
			return l, nil
		}
	}
	return lens.BuiltinByID(ref.ID)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// userMessage is an error as users read it: awaf.Error's codes (not_found, invalid)
// are for programs and logs, so they are left out wherever they sit in the chain.
func userMessage(err error) string {
	msg := err.Error()
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if ae, ok := e.(*awaf.Error); ok {
			msg = strings.ReplaceAll(msg, ae.Code+": "+ae.Message, ae.Message)
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return msg
}

// showGlobals tells whether a command's help lists the global flags: only where they
// do something (awaf itself, scan and eval), to keep the other helps short.
func showGlobals(cmd *cobra.Command) bool {
	return !cmd.HasParent() || cmd.Name() == "scan" || cmd.Name() == "eval"
}
