// Package iac is the one resource model that every infrastructure front end produces
// (ARM JSON, Bicep, Terraform, exported Azure resources) and that the rules read. It is
// ARM-shaped: a Bicep resource, a Terraform azurerm_* block and a Resource Graph row all
// become the same Resource.
package iac

import (
	"context"
	"io/fs"

	"github.com/awaf/awaf"
)

// Kind is the kind of a Value.
type Kind uint8

// Value kinds. Unknown is a value that cannot be known before deployment (a parameter
// without a default, a reference() call, a Terraform attribute known after apply). It
// is never guessed.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
	Unknown
)

// Value is a JSON-like value that remembers where it came from.
type Value struct {
	Kind   Kind
	Bool   bool
	Number float64
	// Str is the string of a String. On an Unknown it may hold the stable id
	// (Resource.ID) of the resource the value identifies: a Bicep symbolic name's .id,
	// a Terraform azurerm_x.y.id, whose value is not known before deployment but
	// whose resource is (see Ref and NewRef).
	Str    string
	Items  []*Value          // Array
	Fields map[string]*Value // Object; keys as written in the source
	Keys   []string          // Object keys in source order
	// Why says what made an Unknown unknown, e.g. "parameter 'sku' has no default".
	Why string
	Loc awaf.Location
}

// Source names the front end a resource was read by.
type Source string

// The front ends' sources.
const (
	SourceARM           Source = "arm"
	SourceBicep         Source = "bicep"
	SourceTerraform     Source = "terraform"
	SourceTerraformPlan Source = "terraform-plan"
	SourceExport        Source = "export"
)

// Resource is one Azure resource, in ARM shape.
type Resource struct {
	Type       string // e.g. Microsoft.CognitiveServices/accounts/deployments
	APIVersion string
	Name       *Value // full ARM name, e.g. "acct/gpt4o"
	Kind       *Value
	Location   *Value
	SKU        *Value
	Identity   *Value
	Tags       *Value
	Properties *Value
	// Parent is the symbolic name or resource id of the parent, when declared apart.
	Parent    string
	DependsOn []string
	// ID is a stable identifier within the scan: the symbolic name, the Terraform
	// address or the ARM resource id.
	ID string
	// Loc is where the resource is declared. Via lists the module calls that led to it,
	// outermost first, so a resource inside a module reports the caller's place too.
	Loc awaf.Location
	Via []awaf.Location
	// Source names the front end that read the resource.
	Source Source

	// Zones is the ARM top-level "zones" array, when declared.
	Zones *Value
	// Scope is the resource an extension resource applies to (ARM "scope", Bicep
	// scope:), e.g. the AI account a diagnostic setting or a lock is attached to. It
	// holds a resource id or a symbolic name, as the source wrote it once evaluated.
	Scope *Value
	// Condition is nil when the resource is always deployed. It is an Unknown when the
	// resource's condition cannot be decided before deployment; resources whose
	// condition is known to be false are not produced at all.
	Condition *Value
	// Existing marks a reference to a resource deployed elsewhere (Bicep and ARM 2.0
	// "existing"): its properties are not declared here and rules must not judge them.
	Existing bool
	// Metadata is the resource's "metadata" object (ARM) or @metadata decorator
	// (Bicep); suppressions are read from it.
	Metadata *Value
	// Judgement is the note the scan's Sink left on the resource when its unit was
	// read; front ends carry it along untouched.
	Judgement Judgement
}

// Judgement is the note a Sink leaves on each resource it keeps, so that what the
// sink recorded about the resource (the scan's findings on it) can be found again
// when the scan ends: which sink made the note, which of the units handed to that
// sink the resource came in, and its place in that unit. Only the sink that made a
// note reads it. The zero Judgement means the resource was never judged.
type Judgement struct {
	Sink  uint32 // the sink's own number; never 0 on a note
	Unit  uint32 // the sink's number for the unit
	Index uint32 // the resource's place in the unit as handed to the sink
}

// Judged reports whether a sink left the note.
func (j Judgement) Judged() bool { return j.Sink != 0 }

// Sink receives the resources of one unit of input (an ARM template with what it
// links and nests, a Bicep entry file with its modules, a Terraform root module with
// its modules, a plan, an export file) as soon as a front end has read the unit, and
// returns what to keep of them, possibly in the same slice, changed in place. The scan
// judges resources there and keeps only what later cross-resource checks need, so
// that memory holds findings rather than every file's values. A Sink is called from
// several goroutines at once.
type Sink func(unit []Resource) []Resource

// Keep hands one unit's resources to s and returns what it keeps; a nil Sink keeps
// everything. Front ends call it once per unit, on the unit's final resources,
// before they hold them for the rest of the scan.
func (s Sink) Keep(unit []Resource) []Resource {
	if s == nil || len(unit) == 0 {
		return unit
	}
	return s(unit)
}

// Severity is how bad a Diagnostic is.
type Severity string

// Diagnostic severities. An error means input was not read, or not read in full; a
// warning means it was read with something left out or assumed.
const (
	DiagError   Severity = "error"
	DiagWarning Severity = "warning"
	// DiagInfo is a note that changes nothing read, such as a resource type no
	// rule reads yet.
	DiagInfo Severity = "info"
)

// Diagnostic is something a front end could not read or resolve: a syntax error, an
// unsupported construct, an unresolved registry or remote module. It never stops a scan.
type Diagnostic struct {
	Severity Severity
	Message  string
	Loc      awaf.Location
}

// Scanner is the one contract of the front ends: a reader of one input format. Scan
// reads the given files (slash paths inside fsys: files, or directories it walks for
// its files) into resources and diagnostics. It hands each unit of input it reads to
// sink (Sink.Keep; nil keeps everything) and returns what the sink kept, the units in
// a fixed order whatever the timing. The error means the whole call failed (ctx
// ended); a broken file is a diagnostic, and the rest is still read.
//
// A new front end is a type with this method, produces Resources (with Source set
// and a location on every value) and never imports the rules; internal/scan lists it
// in its explicit list of front ends.
type Scanner interface {
	Scan(ctx context.Context, fsys fs.FS, paths []string, sink Sink) ([]Resource, []Diagnostic, error)
}
