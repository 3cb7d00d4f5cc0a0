// Package aml reads Azure Machine Learning CLI (v2) YAML specifications (jobs,
// environments, online and batch endpoints and deployments, models, data assets,
// schedules and monitors, computes) into the iac model, in the ARM shape of the
// matching Microsoft.MachineLearningServices resource where one exists, so that the
// rules written for templates judge them too. Facts that need the YAML's reference
// syntax (is a model, data or environment reference pinned to a version, does it come
// from a registry) are added as properties the rules read.
package aml

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// MaxFile bounds one specification.
const MaxFile = 2 << 20

const ws = "Microsoft.MachineLearningServices/workspaces/"

// Resource types produced, by schema name.
var typeOf = map[string]string{
	"commandjob": ws + "jobs", "pipelinejob": ws + "jobs", "sweepjob": ws + "jobs", "sparkjob": ws + "jobs", "automljob": ws + "jobs",
	"environment":                      ws + "environments",
	"managedonlineendpoint":            ws + "onlineEndpoints",
	"kubernetesonlineendpoint":         ws + "onlineEndpoints",
	"managedonlinedeployment":          ws + "onlineEndpoints/deployments",
	"kubernetesonlinedeployment":       ws + "onlineEndpoints/deployments",
	"batchendpoint":                    ws + "batchEndpoints",
	"batchdeployment":                  ws + "batchEndpoints/deployments",
	"modelbatchdeployment":             ws + "batchEndpoints/deployments",
	"pipelinecomponentbatchdeployment": ws + "batchEndpoints/deployments",
	"model":                            ws + "models",
	"data":                             ws + "data",
	"schedule":                         ws + "schedules",
	"amlcompute":                       ws + "computes",
	"computeinstance":                  ws + "computes",
}

// schemaRe is compiled on first use, so commands that read no YAML do not pay for it
// at start-up.
var schemaRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\$schema:\s*["']?https://azuremlschemas?\.azureedge\.net/[^/\s]+/([A-Za-z]+)\.schema\.json|\$schema:\s*["']?https://azuremlsdk2\.blob\.core\.windows\.net/[^\s]*?/([A-Za-z]+)\.schema\.json`)
})

// Sniff tells whether a YAML file is an Azure Machine Learning specification, by its
// $schema.
func Sniff(name string, head []byte) bool {
	ext := strings.ToLower(path.Ext(name))
	if ext != ".yml" && ext != ".yaml" {
		return false
	}
	m := schemaRe().FindSubmatch(head)
	if m == nil {
		return false
	}
	_, ok := typeOf[strings.ToLower(string(bytes.Join(m[1:], nil)))]
	return ok
}

// Scanner is the reader as an iac.Scanner.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan hands the resources to sink (nil keeps them all) and returns what it keeps.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	out, diags, err := iac.ReadEach(ctx, fsys, paths, MaxFile, Read)
	if err != nil {
		return nil, nil, err
	}
	return sink.Keep(out), diags, nil
}

// Read decodes one specification.
func Read(file string, data []byte) (iac.Resource, error) {
	m := schemaRe().FindSubmatch(data)
	if m == nil {
		return iac.Resource{}, fmt.Errorf("%s: no Azure Machine Learning $schema", file)
	}
	schema := strings.ToLower(string(bytes.Join(m[1:], nil)))
	typ, ok := typeOf[schema]
	if !ok {
		return iac.Resource{}, fmt.Errorf("%s: schema %s is not one awaf reads", file, schema)
	}
	doc, err := iac.DecodeYAML(file, data, 0)
	if err != nil {
		return iac.Resource{}, err
	}
	if doc.Kind != iac.Object {
		return iac.Resource{}, fmt.Errorf("%s:%d:%d: expected a mapping", file, doc.Loc.Line, doc.Loc.Column)
	}
	name := doc.Field("name")
	if name == nil || name.Kind != iac.String {
		name = iac.NewString(strings.TrimSuffix(path.Base(file), path.Ext(file)), doc.Loc)
	}
	r := iac.Resource{Type: typ, Name: name, ID: file, Loc: doc.Loc, Source: "aml-yaml", Properties: doc}
	shape(schema, &r)
	return r, nil
}

