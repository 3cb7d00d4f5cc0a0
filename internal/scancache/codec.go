package scancache

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"unsafe"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// An entry file is:
//
//	magic (8 bytes) | format version (uint16, little endian) | key (32 bytes) |
//	body length (uvarint) | body | CRC-32C of the body (uint32, little endian)
//
// The body is a sequence of uvarints, varints, bytes and strings. A string is written
// in full the first time (0, length, bytes) and as its number plus one after that,
// so the file names and property keys that every value repeats are stored once.
// Every count read back is checked against the bytes left before anything is
// allocated, and values nest at most maxDepth deep: an entry is data from disk, read
// defensively, never trusted.

// magic starts every entry file.
var magic = [8]byte{'a', 'w', 'a', 'f', 's', 'c', 'c', '\n'}

// Version is the entry format. It is part of every key, so entries of another
// format are never looked up; one found under this format's key is damaged.
// Version 2: the body's checksum is a CRC-32C, no longer a SHA-256. It is there to
// tell a damaged file, which a CRC does several times faster; neither makes a file
// from elsewhere trustworthy, which is why the decoder checks every bound anyway.
const Version = 2

// crcTable is the checksum's polynomial (Castagnoli: computed in hardware on most
// CPUs).
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// sumSize is the checksum's size.
const sumSize = 4

// maxDepth bounds how deep values nest in an entry.
const maxDepth = 512

// Errors a damaged or foreign entry gives.
var (
	errShort    = errors.New("truncated")
	errChecksum = errors.New("checksum does not match")
	errMagic    = errors.New("not a scan cache entry")
	errVersion  = errors.New("written in another entry format")
	errKey      = errors.New("holds another key")
)

// headerSize is the fixed part before the body length.
const headerSize = len(magic) + 2 + 32

// encoder writes one entry body.
type encoder struct {
	b []byte
	// values and findings count what the body holds, written ahead of it so that
	// the decoder allocates them in one block each.
	values, findings int
	strs             map[string]uint64
	rules            map[*rules.Rule]uint64
	err              error
}

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) byte1(v byte)     { e.b = append(e.b, v) }
func (e *encoder) boolean(v bool) {
	if v {
		e.byte1(1)
	} else {
		e.byte1(0)
	}
}

func (e *encoder) str(s string) {
	if n, ok := e.strs[s]; ok {
		e.uvarint(n + 1)
		return
	}
	e.strs[s] = uint64(len(e.strs))
	e.uvarint(0)
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) loc(l awaf.Location) {
	e.str(l.File)
	e.varint(int64(l.Line))
	e.varint(int64(l.Column))
}

// count writes n+1, or 0 for nil, so that nil and empty come back as they were.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

// Value flags: which fields are set beyond the kind and location.
const (
	fBool = 1 << iota
	fNumber
	fStr
	fItems
	fFields
	fKeys
	fWhy
)

func (e *encoder) value(v *iac.Value, depth int) {
	if v == nil {
		e.byte1(0)
		return
	}
	if depth > maxDepth {
		e.err = fmt.Errorf("value nested deeper than %d", maxDepth)
		e.byte1(0)
		return
	}
	e.values++
	e.byte1(byte(v.Kind) + 1)
	var flags byte
	if v.Bool {
		flags |= fBool
	}
	if v.Number != 0 || math.Signbit(v.Number) {
		flags |= fNumber
	}
	if v.Str != "" {
		flags |= fStr
	}
	if v.Items != nil {
		flags |= fItems
	}
	if v.Fields != nil {
		flags |= fFields
	}
	if v.Keys != nil {
		flags |= fKeys
	}
	if v.Why != "" {
		flags |= fWhy
	}
	e.byte1(flags)
	e.loc(v.Loc)
	if flags&fNumber != 0 {
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v.Number))
	}
	if flags&fStr != 0 {
		e.str(v.Str)
	}
	if flags&fWhy != 0 {
		e.str(v.Why)
	}
	if flags&fItems != 0 {
		e.uvarint(uint64(len(v.Items)))
		for _, it := range v.Items {
			e.value(it, depth+1)
		}
	}
	if flags&fFields != 0 {
		names := make([]string, 0, len(v.Fields))
		for k := range v.Fields {
			names = append(names, k)
		}
		slices.Sort(names)
		e.uvarint(uint64(len(names)))
		for _, k := range names {
			e.str(k)
			e.value(v.Fields[k], depth+1)
		}
	}
	if flags&fKeys != 0 {
		e.uvarint(uint64(len(v.Keys)))
		for _, k := range v.Keys {
			e.str(k)
		}
	}
}

