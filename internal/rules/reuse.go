package rules

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/fanout"
	"github.com/awaf/awaf/internal/iac"
)

// A scan cache (internal/scan, --cache) keeps what Sink judged of each group of files;
// Finish's rules, which read other resources and the workload, would still run on
// every resource of every scan. With spans (Reuse), Finish also takes their findings
// from an earlier scan, for the groups whose resources are the same and whose
// context is: a digest of everything those rules read beyond the resource they
// judge. That is, for each resource with rules left:
//   - the facts of its workload (workloadView), as the rules see them, unknowns
//     included;
//   - when some rule of its type reads related: the resources linked to it (private
//     endpoints, diagnostic settings, metric alerts, its parent and the parent's
//     children, the Key Vault and storage account it references), each named by the
//     span it is in (its content) and its place there; and, for a link list with no
//     member, the scan's links of that kind whose target is unknown (pendingView).
//
// The profile and the catalog are the cache's salt, the resource itself its span's ID.

// Span is a run of the resources handed to Finish that one group of input files gave.
type Span struct {
	// N is the number of resources. ID names their content: two spans with one ID
	// hold the same resources, as Sink kept them.
	N  int
	ID [32]byte
	// Volatile marks a span whose ID does not pin its content down: nothing judged
	// on it, or on a resource that a resource of it is linked to, is reused or kept.
	Volatile bool
	// Prior is what an earlier Finish judged of the span's resources; nil for
	// nothing. It is used when its context is this scan's.
	Prior *Late
	// Now is set by Finish when it judged the span's resources itself and they may
	// be kept: what a later scan's Prior is to be. Reused is set when Finish took
	// them from Prior.
	Now    *Late
	Reused bool
}

// Late is what Finish judged of a span's resources by the rules left for it, and in
// what context.
type Late struct {
	Context [32]byte
	// Res[k] is what was judged of the span's k-th resource.
	Res []LateOf
}

// LateOf is what Finish judged of one resource: the findings of the rules left for
// it (no Resource or Workload set), with each one's rule position among its type's
// rules.
type LateOf struct {
	Findings []Finding
	At       []uint16
}

// Reuse tells Finish that the resources it gets are the spans, in order; Finish
// then takes the findings of a span whose Prior was judged in this scan's context
// from it, and fills Now for the others. Without a call, or when the spans do not
// add up to the resources, Finish judges every resource.
func (s *Session) Reuse(spans []*Span) { s.spans = spans }

// contextVersion changes when what the context digest covers does.
const contextVersion = 1

// reuser is Finish's view of the spans.
type reuser struct {
	spans []*Span
	lo    []int  // the first resource of each span
	use   []bool // the span's Prior holds
	keep  []bool // the span's Now is filled
}

// reuser gives, when the session has spans matching res, which spans' findings are
// taken from their Prior and which are kept; nil when none.
func (s *Session) reuser(res []iac.Resource, g *graph, wk []int, shareds []map[string]any, judgement func(int) *judged) *reuser {
	spans := s.spans
	s.spans = nil
	if spans == nil {
		return nil
	}
	ru := &reuser{spans: spans, lo: make([]int, len(spans)), use: make([]bool, len(spans)), keep: make([]bool, len(spans))}
	n := 0
	for k, sp := range spans {
		ru.lo[k] = n
		n += sp.N
		sp.Now, sp.Reused = nil, false
	}
	if n != len(res) {
		return nil
	}
	// The facts each workload's rules see, and the scan's pending links by kind.
	wd := make([][32]byte, len(shareds))
	for w, sh := range shareds {
		var b []byte
		b = hashAny(b, sh["workload"], s.wreg)
		wd[w] = sha256.Sum256(b)
	}
	pd := map[string][32]byte{}
	for kind, ps := range g.pending {
		if len(ps) == 0 {
			continue
		}
		var b []byte
		for _, p := range ps {
			b = appendStr(b, p.Why)
			b = appendLoc(b, p.Loc)
		}
		pd[kind] = sha256.Sum256(b)
	}
	ctx := make([][32]byte, len(spans))
	tainted := make([]bool, len(spans))
	fanout.Each(len(spans), func(k int) {
		// The digest of what is appended, written to the hash a few KB at a time so
		// that one small buffer serves the whole span.
		h := sha256.New()
		b := binary.AppendUvarint(make([]byte, 0, 4<<10), contextVersion)
		for i := ru.lo[k]; i < ru.lo[k]+spans[k].N; i++ {
			if len(b) >= 3<<10 {
				h.Write(b)
				b = b[:0]
			}
			j := judgement(i)
			if j == nil || len(j.pending) == 0 || res[i].Existing {
				b = append(b, 0)
				continue
			}
			b = append(b, 1)
			b = append(b, wd[wk[i]][:]...)
			if s.c.related[g.ltype[i]] {
				b = ru.related(b, g, i, pd, &tainted[k])
			}
		}
		h.Write(b)
		ctx[k] = [32]byte(h.Sum(nil))
	})
	for k, sp := range spans {
		switch {
		case sp.Volatile || tainted[k]:
		case sp.Prior != nil && sp.Prior.Context == ctx[k] && len(sp.Prior.Res) == sp.N:
			ru.use[k], sp.Reused = true, true
		default:
			sp.Now = &Late{Context: ctx[k], Res: make([]LateOf, sp.N)}
			ru.keep[k] = true
		}
	}
	return ru
}