// shape adds the ARM-named properties the rules read, and the reference facts.
func shape(schema string, r *iac.Resource) {
	p := r.Properties
	alias := func(from, to string) {
		if v := p.Get(from); v != nil {
			setPath(p, to, v)
		}
	}
	mapEnum := func(path string, m map[string]string) {
		if v := p.Get(path); v != nil && v.Kind == iac.String {
			if to, ok := m[strings.ToLower(v.Str)]; ok {
				setPath(p, path, iac.NewString(to, v.Loc))
			}
		}
	}
	if id := p.Field("identity"); id != nil {
		r.Identity = id.Clone()
		if t := id.Field("type"); t != nil && t.Kind == iac.String {
			m := map[string]string{"system_assigned": "SystemAssigned", "user_assigned": "UserAssigned", "system_assigned,user_assigned": "SystemAssigned,UserAssigned", "none": "None"}
			if to, ok := m[strings.ToLower(strings.ReplaceAll(t.Str, " ", ""))]; ok {
				r.Identity.Set("type", iac.NewString(to, t.Loc))
			}
		}
	}
	switch schema {
	case "managedonlineendpoint", "kubernetesonlineendpoint", "batchendpoint":
		alias("auth_mode", "authMode")
		mapEnum("authMode", map[string]string{"key": "Key", "aml_token": "AMLToken", "aad_token": "AADToken"})
		alias("public_network_access", "publicNetworkAccess")
		mapEnum("publicNetworkAccess", map[string]string{"enabled": "Enabled", "disabled": "Disabled"})
		alias("mirror_traffic", "mirrorTraffic")
		live := iac.NewArray(p.Loc)
		if t := p.Field("traffic"); t != nil && t.Kind == iac.Object {
			for _, k := range t.Keys {
				if n, known, ok := t.Fields[k].AsNumber(); ok && known && n > 0 {
					live.Items = append(live.Items, iac.NewString(k, t.Fields[k].Loc))
				}
			}
			live.Loc = t.Loc
		}
		p.Set("liveDeployments", live)
	case "managedonlinedeployment", "kubernetesonlinedeployment", "batchdeployment", "modelbatchdeployment":
		model := p.Field("model")
		ref, loc := "", p.Loc
		if model != nil {
			loc = model.Loc
			if model.Kind == iac.String {
				ref = model.Str
			} else if s, _, _ := model.Field("path").AsString(); s != "" {
				ref = s
			}
		}
		p.Set("modelRef", iac.NewString(ref, loc))
		p.Set("modelPinned", iac.NewBool(pinned(ref), loc))
		p.Set("modelFromRegistry", iac.NewBool(strings.HasPrefix(strings.ToLower(ref), "azureml://registries/"), loc))
		env := envRef(p)
		p.Set("environmentPinned", iac.NewBool(env.pinned, env.loc))
		dc := p.Get("data_collector.collections")
		in, out := dc.Get("model_inputs.enabled"), dc.Get("model_outputs.enabled")
		dcLoc := p.Loc
		if dc != nil {
			dcLoc = dc.Loc
		}
		p.Set("collectsPredictions", iac.NewBool(truthy(in) && truthy(out), dcLoc))
	case "commandjob", "pipelinejob", "sweepjob", "sparkjob", "automljob":
		env := envRef(p)
		p.Set("environmentPinned", iac.NewBool(env.pinned || env.ref == "", env.loc))
		data := iac.NewArray(p.Loc)
		var walk func(v *iac.Value)
		walk = func(v *iac.Value) {
			if v == nil {
				return
			}
			switch v.Kind {
			case iac.Object:
				if t, _, _ := v.Field("type").AsString(); strings.HasPrefix(t, "uri_") || t == "mltable" {
					if s, _, _ := v.Field("path").AsString(); s != "" {
						e := iac.NewObject(v.Loc)
						e.Set("path", v.Field("path"))
						e.Set("pinned", iac.NewBool(dataPinned(s), v.Loc))
						if len(data.Items) == 0 {
							data.Loc = v.Loc
						}
						data.Items = append(data.Items, e)
					}
				}
				for _, k := range v.Keys {
					if k != "outputs" {
						walk(v.Fields[k])
					}
				}
			case iac.Array:
				for _, it := range v.Items {
					walk(it)
				}
			}
		}
		walk(p.Field("inputs"))
		walk(p.Field("jobs"))
		p.Set("dataInputs", data)
		if t, _, _ := p.Get("queue_settings.job_tier").AsString(); t != "" {
			p.Set("jobTier", p.Get("queue_settings.job_tier"))
		}
	case "environment":
		img := p.Field("image")
		s, _, _ := img.AsString()
		loc := p.Loc
		if img != nil {
			loc = img.Loc
		}
		p.Set("imagePinned", iac.NewBool(s == "" || imagePinned(s), loc))
	case "model":
		s, _, _ := p.Field("path").AsString()
		p.Set("fromJob", iac.NewBool(strings.HasPrefix(strings.ToLower(s), "azureml://jobs/") || strings.HasPrefix(strings.ToLower(s), "runs:/"), p.Loc))
	case "schedule":
		signals := iac.NewArray(p.Loc)
		if ms := p.Get("create_monitor.monitoring_signals"); ms != nil && ms.Kind == iac.Object {
			for _, k := range ms.Keys {
				t, _, _ := ms.Fields[k].Field("type").AsString()
				signals.Items = append(signals.Items, iac.NewString(strings.ToLower(t), ms.Fields[k].Loc))
				if len(signals.Items) == 1 {
					signals.Loc = ms.Fields[k].Loc
				}
			}
		}
		p.Set("monitorSignals", signals)
	case "amlcompute", "computeinstance":
		ct := "AmlCompute"
		if schema == "computeinstance" {
			ct = "ComputeInstance"
		}
		p.Set("computeType", iac.NewString(ct, p.Loc))
		inner := iac.NewObject(p.Loc)
		if v := p.Field("min_instances"); v != nil {
			ss := iac.NewObject(v.Loc)
			ss.Set("minNodeCount", v)
			inner.Set("scaleSettings", ss)
		} else if schema == "amlcompute" {
			ss := iac.NewObject(p.Loc)
			ss.Set("minNodeCount", iac.NewNumber(0, p.Loc)) // the CLI default
			inner.Set("scaleSettings", ss)
		}
		if v := p.Field("tier"); v != nil && v.Kind == iac.String {
			prio := "Dedicated"
			if strings.EqualFold(v.Str, "low_priority") {
				prio = "LowPriority"
			}
			inner.Set("vmPriority", iac.NewString(prio, v.Loc))
		}
		if v := p.Field("enable_node_public_ip"); v != nil {
			inner.Set("enableNodePublicIp", v)
		}
		if v := p.Field("idle_time_before_shutdown_minutes"); v != nil {
			if n, known, ok := v.AsNumber(); ok && known {
				inner.Set("idleTimeBeforeShutdown", iac.NewString(fmt.Sprintf("PT%dM", int(n)), v.Loc))
			}
		}
		p.Set("properties", inner)
	}
}