func (e *encoder) strings(ss []string) {
	e.count(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) resource(r *iac.Resource) {
	e.str(r.Type)
	e.str(r.APIVersion)
	for _, v := range []*iac.Value{r.Name, r.Kind, r.Location, r.SKU, r.Identity, r.Tags, r.Properties, r.Zones, r.Scope, r.Condition, r.Metadata} {
		e.value(v, 0)
	}
	e.str(r.Parent)
	e.strings(r.DependsOn)
	e.str(r.ID)
	e.loc(r.Loc)
	e.count(len(r.Via), r.Via == nil)
	for _, l := range r.Via {
		e.loc(l)
	}
	e.str(string(r.Source))
	e.boolean(r.Existing)
}

func (e *encoder) positions(ps []uint16) {
	e.count(len(ps), ps == nil)
	for _, p := range ps {
		e.uvarint(uint64(p))
	}
}

func (e *encoder) note(n *rules.Note) {
	if n == nil {
		e.byte1(0)
		return
	}
	e.byte1(1)
	e.findingList(n.Local)
	e.positions(n.LocalAt)
	e.positions(n.Pending)
}

// findingList writes findings judged before Finish names their resource and
// workload and suppressions apply: a note's, or what Finish judged of a resource.
func (e *encoder) findingList(fs []rules.Finding) {
	e.findings += len(fs)
	e.count(len(fs), fs == nil)
	for i := range fs {
		f := &fs[i]
		idx, ok := e.rules[f.Rule]
		if !ok || f.Resource != nil || f.Suppression != nil || f.Workload != "" {
			e.err = fmt.Errorf("finding of rule %v cannot be stored", f.Rule)
			return
		}
		e.uvarint(idx)
		e.str(string(f.Status))
		e.loc(f.Loc)
		e.str(f.Message)
		e.count(len(f.Unresolved), f.Unresolved == nil)
		for _, u := range f.Unresolved {
			e.str(u.Why)
			e.loc(u.Loc)
			e.varint(int64(u.Count))
			e.count(len(u.More), u.More == nil)
			for _, l := range u.More {
				e.loc(l)
			}
		}
	}
}

// Encode writes e as an entry file under key. The catalog is the one the notes'
// findings were judged with.
func Encode(key Key, ent *Entry, cat *rules.Catalog) ([]byte, error) {
	if len(ent.Notes) != len(ent.Resources) {
		return nil, fmt.Errorf("%d notes for %d resources", len(ent.Notes), len(ent.Resources))
	}
	e := &encoder{strs: map[string]uint64{}, rules: ruleIndex(cat)}
	e.count(len(ent.Reads), ent.Reads == nil)
	for _, r := range ent.Reads {
		e.str(r.Path)
		e.byte1(byte(r.State.Kind))
		e.b = append(e.b, r.State.Sum[:]...)
	}
	e.count(len(ent.Resources), ent.Resources == nil)
	for i := range ent.Resources {
		e.resource(&ent.Resources[i])
		e.note(ent.Notes[i])
	}
	for _, ds := range [][]iac.Diagnostic{ent.Diags, ent.ScanDiags} {
		e.count(len(ds), ds == nil)
		for _, d := range ds {
			e.str(string(d.Severity))
			e.str(d.Message)
			e.loc(d.Loc)
		}
	}
	e.count(len(ent.Signals), ent.Signals == nil)
	for _, s := range ent.Signals {
		e.boolean(s.Region)
		e.str(s.Key)
		e.str(s.Type)
		e.str(s.Name)
		e.loc(s.Loc)
	}
	e.strings(ent.Components)
	return e.frame(key)
}

// frame gives the entry file of the body e wrote, under key.
func (e *encoder) frame(key Key) ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	// The body starts with how many strings, values and findings follow: sizes for
	// the decoder's first allocations, which it bounds by the bytes left.
	var pre []byte
	pre = binary.AppendUvarint(pre, uint64(len(e.strs)))
	pre = binary.AppendUvarint(pre, uint64(e.values))
	pre = binary.AppendUvarint(pre, uint64(e.findings))
	out := make([]byte, 0, headerSize+binary.MaxVarintLen64+len(pre)+len(e.b)+sumSize)
	out = append(out, magic[:]...)
	out = binary.LittleEndian.AppendUint16(out, Version)
	out = append(out, key[:]...)
	out = binary.AppendUvarint(out, uint64(len(pre)+len(e.b)))
	bodyAt := len(out)
	out = append(out, pre...)
	out = append(out, e.b...)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out[bodyAt:], crcTable)), nil
}

