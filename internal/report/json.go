package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/awaf/awaf"
)

// SchemaVersion is the version of the JSON report document. It changes only when a
// field is removed or changes meaning; new fields may appear without a change.
const SchemaVersion = "1"

// Document is the JSON report, documented in docs/report-json.md. Field order is the
// order of the struct, so the output is stable.
type Document struct {
	SchemaVersion string                `json:"schemaVersion"`
	Generated     time.Time             `json:"generated"`
	Lens          DocumentLens          `json:"lens"`
	Workload      awaf.Workload         `json:"workload"`
	Profile       awaf.Profile          `json:"profile"`
	Overall       awaf.Score            `json:"overall"`
	Pillars       []awaf.PillarScore    `json:"pillars"`
	Areas         []awaf.AreaScore      `json:"areas"`
	Questions     []awaf.QuestionResult `json:"questions"`
	Top10         []awaf.Top10Result    `json:"top10"`
	Plan          []awaf.Recommendation `json:"plan"`
}

// DocumentLens names the lens the assessment answered.
type DocumentLens struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// NewDocument builds the JSON document. Lists are never null, so consumers can
// iterate without checks.
func NewDocument(in Input) Document {
	r := in.Result
	d := Document{
		SchemaVersion: SchemaVersion,
		Generated:     in.Generated.UTC(),
		Lens:          DocumentLens{ID: in.Lens.ID, Name: in.Lens.Name, Version: in.Lens.Version},
		Workload:      r.Workload,
		Profile:       r.Profile,
		Overall:       r.Overall,
		Pillars:       nonNil(r.Pillars),
		Areas:         nonNil(r.Areas),
		Questions:     make([]awaf.QuestionResult, len(r.Questions)),
		Top10:         nonNil(r.Top10),
		Plan:          make([]awaf.Recommendation, len(r.Plan)),
	}
	if d.Lens.ID == "" {
		d.Lens.ID, d.Lens.Version = r.Lens.ID, r.Lens.Version
	}
	d.Profile.Kinds = nonNil(d.Profile.Kinds)
	d.Profile.Components = nonNil(d.Profile.Components)
	d.Profile.Priorities = nonNil(d.Profile.Priorities)
	for i, q := range r.Questions {
		q.Pillars = nonNil(q.Pillars)
		d.Questions[i] = q
	}
	for i, rec := range r.Plan {
		rec.Pillars = nonNil(rec.Pillars)
		rec.Links = nonNil(rec.Links)
		d.Plan[i] = rec
	}
	return d
}

func renderJSON(w io.Writer, in Input) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Notes are read by people in editors; keep <, > and & as they are.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(NewDocument(in)); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