func truthy(v *iac.Value) bool { return v.Truthy() }

func setPath(obj *iac.Value, key string, v *iac.Value) { obj.Set(key, v) }

type ref struct {
	ref    string
	pinned bool
	loc    awaf.Location
}

// envRef reads a job's or deployment's environment: a reference to a registered
// environment (azureml:name:version pins, azureml:name@latest does not) or an inline
// definition with an image.
func envRef(p *iac.Value) ref {
	e := p.Field("environment")
	if e == nil {
		return ref{loc: p.Loc}
	}
	if e.Kind == iac.String {
		return ref{e.Str, pinned(e.Str), e.Loc}
	}
	if img, _, _ := e.Field("image").AsString(); img != "" {
		return ref{img, imagePinned(img), e.Loc}
	}
	return ref{"inline", true, e.Loc}
}

// pinned tells whether an azureml: asset reference names a version.
func pinned(s string) bool {
	low := strings.ToLower(strings.TrimSpace(s))
	switch {
	case low == "":
		return false
	case strings.HasPrefix(low, "azureml://"):
		return strings.Contains(low, "/versions/") && !strings.HasSuffix(low, "/versions/latest")
	case strings.HasPrefix(low, "azureml:"):
		rest := strings.TrimPrefix(low, "azureml:")
		if strings.Contains(rest, "@") {
			return false // @latest or a label
		}
		return strings.Count(rest, ":") >= 1
	}
	return false // a local path: registered anew on each run
}

// dataPinned is pinned for data inputs; a datastore or URL path is a live location,
// not a snapshot.
func dataPinned(s string) bool {
	low := strings.ToLower(s)
	if strings.HasPrefix(low, "azureml:") && !strings.HasPrefix(low, "azureml://datastores/") {
		return pinned(s)
	}
	return false
}

// imagePinned tells whether a container image names a digest or a tag other than latest.
func imagePinned(img string) bool {
	if strings.Contains(img, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(img, "/")
	colon := strings.LastIndex(img, ":")
	if colon <= slash {
		return false
	}
	return !strings.EqualFold(img[colon+1:], "latest")
}