func ruleIndex(cat *rules.Catalog) map[*rules.Rule]uint64 {
	m := make(map[*rules.Rule]uint64, len(cat.Rules))
	for i, r := range cat.Rules {
		m[r] = uint64(i)
	}
	return m
}

// decoder reads one entry body. The first error sticks; reads after it give zeros.
type decoder struct {
	b    []byte
	s    string // b as a string: strings read are slices of it, not copies
	off  int
	strs []string
	cat  *rules.Catalog
	err  error
	slab []iac.Value // values are handed out of blocks, not allocated one by one
	// found is the block findings are handed out of.
	found []rules.Finding
}

// findingsOf gives k zero findings from the current block, cut with the block's
// capacity: the findings of an entry's notes are then back to back in it, and
// rules.Session.Replay uses the block as it is. Nothing appends to them.
func (d *decoder) findingsOf(k int) []rules.Finding {
	if k > len(d.found) {
		return make([]rules.Finding, k)
	}
	out := d.found[:k]
	d.found = d.found[k:]
	return out
}

// newValue gives a zero value from the current block.
func (d *decoder) newValue() *iac.Value {
	if len(d.slab) == 0 {
		d.slab = make([]iac.Value, 256)
	}
	v := &d.slab[0]
	d.slab = d.slab[1:]
	return v
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = fmt.Errorf("at byte %d: %w", d.off, err)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) int() int {
	v := d.varint()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail(fmt.Errorf("number %d out of range", v))
		return 0
	}
	return int(v)
}

func (d *decoder) byte1() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.fail(errShort)
		return 0
	}
	c := d.b[d.off]
	d.off++
	return c
}

