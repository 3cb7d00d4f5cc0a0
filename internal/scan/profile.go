package scan

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// KindProposal is a workload kind the scanned resources suggest, with the resource
// that shows it.
type KindProposal struct {
	Kind awaf.Kind
	Why  string
	Loc  awaf.Location
}

// Hint is something the resources suggest about the profile that awaf does not set by
// itself, such as a criticality: only the team can say how much the business depends
// on the workload.
type Hint struct {
	Field string // "criticality"
	Text  string
	Loc   awaf.Location
}

// ProposeProfile reads workload kinds and criticality hints from the resources:
// model deployments with a grounding index suggest a generative (RAG) workload, agent
// service resources or agent settings suggest agents, Machine Learning online
// endpoints online inference, batch endpoints or scheduled jobs batch inference, and
// training jobs or training clusters training. Zone redundancy and more than one
// region are hints towards a higher criticality.
func ProposeProfile(res []iac.Resource) ([]KindProposal, []Hint) {
	var f profileFacts
	f.add(res)
	return f.propose()
}

// signal is one resource that shows something about the profile.
type signal struct {
	typ, name string
	loc       awaf.Location
}

func (s signal) before(o signal) bool {
	if s.loc.File != o.loc.File {
		return s.loc.File < o.loc.File
	}
	return s.loc.Line < o.loc.Line
}

// profileFacts gathers signals unit by unit, keeping the first (by place) of each, so
// the scan need not hold the resources.
type profileFacts struct {
	mu      sync.Mutex
	first   map[string]signal
	regions map[string]signal
}

// add notes the signals of one unit. The unit is scanned without the lock, keeping
// the earliest resource per signal; only those few are named and merged under it.
func (f *profileFacts) add(res []iac.Resource) {
	var first, regions map[string]*iac.Resource
	pick := func(m *map[string]*iac.Resource, key string, r *iac.Resource) {
		if *m == nil {
			*m = map[string]*iac.Resource{}
		}
		if old, ok := (*m)[key]; !ok || signalBefore(r.Loc, old.Loc) {
			(*m)[key] = r
		}
	}
	for i := range res {
		r := &res[i]
		if r.Existing {
			continue
		}
		if key := profileSignal(r); key != "" {
			pick(&first, key, r)
		}
		if (r.Zones != nil && len(r.Zones.Items) > 1) || r.Properties.Field("zoneRedundant").Truthy() {
			pick(&first, "zonal", r)
		}
		if r.Location != nil && r.Location.Kind == iac.String && r.Location.Str != "" {
			loc := r.Location.Str
			if !strings.EqualFold(loc, "global") && !strings.HasPrefix(loc, "[") {
				if regions == nil || regions[loc] == nil {
					pick(&regions, loc, r)
				}
			}
		}
	}
	if first == nil && regions == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.first == nil {
		f.first, f.regions = map[string]signal{}, map[string]signal{}
	}
	merge := func(dst map[string]signal, key string, r *iac.Resource) {
		if old, ok := dst[key]; !ok || signalBefore(r.Loc, old.loc) {
			dst[key] = signal{r.Type, displayName(r), r.Loc}
		}
	}
	for k, r := range first {
		merge(f.first, k, r)
	}
	for k, r := range regions {
		merge(f.regions, normRegionName(k), r)
	}
}

func signalBefore(a, b awaf.Location) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	return a.Line < b.Line
}

// profileSignal names what a resource shows about the workload's kinds, or "". It
// runs on every resource of a scan, so types are compared without lower-casing.
func profileSignal(r *iac.Resource) string {
	t := r.Type
	is := func(want string) bool { return strings.EqualFold(t, want) }
	switch {
	case len(t) < 20:
	case is("Microsoft.CognitiveServices/accounts/deployments"), is("Microsoft.MachineLearningServices/workspaces/serverlessEndpoints"):
		return "model"
	case is("Microsoft.Search/searchServices"), is("Microsoft.Search/searchServices/indexes"):
		return "index"
	case is("Awaf.Prompts/prompty"):
		return "prompt"
	case len(t) > 16 && strings.EqualFold(t[len(t)-16:], "/capabilityHosts"):
		return "agents"
	case is("Microsoft.MachineLearningServices/workspaces/onlineEndpoints"):
		return "online"
	case is("Microsoft.MachineLearningServices/workspaces/batchEndpoints"):
		return "batch"
	case is("Microsoft.MachineLearningServices/workspaces/schedules"):
		if r.Properties.Field("create_job") != nil {
			return "batch"
		}
	case is("Microsoft.MachineLearningServices/workspaces/jobs"):
		typ, _, _ := r.Properties.Field("type").AsString()
		cmd, _, _ := r.Properties.Field("command").AsString()
		if typ == "sweep" || strings.Contains(strings.ToLower(cmd), "train") {
			return "training"
		}
	case is("Microsoft.MachineLearningServices/workspaces/computes"):
		if ct, _, _ := r.Properties.Get("computeType").AsString(); strings.EqualFold(ct, "AmlCompute") {
			return "training"
		}
	case is("Microsoft.App/containerApps"), is("Microsoft.Web/sites"):
		if mentionsAgent(r) {
			return "agents"
		}
	}
	return ""
}

