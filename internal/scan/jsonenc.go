package scan

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// The JSON and SARIF reports hold one item per finding: hundreds of thousands in a
// large scan. encoding/json walks each item by reflection and allocates the item
// first; the appenders here write the same bytes (what json.Encoder gives with
// SetEscapeHTML(false): same field order, same omitempty, same escaping) straight
// into a reused buffer, and what depends only on the rule is escaped once per rule.
// TestReportEncodersMatchEncodingJSON holds them to encoding/json.

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped as encoding/json escapes it
// without HTML escaping.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s)
	return append(dst, '"')
}

// Masks for plainWord: each byte of a word set to 0x01, 0x20, '"', '\\', 0x80.
const (
	ones      = 0x0101010101010101
	spaces    = 0x20 * ones
	quotes    = '"' * ones
	backslash = '\\' * ones
	highs     = 0x80 * ones
)

// plainWord tells whether none of the eight bytes of w needs a look: no control
// byte, quote, backslash or byte past ASCII. A zero byte of x is found by
// (x-ones) &^ x & highs, and a byte under 0x20 by (w-spaces) &^ w & highs.
func plainWord(w uint64) bool {
	q, b := w^quotes, w^backslash
	return (w|(w-spaces)|((q-ones)&^q)|((b-ones)&^b))&highs == 0
}

// appendEscaped appends the inside of the JSON string s, without quotes. Messages
// and paths are mostly plain ASCII: eight bytes at a time are checked at once.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if !plainWord(w) {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendJSONStrings appends a list of strings; nil is null, as encoding/json writes
// a nil slice.
func appendJSONStrings[S ~string](dst []byte, list []S) []byte {
	if list == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, string(s))
	}
	return append(dst, ']')
}

// appendLocation appends an awaf.Location: every field omitted when empty.
func appendLocation(dst []byte, l awaf.Location) []byte {
	dst = append(dst, '{')
	if l.File == "" {
		return appendLineColumn(dst, l)
	}
	dst = append(dst, `"file":`...)
	dst = appendJSONString(dst, l.File)
	return appendLineColumn(dst, l)
}

// appendLineColumn ends a location whose start, up to the file if it has one, is
// in dst: the line and column when set, then the closing brace.
func appendLineColumn(dst []byte, l awaf.Location) []byte {
	sep := l.File != ""
	if l.Line != 0 {
		if sep {
			dst = append(dst, ',')
		}
		dst = append(dst, `"line":`...)
		dst = strconv.AppendInt(dst, int64(l.Line), 10)
		sep = true
	}
	if l.Column != 0 {
		if sep {
			dst = append(dst, ',')
		}
		dst = append(dst, `"column":`...)
		dst = strconv.AppendInt(dst, int64(l.Column), 10)
	}
	return append(dst, '}')
}

func appendLocations(dst []byte, ls []awaf.Location) []byte {
	dst = append(dst, '[')
	for i, l := range ls {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendLocation(dst, l)
	}
	return append(dst, ']')
}

// appendSuppression appends a rules.Suppression.
func appendSuppression(dst []byte, s *rules.Suppression) []byte {
	dst = append(dst, `{"kind":`...)
	dst = appendJSONString(dst, s.Kind)
	dst = append(dst, `,"reason":`...)
	dst = appendJSONString(dst, s.Reason)
	if s.Expires != "" {
		dst = append(dst, `,"expires":`...)
		dst = appendJSONString(dst, s.Expires)
	}
	dst = append(dst, `,"location":`...)
	dst = appendLocation(dst, s.Loc)
	return append(dst, '}')
}

