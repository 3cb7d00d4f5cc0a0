package bicep

import (
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// keep hands one unit's resources to the scan's sink and returns what the sink
// keeps. Strings of the resources are cut from the source text of the files, so a
// kept string would hold its whole file in memory: when the sink made copies, the
// strings of what it kept are copied out, and the files can go. Without a sink
// nothing is copied.
func keep(sink iac.Sink, res []iac.Resource) []iac.Resource {
	if sink == nil {
		return res
	}
	kept := sink.Keep(res)
	d := detacher{strs: map[string]string{}, vals: map[*iac.Value]*iac.Value{}}
	for i := range kept {
		d.resource(&kept[i])
	}
	return kept
}

// detacher copies strings and values apart from the source text. Values shared
// between resources stay shared; equal strings share one copy.
type detacher struct {
	strs map[string]string
	vals map[*iac.Value]*iac.Value
}

func (d *detacher) resource(r *iac.Resource) {
	r.Type, r.APIVersion, r.ID, r.Parent = d.str(r.Type), d.str(r.APIVersion), d.str(r.ID), d.str(r.Parent)
	if r.DependsOn != nil {
		deps := make([]string, len(r.DependsOn))
		for i, s := range r.DependsOn {
			deps[i] = d.str(s)
		}
		r.DependsOn = deps
	}
	r.Loc = d.loc(r.Loc)
	if r.Via != nil {
		via := make([]awaf.Location, len(r.Via))
		for i, l := range r.Via {
			via[i] = d.loc(l)
		}
		r.Via = via
	}
	for _, v := range []**iac.Value{&r.Name, &r.Kind, &r.Location, &r.SKU, &r.Identity, &r.Tags, &r.Properties, &r.Zones, &r.Scope, &r.Condition, &r.Metadata} {
		*v = d.value(*v)
	}
}

func (d *detacher) value(v *iac.Value) *iac.Value {
	if v == nil {
		return nil
	}
	if c, ok := d.vals[v]; ok {
		return c
	}
	c := *v
	d.vals[v] = &c
	c.Str, c.Why, c.Loc = d.str(v.Str), d.str(v.Why), d.loc(v.Loc)
	if v.Items != nil {
		c.Items = make([]*iac.Value, len(v.Items))
		for i, it := range v.Items {
			c.Items[i] = d.value(it)
		}
	}
	if v.Fields != nil {
		c.Fields = make(map[string]*iac.Value, len(v.Fields))
		for k, f := range v.Fields {
			c.Fields[d.str(k)] = d.value(f)
		}
	}
	if v.Keys != nil {
		c.Keys = make([]string, len(v.Keys))
		for i, k := range v.Keys {
			c.Keys[i] = d.str(k)
		}
	}
	return &c
}

func (d *detacher) loc(l awaf.Location) awaf.Location {
	l.File = d.str(l.File)
	return l
}

func (d *detacher) str(s string) string {
	if s == "" {
		return s
	}
	if c, ok := d.strs[s]; ok {
		return c
	}
	c := strings.Clone(s)
	d.strs[c] = c
	return c
}