func (d *decoder) boolean() bool {
	switch d.byte1() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail(errors.New("bad boolean"))
	return false
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b)-d.off {
		d.fail(errShort)
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

// size reads a length and checks that at least per bytes for each item remain.
func (d *decoder) size(per int) int {
	v := d.uvarint()
	if d.err != nil {
		return 0
	}
	if v > uint64(len(d.b)-d.off)/uint64(per) {
		d.fail(fmt.Errorf("count %d larger than the entry", v))
		return 0
	}
	return int(v)
}

// count reads what encoder.count wrote: -1 for nil, else the length.
func (d *decoder) count(per int) int {
	v := d.uvarint()
	if d.err != nil {
		return 0
	}
	if v == 0 {
		return -1
	}
	v--
	if v > uint64(len(d.b)-d.off)/uint64(per) {
		d.fail(fmt.Errorf("count %d larger than the entry", v))
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	v := d.uvarint()
	if d.err != nil {
		return ""
	}
	if v > 0 {
		if v-1 >= uint64(len(d.strs)) {
			d.fail(fmt.Errorf("string %d not yet defined", v-1))
			return ""
		}
		return d.strs[v-1]
	}
	n := d.size(1)
	if d.err != nil {
		return ""
	}
	s := d.s[d.off : d.off+n]
	d.off += n
	d.strs = append(d.strs, s)
	return s
}

func (d *decoder) loc() awaf.Location {
	return awaf.Location{File: d.str(), Line: d.int(), Column: d.int()}
}

// locs reads a list of locations; nil for a nil list (see count).
func (d *decoder) locs() []awaf.Location {
	n := d.count(3)
	if n < 0 {
		return nil
	}
	out := make([]awaf.Location, n)
	for i := range n {
		out[i] = d.loc()
	}
	return out
}

func (d *decoder) value(depth int) *iac.Value {
	tag := d.byte1()
	if tag == 0 || d.err != nil {
		return nil
	}
	if depth > maxDepth {
		d.fail(fmt.Errorf("values nested deeper than %d", maxDepth))
		return nil
	}
	if tag-1 > byte(iac.Unknown) {
		d.fail(fmt.Errorf("unknown value kind %d", tag-1))
		return nil
	}
	v := d.newValue()
	v.Kind = iac.Kind(tag - 1)
	flags := d.byte1()
	if flags >= fWhy<<1 {
		d.fail(fmt.Errorf("unknown value flags %#x", flags))
		return nil
	}
	v.Bool = flags&fBool != 0
	v.Loc = d.loc()
	if flags&fNumber != 0 {
		if p := d.bytes(8); p != nil {
			v.Number = math.Float64frombits(binary.LittleEndian.Uint64(p))
		}
	}
	if flags&fStr != 0 {
		v.Str = d.str()
	}
	if flags&fWhy != 0 {
		v.Why = d.str()
	}
	if flags&fItems != 0 {
		n := d.size(1)
		v.Items = make([]*iac.Value, n)
		for i := range n {
			v.Items[i] = d.value(depth + 1)
		}
	}
	if flags&fFields != 0 {
		n := d.size(2)
		v.Fields = make(map[string]*iac.Value, n)
		for range n {
			k := d.str()
			v.Fields[k] = d.value(depth + 1)
		}
	}
	if flags&fKeys != 0 {
		n := d.size(1)
		v.Keys = make([]string, n)
		for i := range n {
			v.Keys[i] = d.str()
		}
	}
	if d.err != nil {
		return nil
	}
	return v
}

func (d *decoder) strings() []string {
	n := d.count(1)
	if n < 0 {
		return nil
	}
	out := make([]string, n)
	for i := range n {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) resource(r *iac.Resource) {
	r.Type = d.str()
	r.APIVersion = d.str()
	for _, p := range []**iac.Value{&r.Name, &r.Kind, &r.Location, &r.SKU, &r.Identity, &r.Tags, &r.Properties, &r.Zones, &r.Scope, &r.Condition, &r.Metadata} {
		*p = d.value(0)
	}
	r.Parent = d.str()
	r.DependsOn = d.strings()
	r.ID = d.str()
	r.Loc = d.loc()
	r.Via = d.locs()
	r.Source = iac.Source(d.str())
	r.Existing = d.boolean()
}

func (d *decoder) positions() []uint16 {
	n := d.count(1)
	if n < 0 {
		return nil
	}
	out := make([]uint16, n)
	for i := range n {
		v := d.uvarint()
		if v > math.MaxUint16 {
			d.fail(fmt.Errorf("rule position %d out of range", v))
			return nil
		}
		out[i] = uint16(v)
	}
	return out
}

// note reads a note into n, giving n, or nil for none.
func (d *decoder) note(n *rules.Note) *rules.Note {
	switch d.byte1() {
	case 0:
		return nil
	case 1:
	default:
		d.fail(errors.New("bad note tag"))
		return nil
	}
	n.Local = d.findingList()
	if d.err != nil {
		return nil
	}
	n.LocalAt = d.positions()
	n.Pending = d.positions()
	if d.err == nil && len(n.LocalAt) != len(n.Local) {
		d.fail(fmt.Errorf("%d positions for %d findings", len(n.LocalAt), len(n.Local)))
	}
	return n
}

// findingList reads what encoder.findingList wrote.
func (d *decoder) findingList() []rules.Finding {
	k := d.count(4)
	if k < 0 {
		return nil
	}
	out := d.findingsOf(k)
	for i := range k {
		f := &out[i]
		idx := d.uvarint()
		if d.err == nil && idx >= uint64(len(d.cat.Rules)) {
			d.fail(fmt.Errorf("rule %d not in the catalog", idx))
			return nil
		}
		if d.err != nil {
			return nil
		}
		f.Rule = d.cat.Rules[idx]
		f.Status = rules.Status(d.str())
		if d.err == nil && !f.Status.IsOutcome() {
			d.fail(fmt.Errorf("status %q", f.Status))
			return nil
		}
		f.Loc = d.loc()
		f.Message = d.str()
		if u := d.count(4); u >= 0 {
			f.Unresolved = make([]rules.Unresolved, u)
			for j := range u {
				x := &f.Unresolved[j]
				x.Why = d.str()
				x.Loc = d.loc()
				x.Count = d.int()
				x.More = d.locs()
			}
		}
	}
	return out
}

// Decode reads an entry file written by Encode under key, with the catalog the notes
// were judged with. Any damage is an error, never a partial entry.
func Decode(data []byte, key Key, cat *rules.Catalog) (*Entry, error) {
	return decode(data, key, cat, false)
}

// decode is Decode; owned says that data is the decoder's to keep: the strings of
// the entry then point into it instead of into a copy.
func decode(data []byte, key Key, cat *rules.Catalog, owned bool) (*Entry, error) {
	body, err := unframe(data, key)
	if err != nil {
		return nil, err
	}
	return decodeBody(body, cat, owned)
}

// unframe checks an entry file written under key and gives its body.
func unframe(data []byte, key Key) ([]byte, error) {
	if len(data) < headerSize {
		return nil, errShort
	}
	if [8]byte(data[:8]) != magic {
		return nil, errMagic
	}
	if v := binary.LittleEndian.Uint16(data[8:10]); v != Version {
		return nil, fmt.Errorf("%w (format %d, this build reads %d)", errVersion, v, Version)
	}
	if Key(data[10:42]) != key {
		return nil, errKey
	}
	rest := data[headerSize:]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)-k) || uint64(len(rest)-k)-n != sumSize {
		return nil, errShort
	}
	body := rest[k : k+int(n)]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(rest[k+int(n):]) {
		return nil, errChecksum
	}
	return body, nil
}

// newDecoder starts reading a body: the sizes ahead of it are hints, each bounded
// by the bytes that could hold that many (a string takes at least 1, a value 4, a
// finding 6); decoding does not depend on them.
func newDecoder(body []byte, cat *rules.Catalog, owned bool) (*decoder, error) {
	d := &decoder{b: body, cat: cat}
	if owned && len(body) > 0 {
		d.s = unsafe.String(&body[0], len(body)) // never written again
	} else {
		d.s = string(body)
	}
	nStrs, nValues, nFound := d.uvarint(), d.uvarint(), d.uvarint()
	left := uint64(len(d.b) - d.off)
	if d.err == nil && (nStrs > left || nValues > left/4 || nFound > left/6) {
		d.fail(fmt.Errorf("sizes %d, %d, %d larger than the entry", nStrs, nValues, nFound))
	}
	if d.err != nil {
		return nil, d.err
	}
	d.strs = make([]string, 0, nStrs)
	d.slab = make([]iac.Value, nValues)
	d.found = make([]rules.Finding, nFound)
	return d, nil
}

// end checks that the whole body was read.
func (d *decoder) end() error {
	if d.err == nil && d.off != len(d.b) {
		d.fail(fmt.Errorf("%d bytes left over", len(d.b)-d.off))
	}
	return d.err
}

func decodeBody(body []byte, cat *rules.Catalog, owned bool) (*Entry, error) {
	d, err := newDecoder(body, cat, owned)
	if err != nil {
		return nil, err
	}
	ent := &Entry{}
	if n := d.count(2); n >= 0 {
		ent.Reads = make([]Read, n)
		for i := range n {
			r := &ent.Reads[i]
			r.Path = d.str()
			r.State.Kind = StateKind(d.byte1())
			if d.err == nil && r.State.Kind > kindLast {
				d.fail(fmt.Errorf("read state %d", r.State.Kind))
			}
			copy(r.State.Sum[:], d.bytes(32))
		}
	}
	if n := d.count(8); n >= 0 {
		ent.Resources = make([]iac.Resource, n)
		ent.Notes = make([]*rules.Note, n)
		notes := make([]rules.Note, n) // the notes themselves, in one block
		for i := range n {
			d.resource(&ent.Resources[i])
			ent.Notes[i] = d.note(&notes[i])
			if d.err != nil {
				break
			}
		}
	}
	for _, ds := range []*[]iac.Diagnostic{&ent.Diags, &ent.ScanDiags} {
		if n := d.count(3); n >= 0 {
			*ds = make([]iac.Diagnostic, n)
			for i := range n {
				(*ds)[i] = iac.Diagnostic{Severity: iac.Severity(d.str()), Message: d.str(), Loc: d.loc()}
			}
		}
	}
	if n := d.count(5); n >= 0 {
		ent.Signals = make([]Signal, n)
		for i := range n {
			ent.Signals[i] = Signal{Region: d.boolean(), Key: d.str(), Type: d.str(), Name: d.str(), Loc: d.loc()}
		}
	}
	ent.Components = d.strings()
	if err := d.end(); err != nil {
		return nil, err
	}
	return ent, nil
}

// A late entry (EncodeLate) holds what Finish judged of one group's resources by the
// rules left for it: the ID of the group's content it was judged on, then
// rules.Late (its context, then per resource its findings and their positions).

// EncodeLate writes what Finish judged of the resources of a group whose content
// is id, under key (LateKey of the group's).
func EncodeLate(key Key, id [32]byte, late *rules.Late, cat *rules.Catalog) ([]byte, error) {
	e := &encoder{strs: map[string]uint64{}, rules: ruleIndex(cat)}
	e.b = append(e.b, id[:]...)
	e.b = append(e.b, late.Context[:]...)
	e.count(len(late.Res), late.Res == nil)
	for _, r := range late.Res {
		e.findingList(r.Findings)
		e.positions(r.At)
	}
	return e.frame(key)
}

// DecodeLate reads a late entry written by EncodeLate under key, and the ID of the
// content it was judged on.
func DecodeLate(data []byte, key Key, cat *rules.Catalog) (id [32]byte, late *rules.Late, err error) {
	return decodeLate(data, key, cat, false)
}

// decodeLate is DecodeLate; owned as for decode.
func decodeLate(data []byte, key Key, cat *rules.Catalog, owned bool) (id [32]byte, late *rules.Late, err error) {
	body, err := unframe(data, key)
	if err != nil {
		return id, nil, err
	}
	d, err := newDecoder(body, cat, owned)
	if err != nil {
		return id, nil, err
	}
	copy(id[:], d.bytes(32))
	late = &rules.Late{}
	copy(late.Context[:], d.bytes(32))
	if n := d.count(2); n >= 0 {
		late.Res = make([]rules.LateOf, n)
		for i := range n {
			r := rules.LateOf{Findings: d.findingList(), At: d.positions()}
			if d.err == nil && len(r.At) != len(r.Findings) {
				d.fail(fmt.Errorf("%d positions for %d findings", len(r.At), len(r.Findings)))
			}
			if d.err != nil {
				break
			}
			late.Res[i] = r
		}
	}
	if err := d.end(); err != nil {
		return id, nil, err
	}
	return id, late, nil
}
