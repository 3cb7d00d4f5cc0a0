package awslens

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/awaf/awaf"
)

// AwafKey is the top-level key under which Export records the awaf facts the AWS
// format has no field for: the lens id and version, and the ids, pillars, weights and
// efforts that an import would otherwise derive or default. AWS lens files may carry
// extra "_"-prefixed keys (like "_version"), so the file still loads in AWS; Import
// reads it back, so `lens export aws` then `lens import aws` gives the same lens ids,
// versions and scoring. Only what differs from what Import derives is written.
const AwafKey = "_awaf"

// awafMeta is the value under AwafKey.
type awafMeta struct {
	ID        string                  `json:"id,omitempty"`
	Version   string                  `json:"version,omitempty"`
	Areas     map[string]string       `json:"areas,omitempty"`     // AWS pillar id -> awaf area id
	Questions map[string]questionMeta `json:"questions,omitempty"` // AWS question id ->
	Choices   map[string]choiceMeta   `json:"choices,omitempty"`   // "AWS question id/AWS choice id" ->
}

type questionMeta struct {
	ID      string          `json:"id,omitempty"`
	Pillars []awaf.PillarID `json:"pillars,omitempty"`
}

type choiceMeta struct {
	ID      string          `json:"id,omitempty"`
	Weight  int             `json:"weight,omitempty"`
	Effort  awaf.Effort     `json:"effort,omitempty"`
	Pillars []awaf.PillarID `json:"pillars,omitempty"`
	// NotNeeded is the awaf id of the practice a "not needed" choice stands in for;
	// AWS has no such choice, so it travels as an ordinary one.
	NotNeeded string `json:"notNeeded,omitempty"`
}

func (m *awafMeta) empty() bool {
	return m.ID == "" && m.Version == "" && len(m.Areas) == 0 && len(m.Questions) == 0 && len(m.Choices) == 0
}

// recordAwaf adds AwafKey to f, the export of ex.lens, with what an import of f would
// not derive by itself.
func (ex *exporter) recordAwaf(f *File) {
	l := ex.lens
	delete(f.Extra, AwafKey)
	m := awafMeta{Areas: map[string]string{}, Questions: map[string]questionMeta{}, Choices: map[string]choiceMeta{}}
	if l.ID != slug(f.Name) {
		m.ID = l.ID
	}
	if l.Version != DefaultVersion {
		m.Version = l.Version
	}
	areaOf := map[string]awaf.AreaID{}
	for _, q := range l.Questions {
		pid, _ := ex.pillarOf(&q)
		if _, ok := areaOf[pid]; !ok {
			areaOf[pid] = q.Area
		}
	}
	qids, areas := ids{}, map[awaf.AreaID]bool{}
	for _, p := range f.Pillars {
		// Import's rule for area ids, replayed to see what it would make.
		area := awaf.AreaID(slug(p.ID))
		for n := 2; areas[area]; n++ {
			area = awaf.AreaID(slug(p.ID) + "-" + strconv.Itoa(n))
		}
		areas[area] = true
		if want := areaOf[p.ID]; want != "" && want != area {
			m.Areas[p.ID] = string(want)
		}
		derived, _ := MapPillar(p.ID, p.Name)
		for _, aq := range p.Questions {
			q := ex.questionByAWS(aq.ID)
			if q == nil {
				continue
			}
			var qm questionMeta
			if made := qids.make(aq.ID); made != q.ID {
				qm.ID = q.ID
			}
			if !slices.Equal(q.Pillars, derived) {
				qm.Pillars = q.Pillars
			}
			if qm.ID != "" || qm.Pillars != nil {
				m.Questions[aq.ID] = qm
			}
			cids := ids{}
			for _, c := range q.Choices {
				if c.Metadata[MetaSynthesized] == "true" {
					continue
				}
				awsID := c.Metadata[MetaID]
				if awsID == "" {
					awsID = c.ID
					if c.None && !isNone(c.ID) {
						awsID = aq.ID + "_no"
					}
				}
				var cm choiceMeta
				if made := cids.make(awsID); made != c.ID {
					cm.ID = c.ID
				}
				if c.NotNeeded != "" {
					cm.NotNeeded = c.NotNeeded
				} else if !c.None {
					if c.Weight != DefaultWeight {
						cm.Weight = c.Weight
					}
					if c.Effort != DefaultEffort {
						cm.Effort = c.Effort
					}
					if !slices.Equal(c.Pillars, q.Pillars) {
						cm.Pillars = c.Pillars
					}
				}
				if cm.ID != "" || cm.Weight != 0 || cm.Effort != "" || cm.Pillars != nil || cm.NotNeeded != "" {
					m.Choices[aq.ID+"/"+awsID] = cm
				}
			}
		}
	}
	if m.empty() {
		return
	}
	b, err := json.Marshal(m)
	if err != nil {
		ex.errorf(l.Source, "lens %s: record awaf metadata: %v", l.ID, err)
		return
	}
	if f.Extra == nil {
		f.Extra = map[string]json.RawMessage{}
	}
	f.Extra[AwafKey] = b
}

func (ex *exporter) questionByAWS(awsID string) *awaf.Question {
	for i := range ex.lens.Questions {
		q := &ex.lens.Questions[i]
		if orText(q.Metadata[MetaID], q.ID) == awsID {
			return q
		}
	}
	return nil
}

// readAwaf takes AwafKey out of f's extra keys and decodes it; a value that does not
// decode is a problem at "_awaf".
func (im *importer) readAwaf(f *File) awafMeta {
	var m awafMeta
	raw, ok := f.Extra[AwafKey]
	if !ok {
		return m
	}
	delete(f.Extra, AwafKey)
	if err := json.Unmarshal(raw, &m); err != nil {
		im.errorf(AwafKey, "%s: %v", AwafKey, err)
	}
	return m
}

// validPillars keeps the metadata's pillars when every one is an awaf pillar.
func validPillars(ps []awaf.PillarID) bool {
	if len(ps) == 0 {
		return false
	}
	for _, p := range ps {
		if !slices.Contains(awaf.Pillars, p) {
			return false
		}
	}
	return true
}

// awafItemIDRe is compiled on first use, like awsIDRe.
var awafItemIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]{2,119}$`) })

// useID gives the id the metadata names when it is a valid, unused awaf id (claiming
// it in used), and otherwise made, the id derived from the AWS id.
func (im *importer) useID(used ids, meta, aws string) string {
	if meta != "" && awafItemIDRe().MatchString(meta) && !celReserved[meta] && !used[meta] {
		used[meta] = true
		return meta
	}
	return used.make(aws)
}
