package questionnaire

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/awaf/awaf"
)

// Short explanations shown next to the profile options.
var (
	kindHelp = map[awaf.Kind]string{
		awaf.KindGenerative:      "chat or RAG on a generative model",
		awaf.KindAgents:          "agents that plan and call tools",
		awaf.KindTraining:        "training or fine-tuning models",
		awaf.KindOnlineInference: "real-time endpoints serving your own models",
		awaf.KindBatchInference:  "scheduled scoring jobs",
	}
	componentHelp = map[awaf.Component]string{
		awaf.CompGateway:           "Application Gateway or Front Door with WAF",
		awaf.CompAIGateway:         "API Management in front of the models",
		awaf.CompFrontEnd:          "App Service, Container Apps or AKS front end",
		awaf.CompOrchestrator:      "orchestrator: agent service, prompt flow or own code",
		awaf.CompModelHosting:      "Azure OpenAI / Foundry deployments or ML endpoints",
		awaf.CompGroundingIndex:    "AI Search or another vector index",
		awaf.CompChatMemory:        "chat or agent memory store such as Cosmos DB",
		awaf.CompContentSafety:     "Azure AI Content Safety",
		awaf.CompMonitoring:        "Log Analytics and Application Insights",
		awaf.CompPrivateNetworking: "virtual network, private endpoints, private DNS",
		awaf.CompKeyVault:          "Key Vault",
		awaf.CompFeatureStore:      "feature store",
		awaf.CompTrainingCompute:   "training compute clusters or GPU pools",
		awaf.CompDataLake:          "data lake or lakehouse",
	}
)

// askProfile asks for the workload's name and profile, offering the current values as
// defaults so a second sitting can keep them with Enter. Every field is saved as soon
// as it is given, so an interrupted profile is not asked again from the start; with
// onlyMissing, fields the file already has are not asked.
func (s *Session) askProfile(ctx context.Context, onlyMissing bool) error {
	a := s.Assessment
	ask := func(have bool) bool { return !onlyMissing || !have }
	s.printf("Workload profile: it decides which questions apply and how the plan ranks.\n")
	s.printf("Press Enter to keep the value in brackets, q to stop (what is given is saved).\n\n")
	if ask(a.Workload.Name != "") {
		name, err := s.readLine(ctx, fmt.Sprintf("Workload name [%s]: ", a.Workload.Name))
		if err != nil {
			return err
		}
		if name != "" {
			a.Workload.Name = name
		}
		for a.Workload.Name == "" {
			if a.Workload.Name, err = s.readLine(ctx, "A name is needed: "); err != nil {
				return err
			}
		}
		if err := s.save(); err != nil {
			return err
		}
	}
	if ask(len(a.Profile.Kinds) > 0) {
		kinds, err := s.pickMany(ctx, "Which kinds of AI work does it do?", strs(awaf.Kinds), describe(awaf.Kinds, kindHelp), strs(a.Profile.Kinds), true)
		if err != nil {
			return err
		}
		a.Profile.Kinds = typed[awaf.Kind](kinds)
		if err := s.save(); err != nil {
			return err
		}
	}
	if ask(len(a.Profile.Components) > 0) {
		comps, err := s.pickMany(ctx, "Which reference-architecture components does it have?", strs(awaf.Components), describe(awaf.Components, componentHelp), strs(a.Profile.Components), false)
		if err != nil {
			return err
		}
		a.Profile.Components = typed[awaf.Component](comps)
		if err := s.save(); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		title   string
		options []string
		value   *string
	}{
		{"How critical is it to the business?", strs(awaf.Criticalities), (*string)(&a.Profile.Criticality)},
		{"How sensitive is the data it handles?", strs(awaf.Sensitivities), (*string)(&a.Profile.Sensitivity)},
		{"Who uses it?", strs(awaf.Exposures), (*string)(&a.Profile.Exposure)},
	} {
		if !ask(*f.value != "") {
			continue
		}
		v, err := s.pickOneDefault(ctx, f.title, f.options, *f.value)
		if err != nil {
			return err
		}
		*f.value = v
		if err := s.save(); err != nil {
			return err
		}
	}
	if !ask(len(a.Profile.Priorities) > 0) {
		return nil
	}
	if err := s.askPriorities(ctx); err != nil {
		return err
	}
	return s.save()
}

func (s *Session) askPriorities(ctx context.Context) error {
	a := s.Assessment
	s.printf("\nOrder the pillars by importance to this workload.\n")
	for i, p := range s.Lens.Pillars {
		s.printf("  %d) %s\n", i+1, p.Name)
	}
	cur := make([]string, 0, len(a.Profile.Priorities))
	for _, p := range a.Profile.Priorities {
		cur = append(cur, string(p))
	}
	for {
		line, err := s.readLine(ctx, fmt.Sprintf("Most important first, e.g. 1,2,4 [%s]: ", strings.Join(cur, ",")))
		if err != nil {
			return err
		}
		if strings.EqualFold(line, "q") {
			return ErrQuit
		}
		if line == "" {
			return nil
		}
		var order []awaf.PillarID
		ok := true
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' }) {
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 || n > len(s.Lens.Pillars) || slices.Contains(order, s.Lens.Pillars[n-1].ID) {
				s.printf("%q is not a pillar number from 1 to %d, or is repeated.\n", f, len(s.Lens.Pillars))
				ok = false
				break
			}
			order = append(order, s.Lens.Pillars[n-1].ID)
		}
		if ok {
			a.Profile.Priorities = order
			return nil
		}
	}
}

func (s *Session) pickMany(ctx context.Context, title string, options, help, current []string, required bool) ([]string, error) {
	s.printf("\n%s (select one or more)\n", title)
	for i, o := range options {
		mark := " "
		if slices.Contains(current, o) {
			mark = "x"
		}
		s.printf("  [%s] %d) %-20s %s\n", mark, i+1, o, help[i])
	}
	for {
		line, err := s.readLine(ctx, fmt.Sprintf("Numbers, e.g. 1,3 [%s]: ", strings.Join(current, ",")))
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(line, "q") {
			return nil, ErrQuit
		}
		if line == "" {
			if len(current) > 0 || !required {
				return current, nil
			}
			s.printf("Select at least one.\n")
			continue
		}
		idx, err := parseSelection(line, len(options))
		if err != nil {
			s.printf("%v\n", err)
			continue
		}
		var out []string
		for _, k := range idx {
			out = append(out, options[k])
		}
		return out, nil
	}
}

func (s *Session) pickOne(ctx context.Context, title string, options []string) (string, error) {
	return s.pickOneDefault(ctx, title, options, "")
}

func (s *Session) pickOneDefault(ctx context.Context, title string, options []string, current string) (string, error) {
	s.printf("\n%s\n", title)
	for i, o := range options {
		s.printf("  %d) %s\n", i+1, o)
	}
	for {
		line, err := s.readLine(ctx, fmt.Sprintf("Number [%s]: ", current))
		if err != nil {
			return "", err
		}
		if strings.EqualFold(line, "q") {
			return "", ErrQuit
		}
		if line == "" && current != "" {
			return current, nil
		}
		n, err := strconv.Atoi(line)
		if err == nil && n >= 1 && n <= len(options) {
			return options[n-1], nil
		}
		s.printf("Type a number from 1 to %d.\n", len(options))
	}
}

// describe lists the help text of each key, in the keys' order.
func describe[K ~string](keys []K, help map[K]string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = help[k]
	}
	return out
}

func typed[T ~string](xs []string) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = T(x)
	}
	return out
}
