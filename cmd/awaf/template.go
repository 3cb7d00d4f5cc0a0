package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/reviewtemplate"
)

// templateSuffix names review template files, so that list finds them beside the
// answers.
const templateSuffix = ".template.yaml"

func newTemplateCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "template",
		Short: "review templates: answers a platform team gives once, applied to many workloads",
		Long: `A review template is a named, versioned set of answers, notes and not-applicable
reasons for some questions (for example the networking, identity and gateway of a shared
AI landing zone). It is a YAML file, NAME.template.yaml, kept next to the answers.
Applied answers are marked with the template's name and version; a workload's own
answers are never replaced unless you say so, and a newer version is applied only when
you apply it.`,
		Example: `  awaf template create ai-landing-zone --from awaf.yaml --question platform_network --question ai_gateway
  awaf template apply ai-landing-zone.template.yaml --answers team.yaml --dry-run
  awaf template list --answers team.yaml`,
		Args: noArgs,
	}
	cmd.AddCommand(newTemplateCreateCmd(s), newTemplateApplyCmd(s), newTemplateListCmd(s))
	return cmd
}

func newTemplateCreateCmd(s *streams) *cobra.Command {
	var from, out, description string
	var questions []string
	cmd := &cobra.Command{
		Use:   "create NAME --from FILE --question ID...",
		Short: "make a template from a workload's answers to the questions you pick",
		Example: `  awaf template create ai-landing-zone --from awaf.yaml \
    --question platform_network --question platform_identity --question ai_gateway`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if len(questions) == 0 {
				return usagef(cmd, "pick the questions with --question (repeatable)")
			}
			if strings.ContainsAny(name, `/\`) || strings.TrimSpace(name) == "" {
				return usagef(cmd, "template name %q: give a name without slashes", name)
			}
			a, _, err := openAssessment(from, "", false)
			if err != nil {
				return err
			}
			t, err := reviewtemplate.FromAnswers(name, a, questions)
			if err != nil {
				return fmt.Errorf("%s: %w", from, err)
			}
			t.Description = description
			if out == "" {
				out = filepath.Join(filepath.Dir(from), name+templateSuffix)
				if _, err := os.Stat(out); err == nil {
					return awaf.Errorf(awaf.ECONFLICT, "%s exists: raise its version by editing it, or write elsewhere with -o", out)
				}
			}
			if err := checkOutput(out); err != nil {
				return err
			}
			b, err := t.Marshal()
			if err != nil {
				return err
			}
			if err := answers.WriteFileAtomic(out, b, 0o644); err != nil {
				return err
			}
			wrote(s, out, fmt.Sprintf("template %s version %d, %s", t.Name, t.Version, plural(len(t.Answers), "answer")))
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "awaf.yaml", "answers `FILE` to take the answers from")
	cmd.Flags().StringArrayVar(&questions, "question", nil, "question `ID` to include; repeatable")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the template to `FILE` (default: NAME.template.yaml next to --from)")
	cmd.Flags().StringVar(&description, "description", "", "what the template stands for")
	return cmd
}

func newTemplateApplyCmd(s *streams) *cobra.Command {
	var path string
	var dryRun, force bool
	cmd := &cobra.Command{
		Use:   "apply TEMPLATE",
		Short: "apply a template to an answers file (preview with --dry-run)",
		Example: `  awaf template apply ai-landing-zone.template.yaml --dry-run
  awaf template apply ai-landing-zone.template.yaml --answers team.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkInput(args[0], "a review template (YAML)"); err != nil {
				return err
			}
			t, err := reviewtemplate.LoadFile(args[0])
			if err != nil {
				return err
			}
			a, l, err := openAssessment(path, "", false)
			if err != nil {
				return err
			}
			if t.Lens.ID != "" && t.Lens.ID != l.ID {
				return awaf.Errorf(awaf.EINVALID, "%s is for lens %s, %s is assessed on %s", args[0], t.Lens.ID, path, l.ID)
			}
			if err := t.Check(args[0], l); err != nil {
				return err
			}
			plan := reviewtemplate.Plan(t, a, force)
			counts := map[reviewtemplate.Action]int{}
			for _, c := range plan {
				counts[c.Action]++
				line := fmt.Sprintf("%-9s %s", c.Action, c.Question)
				if c.Action == reviewtemplate.Kept {
					line += ": your answer differs and stays (--force replaces it)"
				}
				if c.Action == reviewtemplate.Update && c.Before != nil && c.Before.Template != nil {
					line += fmt.Sprintf(": version %d to %d", c.Before.Template.Version, t.Version)
				}
				fmt.Fprintln(s.out, line)
			}
			summary := fmt.Sprintf("template %s version %d: %d added, %d updated, %d replaced, %d kept, %d unchanged",
				t.Name, t.Version, counts[reviewtemplate.Add], counts[reviewtemplate.Update], counts[reviewtemplate.Overwrite], counts[reviewtemplate.Kept], counts[reviewtemplate.Same])
			if dryRun {
				fmt.Fprintf(s.err, "awaf: dry run, %s not changed: %s\n", path, summary)
				return nil
			}
			if reviewtemplate.Apply(a, plan) == 0 {
				fmt.Fprintf(s.err, "awaf: %s not changed: %s\n", path, summary)
				return nil
			}
			if err := answers.Save(path, a); err != nil {
				return err
			}
			wrote(s, path, summary)
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "answers", "awaf.yaml", "answers `FILE` to apply the template to")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would change and change nothing")
	cmd.Flags().BoolVar(&force, "force", false, "replace the workload's own answers to the template's questions too")
	return cmd
}

func newTemplateListCmd(s *streams) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "list [DIR]",
		Short: "list the templates in a folder (default: the answers file's) and which the answers use",
		Example: `  awaf template list
  awaf template list platform/templates --answers team.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := filepath.Dir(path)
			if len(args) == 1 {
				dir = args[0]
			}
			if err := checkInputDir(dir, "a folder of *"+templateSuffix+" files"); err != nil {
				return err
			}
			files, err := filepath.Glob(filepath.Join(dir, "*"+templateSuffix))
			if err != nil {
				return err
			}
			var uses map[string][]int
			if a, err := answers.Load(path); err == nil {
				uses = reviewtemplate.Uses(a)
			}
			var problems []string
			for _, f := range files {
				t, err := reviewtemplate.LoadFile(f)
				if err != nil {
					problems = append(problems, err.Error())
					continue
				}
				line := fmt.Sprintf("%s\tversion %d\t%s\t%s", t.Name, t.Version, plural(len(t.Answers), "answer"), f)
				if vs, ok := uses[t.Name]; ok {
					line += fmt.Sprintf("\tapplied: version %s", joinInts(vs))
					if slices.Max(vs) < t.Version {
						line += fmt.Sprintf("; version %d available: awaf template apply %s --dry-run", t.Version, f)
					}
				}
				fmt.Fprintln(s.out, line)
			}
			if len(files) == 0 {
				fmt.Fprintf(s.err, "awaf: no *%s files in %s\n", templateSuffix, dir)
			}
			for _, p := range problems {
				fmt.Fprintf(s.err, "awaf: %s\n", p)
			}
			if len(problems) > 0 {
				return &exitError{code: 1, msg: plural(len(problems), "template") + " could not be read"}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "answers", "awaf.yaml", "answers `FILE` whose applied templates to show")
	return cmd
}

func joinInts(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}
