// Package export reads deployed Azure resources as the Azure CLI prints them: Azure
// Resource Graph query output (`az graph query -o json`), `az resource list` and
// `az resource show`. These are ARM-shaped already; the work is telling the shapes
// apart, restoring the ARM casing of types (Resource Graph lower-cases them), and
// keeping file positions for every value.
package export

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// Shape is the layout of an export file.
type Shape uint8

// Shapes the CLI produces.
const (
	NotExport    Shape = iota
	GraphResult        // {"count": n, "data": [...]} from az graph query
	ResourceList       // [...] from az resource list, or az graph query --query data
	ResourceShow       // {...} one resource from az resource show
	GraphTable         // {"data": {"columns": [...], "rows": [[...]]}}: the Resource Graph REST table format
)

func (s Shape) String() string {
	return [...]string{"not an export", "Resource Graph result", "resource list", "single resource", "Resource Graph table"}[s]
}

// MaxFileSize is the largest export Scan reads.
const MaxFileSize = 256 << 20

// Detect tells the shape of a decoded JSON document.
func Detect(v *iac.Value) Shape {
	switch {
	case v == nil:
		return NotExport
	case v.Kind == iac.Object && v.Field("$schema") != nil:
		return NotExport // an ARM template or parameter file
	case v.Kind == iac.Object && v.Field("data") != nil && v.Field("data").Kind == iac.Array:
		if rows := v.Field("data").Items; len(rows) == 0 || isResource(rows[0]) {
			return GraphResult
		}
	case v.Kind == iac.Object && v.Field("data") != nil && v.Field("data").Kind == iac.Object:
		if rows := tableRows(v.Field("data")); rows != nil && (len(rows) == 0 || isResource(rows[0])) {
			return GraphTable
		}
	case v.Kind == iac.Array:
		if len(v.Items) > 0 && isResource(v.Items[0]) {
			return ResourceList
		}
	case v.Kind == iac.Object && isResource(v) && v.Field("id") != nil:
		return ResourceShow
	}
	return NotExport
}

// Is reports whether data is an export file this package reads.
func Is(data []byte) bool {
	v, err := iac.DecodeJSON("", data)
	return err == nil && Detect(v) != NotExport
}

// tableRows turns {"columns": [{"name": ...}], "rows": [[...]]} into one object per
// row, or nil when data is not in that form. Each value keeps its own position.
func tableRows(data *iac.Value) []*iac.Value {
	cols, rows := data.Field("columns"), data.Field("rows")
	if cols == nil || rows == nil || cols.Kind != iac.Array || rows.Kind != iac.Array {
		return nil
	}
	names := make([]string, len(cols.Items))
	for i, c := range cols.Items {
		n, known, ok := c.Field("name").AsString()
		if !ok || !known {
			return nil
		}
		names[i] = n
	}
	out := make([]*iac.Value, 0, len(rows.Items))
	for _, r := range rows.Items {
		if r.Kind != iac.Array {
			return nil
		}
		o := iac.NewObject(r.Loc)
		for i, cell := range r.Items {
			if i < len(names) {
				o.Set(names[i], cell)
			}
		}
		out = append(out, o)
	}
	return out
}

// isResource: a row with a string type and an id or a name.
func isResource(v *iac.Value) bool {
	if v == nil || v.Kind != iac.Object {
		return false
	}
	t, known, ok := v.Field("type").AsString()
	if !ok || !known || !strings.Contains(t, "/") {
		return false
	}
	return v.Field("id") != nil || v.Field("name") != nil
}

// Scanner is the front end for exports.
type Scanner struct{}

var _ iac.Scanner = Scanner{}

// Scan is Scanner.Scan without a sink.
func Scan(ctx context.Context, fsys fs.FS, paths []string) ([]iac.Resource, []iac.Diagnostic, error) {
	return Scanner{}.Scan(ctx, fsys, paths, nil)
}

// Scan reads every export among paths (files, or directories walked for .json files);
// each file is one unit for sink. Other JSON files are ignored.
func (Scanner) Scan(ctx context.Context, fsys fs.FS, paths []string, sink iac.Sink) ([]iac.Resource, []iac.Diagnostic, error) {
	files, diags := iac.Files(fsys, paths, ".json")
	var out []iac.Resource
	for _, p := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if fi, err := fs.Stat(fsys, p); err == nil && fi.Size() > MaxFileSize {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("file is %d bytes, above the %d byte limit; not read", fi.Size(), MaxFileSize), Loc: awaf.Location{File: p, Line: 1, Column: 1}})
			continue
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			diags = append(diags, iac.Diagnostic{Severity: "error", Message: fmt.Sprintf("read: %v", err), Loc: awaf.Location{File: p, Line: 1, Column: 1}})
			continue
		}
		v, err := iac.DecodeJSON(p, data)
		if err != nil {
			// Broken JSON that might have been an export: say so only when it looks
			// like one, since the directory may hold any kind of JSON.
			if looksLikeExport(data) {
				diags = append(diags, iac.DiagnosticFromError(p, err))
			}
			continue
		}
		if Detect(v) == NotExport {
			continue
		}
		res, d := FromValue(v)
		out = append(out, sink.Keep(res)...)
		diags = append(diags, d...)
	}
	return out, diags, nil
}