// span gives the span resource i is in.
func (ru *reuser) span(i int) int {
	return sort.Search(len(ru.lo), func(k int) bool { return ru.lo[k] > i }) - 1
}

// origin appends what names resource i: its span's ID and its place in it.
func (ru *reuser) origin(b []byte, i int, tainted *bool) []byte {
	if i < 0 {
		return append(b, 0)
	}
	k := ru.span(i)
	if ru.spans[k].Volatile {
		*tainted = true
	}
	b = append(b, 1)
	b = append(b, ru.spans[k].ID[:]...)
	return binary.AppendUvarint(b, uint64(i-ru.lo[k]))
}

// related appends what relatedView (and the fast path's related lists) read of other
// resources for resource i.
func (ru *reuser) related(b []byte, g *graph, i int, pd map[string][32]byte, tainted *bool) []byte {
	l := g.links[i]
	r := &g.res[i]
	list := func(kind string, idx []int) {
		b = appendStr(b, kind)
		b = binary.AppendUvarint(b, uint64(len(idx)))
		if len(idx) == 0 {
			d := pd[kind]
			b = append(b, d[:]...)
		}
		for _, k := range idx {
			b = ru.origin(b, k, tainted)
		}
	}
	list(linkPE, l.privateEndpoints)
	list(linkDiag, l.diagnosticSettings)
	list(linkAlert, g.alertsOf(i))
	b = ru.origin(b, l.parent, tainted)
	if l.parent >= 0 {
		list("children", g.children[l.parent])
	}
	first := func(find func(*iac.Value) (int, bool), refs ...*iac.Value) {
		for _, v := range refs {
			if v == nil || v.Kind == iac.Null {
				continue
			}
			k, ok := find(v)
			if !ok {
				k = -1
			}
			b = ru.origin(b, k, tainted)
			return
		}
		b = append(b, 2)
	}
	first(g.vaultFor,
		r.Properties.Get("encryption.keyVaultProperties.keyVaultUri"),
		r.Properties.Get("encryption.keyVaultProperties.keyVaultArmId"),
		r.Properties.Get("keyVaultKeyUri"),
		r.Properties.Get("keyVault"))
	first(g.resolveValue, r.Properties.Get("storageAccount"))
	return b
}

// prior gives what an earlier scan judged of resource i, when its span's holds.
func (ru *reuser) prior(i int) (*LateOf, bool) {
	if ru == nil {
		return nil, false
	}
	k := ru.span(i)
	if !ru.use[k] {
		return nil, false
	}
	return &ru.spans[k].Prior.Res[i-ru.lo[k]], true
}

// record keeps what was judged of resource i now, when its span is kept.
func (ru *reuser) record(i int, late []Finding, at []uint16) {
	if ru == nil {
		return
	}
	k := ru.span(i)
	if !ru.keep[k] {
		return
	}
	fs := slices.Clone(late)
	for n := range fs {
		fs[n].Resource = nil // Finish points the findings it gives at res
	}
	ru.spans[k].Now.Res[i-ru.lo[k]] = LateOf{Findings: fs, At: slices.Clone(at)}
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendLoc(b []byte, l awaf.Location) []byte {
	b = appendStr(b, l.File)
	b = binary.AppendVarint(b, int64(l.Line))
	return binary.AppendVarint(b, int64(l.Column))
}

// hashAny appends a canonical form of a view value (workloadView's): unknowns by
// what they stand for, not by their ids.
func hashAny(b []byte, v any, reg *registry) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 'n')
	case bool:
		if x {
			return append(b, 't')
		}
		return append(b, 'f')
	case int64:
		return binary.AppendVarint(append(b, 'i'), x)
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, 'd'), math.Float64bits(x))
	case string:
		return appendStr(append(b, 's'), x)
	case []any:
		b = binary.AppendUvarint(append(b, 'l'), uint64(len(x)))
		for _, e := range x {
			b = hashAny(b, e, reg)
		}
		return b
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = binary.AppendUvarint(append(b, 'm'), uint64(len(keys)))
		for _, k := range keys {
			b = appendStr(b, k)
			b = hashAny(b, x[k], reg)
		}
		return b
	case *types.Unknown:
		ids := x.IDs()
		b = binary.AppendUvarint(append(b, 'u'), uint64(len(ids)))
		for _, id := range ids {
			u, ok := reg.lookup(id)
			if !ok {
				return noReuse(b)
			}
			b = appendStr(b, u.Why)
			b = appendLoc(b, u.Loc)
			b = binary.AppendVarint(b, int64(u.Count))
			b = binary.AppendUvarint(b, uint64(len(u.More)))
			for _, l := range u.More {
				b = appendLoc(b, l)
			}
		}
		return b
	case ref.Val:
		return fmt.Appendf(b, "v%T:%v", x, x.Value())
	}
	return noReuse(b) // a value this does not know
}

// noReuse appends bytes no other digest has: a context that holds them never matches.
func noReuse(b []byte) []byte {
	var x [16]byte
	_, _ = rand.Read(x[:])
	return append(append(b, '?'), x[:]...)
}