// appendUnresolved appends the causes of an unknown.
func appendUnresolved(dst []byte, us []rules.Unresolved) []byte {
	dst = append(dst, '[')
	for i := range us {
		u := &us[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"why":`...)
		dst = appendJSONString(dst, u.Why)
		dst = append(dst, `,"location":`...)
		dst = appendLocation(dst, u.Loc)
		if u.Count != 0 {
			dst = append(dst, `,"count":`...)
			dst = strconv.AppendInt(dst, int64(u.Count), 10)
		}
		if len(u.More) > 0 {
			dst = append(dst, `,"more":`...)
			dst = appendLocations(dst, u.More)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// jsonRule is what a DocFinding takes from its rule, escaped once.
type jsonRule struct {
	head     []byte // {"rule":…,"title":…,"status":
	severity []byte // ,"severity":…,"pillars":…,"choices":…,"resource":{"type":
	helpURI  []byte // ,"helpUri":… or nothing, then }
}

func newJSONRule(r *rules.Rule) *jsonRule {
	j := &jsonRule{}
	j.head = append(j.head, `{"rule":`...)
	j.head = appendJSONString(j.head, r.ID)
	j.head = append(j.head, `,"title":`...)
	j.head = appendJSONString(j.head, r.Title)
	j.head = append(j.head, `,"status":`...)
	j.severity = append(j.severity, `,"severity":`...)
	j.severity = appendJSONString(j.severity, string(r.Severity))
	j.severity = append(j.severity, `,"pillars":`...)
	j.severity = appendJSONStrings(j.severity, r.Pillars)
	choices := r.Choices
	if choices == nil {
		choices = []string{}
	}
	j.severity = append(j.severity, `,"choices":`...)
	j.severity = appendJSONStrings(j.severity, choices)
	j.severity = append(j.severity, `,"resource":{"type":`...)
	if u := r.HelpURI(); u != "" {
		j.helpURI = append(j.helpURI, `,"helpUri":`...)
		j.helpURI = appendJSONString(j.helpURI, u)
	}
	j.helpURI = append(j.helpURI, '}')
	return j
}

// findingEncoder writes DocFindings; it keeps the escaped parts of each rule and of
// the last resource (a resource's findings come one after another).
type findingEncoder struct {
	rules   map[*rules.Rule]*jsonRule
	lastRes *iac.Resource
	resPart []byte // "…type…","name":"…"}
	via     []byte // ,"via":[…] or nothing
	// The last workload and location file, escaped: a resource's findings share them.
	lastWork, lastFile string
	workPart, filePart []byte
}

func newFindingEncoder() *findingEncoder {
	return &findingEncoder{rules: map[*rules.Rule]*jsonRule{}}
}

// appendFinding appends f as DocFinding is encoded.
func (e *findingEncoder) appendFinding(dst []byte, f *Finding) []byte {
	jr := e.rules[f.Rule]
	if jr == nil {
		jr = newJSONRule(f.Rule)
		e.rules[f.Rule] = jr
	}
	if f.Resource != e.lastRes {
		e.lastRes = f.Resource
		e.resPart = appendJSONString(e.resPart[:0], f.Resource.Type)
		e.resPart = append(e.resPart, `,"name":`...)
		e.resPart = appendJSONString(e.resPart, displayName(f.Resource))
		e.resPart = append(e.resPart, '}')
		e.via = e.via[:0]
		if len(f.Resource.Via) > 0 {
			e.via = append(e.via, `,"via":`...)
			e.via = appendLocations(e.via, f.Resource.Via)
		}
	}
	dst = append(dst, jr.head...)
	dst = appendJSONString(dst, string(f.Effective()))
	dst = append(dst, `,"outcome":`...)
	dst = appendJSONString(dst, string(f.Status))
	dst = append(dst, jr.severity...)
	dst = append(dst, e.resPart...)
	dst = append(dst, `,"workload":`...)
	if e.workPart == nil || f.Workload != e.lastWork {
		e.lastWork, e.workPart = f.Workload, appendJSONString(e.workPart[:0], f.Workload)
	}
	dst = append(dst, e.workPart...)
	dst = append(dst, `,"location":`...)
	if f.Loc.File == "" {
		dst = appendLocation(dst, f.Loc)
	} else {
		if e.filePart == nil || f.Loc.File != e.lastFile {
			e.lastFile = f.Loc.File
			e.filePart = appendJSONString(append(e.filePart[:0], `{"file":`...), f.Loc.File)
		}
		dst = appendLineColumn(append(dst, e.filePart...), f.Loc)
	}
	dst = append(dst, e.via...)
	dst = append(dst, `,"message":`...)
	dst = appendJSONString(dst, f.Message)
	if len(f.Unresolved) > 0 {
		dst = append(dst, `,"unresolved":`...)
		dst = appendUnresolved(dst, f.Unresolved)
	}
	if f.Suppression != nil {
		dst = append(dst, `,"suppression":`...)
		dst = appendSuppression(dst, f.Suppression)
	}
	return append(dst, jr.helpURI...)
}

// appendResource appends x as DocResource is encoded.
func appendResource(dst []byte, x *iac.Resource) []byte {
	dst = append(dst, `{"type":`...)
	dst = appendJSONString(dst, x.Type)
	dst = append(dst, `,"name":`...)
	dst = appendJSONString(dst, displayName(x))
	if x.ID != "" {
		dst = append(dst, `,"id":`...)
		dst = appendJSONString(dst, x.ID)
	}
	dst = append(dst, `,"source":`...)
	dst = appendJSONString(dst, string(x.Source))
	dst = append(dst, `,"location":`...)
	dst = appendLocation(dst, x.Loc)
	if len(x.Via) > 0 {
		dst = append(dst, `,"via":`...)
		dst = appendLocations(dst, x.Via)
	}
	if x.Existing {
		dst = append(dst, `,"existing":true`...)
	}
	return append(dst, '}')
}

// sarifEncoder writes SARIF results as sarifResult is encoded, keeping what depends
// only on the rule or on the resource.
type sarifEncoder struct {
	index   map[string]int
	rules   map[*rules.Rule]*sarifRuleParts
	lastRes *iac.Resource
	text    []byte // the message's escaped start, "type 'name': ", without quotes
	logical []byte // ,"logicalLocations":[…]}
	print   []byte // the fingerprint's escaped, lower-cased "|type|name"
	resLoc  []byte // physicalLocation of the resource, or nil
}

type sarifRuleParts struct {
	head   []byte // {"ruleId":…,"ruleIndex":…,"kind":
	print  []byte // ,"partialFingerprints":{"awafFinding/v1":"<lower-cased id>
	props  []byte // ,"properties":{["lensChoices":[…],]["scope":"workload",]"workload":
	rawFix string // lower-cased rule id, for the fingerprint
}

func newSARIFEncoder(index map[string]int) *sarifEncoder {
	return &sarifEncoder{index: index, rules: map[*rules.Rule]*sarifRuleParts{}}
}

// appendPhysical appends the physicalLocation object of l, which names a file.
func appendPhysical(dst []byte, l awaf.Location) []byte {
	dst = append(dst, `{"artifactLocation":{"uri":`...)
	dst = appendJSONString(dst, uriPath(l.File))
	dst = append(dst, `,"uriBaseId":"%SRCROOT%"}`...)
	if l.Line > 0 {
		dst = append(dst, `,"region":{"startLine":`...)
		dst = strconv.AppendInt(dst, int64(l.Line), 10)
		if c := max(l.Column, 0); c != 0 {
			dst = append(dst, `,"startColumn":`...)
			dst = strconv.AppendInt(dst, int64(c), 10)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

func (e *sarifEncoder) rule(r *rules.Rule) *sarifRuleParts {
	if p := e.rules[r]; p != nil {
		return p
	}
	p := &sarifRuleParts{}
	p.head = append(p.head, `{"ruleId":`...)
	p.head = appendJSONString(p.head, r.ID)
	p.head = append(p.head, `,"ruleIndex":`...)
	p.head = strconv.AppendInt(p.head, int64(e.index[r.ID]), 10)
	p.head = append(p.head, `,"kind":`...)
	p.rawFix = strings.ToLower(r.ID)
	p.props = append(p.props, `,"properties":{`...)
	if len(r.Choices) > 0 {
		p.props = append(p.props, `"lensChoices":`...)
		p.props = appendJSONStrings(p.props, r.Choices)
		p.props = append(p.props, ',')
	}
	if r.Scope == rules.ScopeWorkload {
		p.props = append(p.props, `"scope":`...)
		p.props = appendJSONString(p.props, rules.ScopeWorkload)
		p.props = append(p.props, ',')
	}
	p.props = append(p.props, `"workload":`...)
	e.rules[r] = p
	return p
}

func (e *sarifEncoder) resource(x *iac.Resource) {
	if x == e.lastRes {
		return
	}
	e.lastRes = x
	name := displayName(x)
	e.text = appendEscaped(e.text[:0], x.Type+" '"+name+"': ")
	e.logical = append(e.logical[:0], `,"logicalLocations":[{"name":`...)
	e.logical = appendJSONString(e.logical, name)
	e.logical = append(e.logical, `,"fullyQualifiedName":`...)
	e.logical = appendJSONString(e.logical, x.Type+"/"+name)
	e.logical = append(e.logical, `,"kind":"resource"}]}`...)
	e.print = appendEscaped(e.print[:0], strings.ToLower("|"+x.Type+"|"+name))
	e.resLoc = e.resLoc[:0]
	if x.Loc.File != "" {
		e.resLoc = appendPhysical(e.resLoc, x.Loc)
	}
}

// appendResult appends the result of f, which is not a pass, as writeSARIF's
// sarifResult is encoded.
func (e *sarifEncoder) appendResult(dst []byte, f *Finding) []byte {
	p := e.rule(f.Rule)
	e.resource(f.Resource)
	dst = append(dst, p.head...)
	if f.Status == rules.Unknown {
		dst = append(dst, `"review","level":"none"`...)
	} else {
		dst = append(dst, `"fail","level":`...)
		dst = appendJSONString(dst, sarifLevel(f.Rule.Severity))
	}
	dst = append(dst, `,"message":{"text":"`...)
	dst = append(dst, e.text...)
	dst = appendEscaped(dst, f.Message)
	dst = append(dst, `"},"locations":[{`...)
	switch {
	case f.Loc.File != "":
		dst = append(dst, `"physicalLocation":`...)
		dst = appendPhysical(dst, f.Loc)
	case len(e.resLoc) > 0:
		dst = append(dst, `"physicalLocation":`...)
		dst = append(dst, e.resLoc...)
	default:
		// no physical location: the logical one opens the object
		dst = append(dst, e.logical[1:]...)
		goto related
	}
	dst = append(dst, e.logical...)
related:
	dst = append(dst, ']')
	id := 1
	for _, u := range f.Unresolved {
		if u.Loc.File == "" || u.Loc == f.Loc {
			continue
		}
		dst = e.related(dst, id, u.Loc, u.Why)
		id++
	}
	for _, via := range f.Resource.Via {
		if via.File == "" {
			continue
		}
		dst = e.related(dst, id, via, "module call that declares the resource")
		id++
	}
	if id > 1 {
		dst = append(dst, ']')
	}
	dst = append(dst, `,"partialFingerprints":{"awafFinding/v1":"`...)
	dst = appendEscaped(dst, p.rawFix)
	dst = append(dst, e.print...)
	dst = append(dst, `"}`...)
	if s := f.Suppression; s != nil {
		kind := "inSource"
		if s.Kind == "baseline" {
			kind = "external"
		}
		dst = append(dst, `,"suppressions":[{"kind":"`...)
		dst = append(dst, kind...)
		dst = append(dst, `","status":"accepted","justification":`...)
		dst = appendJSONString(dst, s.Reason)
		dst = append(dst, "}]"...)
	}
	dst = append(dst, p.props...)
	dst = appendJSONString(dst, f.Workload)
	return append(dst, "}}"...)
}

// related appends one relatedLocations item, opening the list before the first.
func (e *sarifEncoder) related(dst []byte, id int, l awaf.Location, text string) []byte {
	if id == 1 {
		dst = append(dst, `,"relatedLocations":[`...)
	} else {
		dst = append(dst, ',')
	}
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendInt(dst, int64(id), 10)
	dst = append(dst, `,"physicalLocation":`...)
	dst = appendPhysical(dst, l)
	dst = append(dst, `,"message":{"text":`...)
	dst = appendJSONString(dst, text)
	return append(dst, "}}"...)
}