func looksLikeExport(data []byte) bool {
	head := strings.ToLower(string(data[:min(len(data), 2048)]))
	return strings.Contains(head, `"/subscriptions/`) && strings.Contains(head, `"type"`) && !strings.Contains(head, `"$schema"`)
}

// Read decodes one export file.
func Read(file string, data []byte) ([]iac.Resource, []iac.Diagnostic) {
	v, err := iac.DecodeJSON(file, data)
	if err != nil {
		return nil, []iac.Diagnostic{iac.DiagnosticFromError(file, err)}
	}
	if Detect(v) == NotExport {
		return nil, []iac.Diagnostic{{Severity: "error", Loc: v.Loc,
			Message: "expected Azure CLI resource output: a Resource Graph result {\"data\": [...]}, an array of resources, or one resource with \"id\" and \"type\""}}
	}
	return FromValue(v)
}

// FromValue turns a decoded export into resources.
func FromValue(v *iac.Value) ([]iac.Resource, []iac.Diagnostic) {
	var rows []*iac.Value
	switch Detect(v) {
	case GraphResult:
		rows = v.Field("data").Items
	case ResourceList:
		rows = v.Items
	case ResourceShow:
		rows = []*iac.Value{v}
	case GraphTable:
		rows = tableRows(v.Field("data"))
	default:
		return nil, nil
	}
	var out []iac.Resource
	var diags []iac.Diagnostic
	for i, row := range rows {
		r, why := resource(row)
		if why != "" {
			diags = append(diags, iac.Diagnostic{Severity: "warning", Message: fmt.Sprintf("row %d skipped: %s", i+1, why), Loc: row.Loc})
			continue
		}
		out = append(out, r)
	}
	return out, diags
}

func resource(row *iac.Value) (iac.Resource, string) {
	if row.Kind != iac.Object {
		return iac.Resource{}, fmt.Sprintf("expected an object, found %s", row.Kind)
	}
	typ, known, ok := row.Field("type").AsString()
	if !ok || !known || !strings.Contains(typ, "/") {
		return iac.Resource{}, "expected a \"type\" such as \"Microsoft.Storage/storageAccounts\""
	}
	id, _, _ := row.Field("id").AsString()
	// Exports print unset members as null; the model leaves them out.
	body := func(key string) *iac.Value { return row.Field(key).WithoutNulls() }
	r := iac.Resource{
		Type:     CanonicalType(typ, id),
		Name:     row.Field("name"),
		Kind:     body("kind"),
		Location: body("location"),
		SKU:      body("sku"),
		Identity: body("identity"),
		Tags:     body("tags"),
		Zones:    body("zones"),
		ID:       id,
		Loc:      row.Loc,
		Source:   iac.SourceExport,
	}
	r.Properties = row.Field("properties")
	if r.Properties == nil || r.Properties.Kind == iac.Null {
		// az resource list prints "properties": null and a Resource Graph query may
		// not project them: that is missing data, not a resource without properties.
		at := row.Loc
		if r.Properties != nil {
			at = r.Properties.Loc
		}
		r.Properties = iac.NewUnknown("properties are not in this export (az resource list omits them; use az graph query or az resource show)", at)
	} else {
		r.Properties = r.Properties.WithoutNulls()
	}
	if idType, idName, ok := iac.ParseResourceID(id); ok && strings.EqualFold(idType, typ) {
		// Child resources: the id holds the full ARM name ("acct/deployment").
		if n, _, _ := r.Name.AsString(); n != idName {
			at := row.Loc
			if r.Name != nil {
				at = r.Name.Loc
			}
			r.Name = iac.NewString(idName, at)
		}
		if p := parentID(id); p != "" {
			r.Parent = p
		}
		if s := scopeOf(id); s != "" {
			r.Scope = iac.NewString(s, row.Field("id").Loc)
		}
	}
	if r.Name == nil {
		return iac.Resource{}, "expected a \"name\" or an \"id\""
	}
	return r, ""
}

// parentID cuts the last type/name pair off a child resource's id.
func parentID(id string) string {
	i := strings.LastIndex(strings.ToLower(id), "/providers/")
	if i < 0 {
		return ""
	}
	rest := strings.Split(strings.Trim(id[i+len("/providers/"):], "/"), "/")
	if len(rest) < 5 { // ns/type/name/childType/childName at least
		return ""
	}
	cut := len(strings.Join(rest[len(rest)-2:], "/")) + 1
	return strings.TrimSuffix(id, "/")[:len(strings.TrimSuffix(id, "/"))-cut]
}

