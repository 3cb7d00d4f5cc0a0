package lens

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/awaf/awaf"
)

// fileLens mirrors the file format for writing. Field order is the documented order,
// so written lenses diff cleanly.
type fileLens struct {
	ID          string            `yaml:"id" json:"id"`
	Name        string            `yaml:"name" json:"name"`
	Version     string            `yaml:"version" json:"version"`
	Description string            `yaml:"description,omitempty" json:"description,omitempty"`
	Pillars     []filePillar      `yaml:"pillars" json:"pillars"`
	Areas       []fileArea        `yaml:"areas" json:"areas"`
	Top10       []fileTop10       `yaml:"top10,omitempty" json:"top10,omitempty"`
	Questions   []fileQuestion    `yaml:"questions" json:"questions"`
	Metadata    map[string]string `yaml:"metadata,omitempty" json:"metadata,omitempty"`
}

type filePillar struct {
	ID          awaf.PillarID     `yaml:"id" json:"id"`
	Name        string            `yaml:"name" json:"name"`
	Description string            `yaml:"description,omitempty" json:"description,omitempty"`
	Metadata    map[string]string `yaml:"metadata,omitempty" json:"metadata,omitempty"`
}

type fileArea struct {
	ID          awaf.AreaID `yaml:"id" json:"id"`
	Name        string      `yaml:"name" json:"name"`
	Description string      `yaml:"description,omitempty" json:"description,omitempty"`
	Links       []awaf.Link `yaml:"links,omitempty" json:"links,omitempty"`
}

type fileTop10 struct {
	ID          string      `yaml:"id" json:"id"`
	Title       string      `yaml:"title" json:"title"`
	Description string      `yaml:"description,omitempty" json:"description,omitempty"`
	Links       []awaf.Link `yaml:"links,omitempty" json:"links,omitempty"`
}

type fileQuestion struct {
	ID                  string            `yaml:"id" json:"id"`
	Title               string            `yaml:"title" json:"title"`
	Description         string            `yaml:"description,omitempty" json:"description,omitempty"`
	Area                awaf.AreaID       `yaml:"area" json:"area"`
	Pillars             []awaf.PillarID   `yaml:"pillars,flow" json:"pillars"`
	Applies             string            `yaml:"applies,omitempty" json:"applies,omitempty"`
	NotApplicableReason string            `yaml:"notApplicableReason,omitempty" json:"notApplicableReason,omitempty"`
	Changes             string            `yaml:"changes,omitempty" json:"changes,omitempty"`
	Replaces            []string          `yaml:"replaces,flow,omitempty" json:"replaces,omitempty"`
	Links               []awaf.Link       `yaml:"links,omitempty" json:"links,omitempty"`
	Choices             []fileChoice      `yaml:"choices" json:"choices"`
	Risk                []fileRule        `yaml:"risk,omitempty" json:"risk,omitempty"`
	Metadata            map[string]string `yaml:"metadata,omitempty" json:"metadata,omitempty"`
}

type fileChoice struct {
	ID          string            `yaml:"id" json:"id"`
	Title       string            `yaml:"title" json:"title"`
	Description string            `yaml:"description,omitempty" json:"description,omitempty"`
	None        bool              `yaml:"none,omitempty" json:"none,omitempty"`
	NotNeeded   string            `yaml:"notNeeded,omitempty" json:"notNeeded,omitempty"`
	Replaces    []string          `yaml:"replaces,flow,omitempty" json:"replaces,omitempty"`
	Weight      int               `yaml:"weight,omitempty" json:"weight"`
	Effort      awaf.Effort       `yaml:"effort,omitempty" json:"effort,omitempty"`
	Pillars     []awaf.PillarID   `yaml:"pillars,flow,omitempty" json:"pillars,omitempty"`
	Top10       []string          `yaml:"top10,flow,omitempty" json:"top10"`
	Applies     string            `yaml:"applies,omitempty" json:"applies,omitempty"`
	Guidance    *awaf.Guidance    `yaml:"guidance,omitempty" json:"guidance,omitempty"`
	Links       []awaf.Link       `yaml:"links,omitempty" json:"links,omitempty"`
	Metadata    map[string]string `yaml:"metadata,omitempty" json:"metadata,omitempty"`
}

type fileRule struct {
	When string    `yaml:"when" json:"when"`
	Risk awaf.Risk `yaml:"risk" json:"risk"`
}

func toFile(l *awaf.Lens) fileLens {
	f := fileLens{ID: l.ID, Name: l.Name, Version: l.Version, Description: l.Description, Metadata: l.Metadata}
	for _, p := range l.Pillars {
		f.Pillars = append(f.Pillars, filePillar{ID: p.ID, Name: p.Name, Description: p.Description, Metadata: p.Metadata})
	}
	for _, a := range l.Areas {
		f.Areas = append(f.Areas, fileArea{ID: a.ID, Name: a.Name, Description: a.Description, Links: a.Links})
	}
	for _, t := range l.Top10 {
		f.Top10 = append(f.Top10, fileTop10{ID: t.ID, Title: t.Title, Description: t.Description, Links: t.Links})
	}
	for _, q := range l.Questions {
		fq := fileQuestion{ID: q.ID, Title: q.Title, Description: q.Description, Area: q.Area, Pillars: q.Pillars,
			Applies: q.Applies, NotApplicableReason: q.NotApplicableReason, Changes: q.Changes, Replaces: q.Replaces, Links: q.Links, Metadata: q.Metadata}
		for _, c := range q.Choices {
			fc := fileChoice{ID: c.ID, Title: c.Title, Description: c.Description, None: c.None, NotNeeded: c.NotNeeded, Replaces: c.Replaces, Weight: c.Weight,
				Effort: c.Effort, Pillars: c.Pillars, Top10: c.Top10, Applies: c.Applies, Links: c.Links, Metadata: c.Metadata}
			if !c.None {
				g := c.Guidance
				fc.Guidance = &g
			}
			if fc.Top10 == nil {
				fc.Top10 = []string{}
			}
			fq.Choices = append(fq.Choices, fc)
		}
		for _, r := range q.RiskRules {
			fq.Risk = append(fq.Risk, fileRule{When: r.Condition, Risk: r.Risk})
		}
		f.Questions = append(f.Questions, fq)
	}
	return f
}

// MarshalYAML writes a lens in the file format, ready for Parse.
func MarshalYAML(l *awaf.Lens) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# yaml-language-server: $schema=https://raw.githubusercontent.com/awaf/awaf/main/docs/lens.schema.json\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(toFile(l)); err != nil {
		return nil, fmt.Errorf("encode lens %s: %w", l.ID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode lens %s: %w", l.ID, err)
	}
	return buf.Bytes(), nil
}

// MarshalJSON writes a lens as JSON with the same fields as the file format.
func MarshalJSON(l *awaf.Lens) ([]byte, error) {
	b, err := json.MarshalIndent(toFile(l), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode lens %s: %w", l.ID, err)
	}
	return append(b, '\n'), nil
}