func normRegionName(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }

func (f *profileFacts) propose() ([]KindProposal, []Hint) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var kinds []KindProposal
	add := func(k awaf.Kind, why string, s signal) {
		kinds = append(kinds, KindProposal{Kind: k, Why: why, Loc: s.loc})
	}
	if m, ok := f.first["model"]; ok {
		if ix, ok := f.first["index"]; ok {
			add(awaf.KindGenerative, fmt.Sprintf("model deployment '%s' with grounding index '%s'", m.name, ix.name), m)
		} else if p, ok := f.first["prompt"]; ok {
			add(awaf.KindGenerative, fmt.Sprintf("model deployment '%s' with prompt %s", m.name, p.loc.File), m)
		}
	}
	for _, k := range []struct {
		key  string
		kind awaf.Kind
	}{{"agents", awaf.KindAgents}, {"online", awaf.KindOnlineInference}, {"batch", awaf.KindBatchInference}, {"training", awaf.KindTraining}} {
		if s, ok := f.first[k.key]; ok {
			add(k.kind, fmt.Sprintf("%s '%s'", s.typ, s.name), s)
		}
	}
	var hints []Hint
	if z, ok := f.first["zonal"]; ok {
		hints = append(hints, Hint{Field: "criticality", Text: fmt.Sprintf("%s '%s' is zone-redundant: is the workload business-critical or mission-critical?", z.typ, z.name), Loc: z.loc})
	}
	if len(f.regions) > 1 {
		var names []string
		var at signal
		for n, s := range f.regions {
			names = append(names, n)
			if at.loc.File == "" || s.before(at) {
				at = s
			}
		}
		slices.Sort(names)
		hints = append(hints, Hint{Field: "criticality", Text: fmt.Sprintf("resources in %d regions (%s): a multi-region, mission-critical design?", len(names), strings.Join(names, ", ")), Loc: at.loc})
	}
	return kinds, hints
}

// mentionsAgent tells whether an app's settings name an agent (AZURE_AI_AGENT_ID and
// the like), which is how apps built on the agent service are configured.
func mentionsAgent(r *iac.Resource) bool {
	var found bool
	var walk func(v *iac.Value, depth int)
	walk = func(v *iac.Value, depth int) {
		if v == nil || found || depth > 12 {
			return
		}
		switch v.Kind {
		case iac.Object:
			if n, _, _ := v.Field("name").AsString(); strings.Contains(strings.ToUpper(n), "AGENT") && v.Field("value") != nil {
				found = true
				return
			}
			for _, k := range v.Keys {
				walk(v.Fields[k], depth+1)
			}
		case iac.Array:
			for _, it := range v.Items {
				walk(it, depth+1)
			}
		}
	}
	walk(r.Properties, 0)
	return found
}

// ProfileLines applies the proposed kinds to a profile that has none, and says so;
// kinds the profile leaves out and criticality hints are only reported, never set.
func ProfileLines(p *awaf.Profile, kinds []KindProposal, hints []Hint) []string {
	var out []string
	if len(p.Kinds) == 0 && len(kinds) > 0 {
		for _, k := range kinds {
			p.Kinds = append(p.Kinds, k.Kind)
			out = append(out, fmt.Sprintf("profile kind %s set from %s at %s", k.Kind, k.Why, Where([]awaf.Location{k.Loc}, 1)))
		}
	} else {
		for _, k := range kinds {
			if !slices.Contains(p.Kinds, k.Kind) {
				out = append(out, fmt.Sprintf("the resources also suggest kind %s (%s at %s; not changed)", k.Kind, k.Why, Where([]awaf.Location{k.Loc}, 1)))
			}
		}
	}
	for _, h := range hints {
		if h.Field == "criticality" && p.Criticality != "" {
			continue
		}
		out = append(out, fmt.Sprintf("hint (%s, not set): %s at %s", h.Field, h.Text, Where([]awaf.Location{h.Loc}, 1)))
	}
	return out
}

// Where renders up to max locations as file:line, with a count of the rest.
func Where(locs []awaf.Location, max int) string {
	var parts []string
	for i, l := range locs {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(locs)-max))
			break
		}
		if l.Line > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", l.File, l.Line))
		} else {
			parts = append(parts, l.File)
		}
	}
	if len(parts) == 0 {
		return "no location"
	}
	return strings.Join(parts, ", ")
}

// ProposalShare counts the proposals against the practices that apply to the profile:
// choices of questions and choices whose applies condition holds, other than "none of
// these" and the not-needed declarations, which no file can show and no scan proposes.
func ProposalShare(l *awaf.Lens, p awaf.Profile, props []Proposal) (proposed, applicable int) {
	ok := func(c awaf.ProfileCondition) bool {
		if c == nil {
			return true
		}
		m, err := c.Match(p)
		return err == nil && m
	}
	open := map[string]bool{}
	for _, q := range l.Questions {
		if !ok(q.AppliesWhen) {
			continue
		}
		for _, c := range q.Choices {
			if !c.None && c.NotNeeded == "" && ok(c.AppliesWhen) {
				open[c.ID] = true
				applicable++
			}
		}
	}
	for _, pr := range props {
		if open[pr.Choice] {
			proposed++
		}
	}
	return proposed, applicable
}