// scopeOf returns the resource an extension resource is attached to: everything before
// its last "/providers/", when that is itself a resource.
func scopeOf(id string) string {
	lower := strings.ToLower(id)
	i := strings.LastIndex(lower, "/providers/")
	if i <= 0 || !strings.Contains(lower[:i], "/providers/") {
		return ""
	}
	return id[:i]
}

// CanonicalType gives a type its ARM casing: from the table of known types (the AI
// workload's usual types), else from
// the resource id when it spells the same type, else as given.
func CanonicalType(typ, id string) string {
	if t, ok := knownTypes[strings.ToLower(typ)]; ok {
		return t
	}
	if idType, _, ok := iac.ParseResourceID(id); ok && strings.EqualFold(idType, typ) && idType != strings.ToLower(idType) {
		return idType
	}
	return typ
}

var knownTypes = func() map[string]string {
	m := map[string]string{}
	for _, t := range []string{
		"Microsoft.CognitiveServices/accounts",
		"Microsoft.CognitiveServices/accounts/deployments",
		"Microsoft.CognitiveServices/accounts/raiPolicies",
		"Microsoft.CognitiveServices/accounts/projects",
		"Microsoft.CognitiveServices/accounts/connections",
		"Microsoft.Search/searchServices",
		"Microsoft.MachineLearningServices/workspaces",
		"Microsoft.MachineLearningServices/workspaces/computes",
		"Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
		"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
		"Microsoft.MachineLearningServices/workspaces/serverlessEndpoints",
		"Microsoft.MachineLearningServices/workspaces/connections",
		"Microsoft.MachineLearningServices/registries",
		"Microsoft.KeyVault/vaults",
		"Microsoft.KeyVault/vaults/keys",
		"Microsoft.KeyVault/vaults/secrets",
		"Microsoft.Storage/storageAccounts",
		"Microsoft.Storage/storageAccounts/blobServices",
		"Microsoft.Storage/storageAccounts/blobServices/containers",
		"Microsoft.DocumentDB/databaseAccounts",
		"Microsoft.Web/sites",
		"Microsoft.Web/serverfarms",
		"Microsoft.App/containerApps",
		"Microsoft.App/managedEnvironments",
		"Microsoft.ContainerService/managedClusters",
		"Microsoft.ContainerRegistry/registries",
		"Microsoft.ApiManagement/service",
		"Microsoft.Network/privateEndpoints",
		"Microsoft.Network/privateDnsZones",
		"Microsoft.Network/virtualNetworks",
		"Microsoft.Network/virtualNetworks/subnets",
		"Microsoft.Network/networkSecurityGroups",
		"Microsoft.Network/applicationGateways",
		"Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
		"Microsoft.Network/frontDoors",
		"Microsoft.Network/publicIPAddresses",
		"Microsoft.Cdn/profiles",
		"Microsoft.Insights/diagnosticSettings",
		"Microsoft.Insights/metricAlerts",
		"Microsoft.Insights/components",
		"Microsoft.Insights/actionGroups",
		"Microsoft.Insights/scheduledQueryRules",
		"Microsoft.OperationalInsights/workspaces",
		"Microsoft.ManagedIdentity/userAssignedIdentities",
		"Microsoft.Authorization/roleAssignments",
		"Microsoft.Authorization/locks",
		"Microsoft.Compute/virtualMachines",
		"Microsoft.Sql/servers",
		"Microsoft.Sql/servers/databases",
		"Microsoft.Cache/redis",
		"Microsoft.EventHub/namespaces",
		"Microsoft.ServiceBus/namespaces",
		"Microsoft.BotService/botServices",
		"Microsoft.Resources/deployments",
		"Microsoft.CognitiveServices/accounts/commitmentPlans",
		"Microsoft.CognitiveServices/accounts/defenderForAISettings",
		"Microsoft.CognitiveServices/accounts/projects/connections",
		"Microsoft.Search/searchServices/sharedPrivateLinkResources",
		"Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
		"Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
		"Microsoft.Web/sites/slots",
		"Microsoft.App/jobs",
		"Microsoft.KeyVault/managedHSMs",
		"Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
		"Microsoft.Network/networkInterfaces",
		"Microsoft.Network/bastionHosts",
		"Microsoft.Network/azureFirewalls",
		"Microsoft.Network/firewallPolicies",
		"Microsoft.Network/natGateways",
		"Microsoft.Insights/dataCollectionRules",
		"Microsoft.Insights/activityLogAlerts",
		"Microsoft.Monitor/accounts",
		"Microsoft.Dashboard/grafana",
		"Microsoft.Resources/resourceGroups",
	} {
		m[strings.ToLower(t)] = t
	}
	return m
}()
