package bicep

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
)

// deployTime lists functions whose result depends on the deployment and is therefore
// unknown here. Values are the reason given.
var deployTime = map[string]string{
	"utcNow":                  "utcNow() is the deployment time",
	"newGuid":                 "newGuid() is random at deployment",
	"reference":               "reference() reads a deployed resource",
	"managementGroup":         "managementGroup() depends on the deployment scope",
	"pickZones":               "pickZones() depends on the region's zones",
	"listKeys":                "listKeys() reads secrets at deployment",
	"listSecrets":             "listSecrets() reads secrets at deployment",
	"getSecret":               "getSecret() reads Key Vault at deployment",
	"readEnvironmentVariable": "readEnvironmentVariable() reads the deploying machine",
	"externalInput":           "externalInput() is supplied at deployment",
	"deployer":                "deployer() is the identity running the deployment",
}

// lambdaFuncs take a lambda as their last argument.
var lambdaFuncs = map[string]bool{
	"filter": true, "map": true, "reduce": true, "sort": true, "toObject": true,
	"groupBy": true, "mapValues": true,
}

func (e *env) call(n *Call, loc *locals) *iac.Value {
	name := n.Name
	if n.Target != nil {
		if id, ok := n.Target.(*Ident); ok {
			if _, local := loc.lookup(id.Name); !local {
				sym, declared := e.syms[id.Name]
				switch {
				case !declared && (id.Name == "az" || id.Name == "sys"):
					return e.builtin(n, name, loc)
				case declared && sym.kind == symUnread:
					return e.unreadImport(sym)
				case declared && sym.kind == symExported && sym.jsonFuncs[name]:
					return e.jsonFunc(sym.imp, name)
				case declared && sym.kind == symNamespace:
					if fr, ok := sym.other.funcs[name]; ok {
						return e.callUser(n, fr, loc)
					}
					return e.typeError(n.P, "%s has no exported function %s", id.Name, name)
				}
			}
		}
		t := e.eval(n.Target, loc)
		if t.Kind == iac.Unknown {
			return t
		}
		if in, ok := e.sc.refs[t]; ok && in != nil {
			return e.unknown(n.P, "%s.%s() is only known at deployment", in.decl.key, name)
		}
		return e.unsupported(n.P, "method call ."+name+"()")
	}
	if fr, ok := e.funcs[name]; ok {
		return e.callUser(n, fr, loc)
	}
	if sym, ok := e.syms[name]; ok && sym.kind == symUnread {
		return e.unreadImport(sym)
	}
	return e.builtin(n, name, loc)
}

func (e *env) callUser(n *Call, fr *funcRef, loc *locals) *iac.Value {
	if len(n.Args) != len(fr.fn.Params) {
		return e.typeError(n.P, "%s takes %d arguments, not %d", fr.fn.Name, len(fr.fn.Params), len(n.Args))
	}
	if e.callDep >= maxCallDepth {
		return e.typeError(n.P, "function calls nested deeper than %d", maxCallDepth)
	}
	// A function sees only its own parameters and other functions.
	var fl *locals
	for i, p := range fr.fn.Params {
		fl = fl.with(p.Name, e.eval(n.Args[i], loc))
	}
	fr.env.callDep++
	defer func() { fr.env.callDep-- }()
	return fr.env.eval(fr.fn.Body, fl)
}

// lambda calls a lambda argument with values for its parameters.
func (e *env) lambda(n *Call, lam *Lambda, loc *locals, args ...*iac.Value) *iac.Value {
	l := loc
	for i, p := range lam.Params {
		if i < len(args) {
			l = l.with(p, args[i])
		}
	}
	return e.eval(lam.Body, l)
}

func (e *env) builtin(n *Call, name string, loc *locals) *iac.Value {
	at := e.loc(n.P)
	if why, ok := deployTime[name]; ok {
		for _, a := range n.Args {
			e.eval(a, loc)
		}
		return iac.NewUnknown(why, at)
	}
	if strings.HasPrefix(name, "list") {
		return iac.NewUnknown(name+"() reads the deployed resource", at)
	}
	if lambdaFuncs[name] {
		return e.lambdaBuiltin(n, name, loc)
	}
	args := make([]*iac.Value, len(n.Args))
	for i, a := range n.Args {
		args[i] = e.eval(a, loc)
	}
	need := func(min, max int) bool {
		if len(args) < min || (max >= 0 && len(args) > max) {
			if max == min {
				e.typeError(n.P, "%s takes %d argument(s), not %d", name, min, len(args))
			} else {
				e.typeError(n.P, "%s takes %d to %d arguments, not %d", name, min, max, len(args))
			}
			return false
		}
		return true
	}
	bad := func() *iac.Value { return e.unknown(n.P, "bad arguments to %s", name) }
	// Placeholders stand for values Azure computes from their inputs; they are stable
	// so two resources built from the same inputs still match.
	switch name {
	case "uniqueString":
		if !need(1, -1) {
			return bad()
		}
		return iac.NewString(placeholder("uniq-", args)[:13], at)
	case "guid":
		if !need(1, -1) {
			return bad()
		}
		h := placeholder("", args)
		h = strings.Repeat(h, 2)
		return iac.NewString(h[0:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:32], at)
	case "coalesce":
		for _, a := range args {
			if a.Kind == iac.Unknown {
				return a
			}
			if a.Kind != iac.Null {
				return a
			}
		}
		return iac.NewNull(at)
	case "resourceGroup":
		return e.scopeObject("resourceGroup", args, at)
	case "subscription":
		return e.scopeObject("subscription", args, at)
	case "tenant":
		o := iac.NewObject(at)
		o.Set("tenantId", iac.NewUnknown("tenant() depends on the deployment", at))
		return o
	case "deployment":
		o := iac.NewObject(at)
		o.Set("name", iac.NewUnknown("deployment().name is chosen at deployment", at))
		o.Set("location", iac.NewUnknown("deployment().location is chosen at deployment", at))
		o.Set("properties", iac.NewUnknown("deployment() depends on the deployment", at))
		return o
	case "environment":
		return iac.NewUnknown("environment() depends on the Azure cloud deployed to", at)
	case "resourceId", "subscriptionResourceId", "tenantResourceId", "extensionResourceId", "managementGroupResourceId":
		return e.resourceIDFunc(n, name, args, at)
	case "loadTextContent", "loadJsonContent", "loadFileAsBase64", "loadYamlContent":
		return e.loadFile(n, name, args, at)
	}
	for _, a := range args {
		if a.Kind == iac.Unknown {
			return a.At(at)
		}
	}
	switch name {
	case "string":
		if !need(1, 1) {
			return bad()
		}
		if u := args[0].FirstUnknown(); u != nil {
			return iac.NewUnknown(u.Why, at)
		}
		if args[0].Kind == iac.String {
			return iac.NewString(args[0].Str, at)
		}
		return iac.NewString(toText(args[0]), at)
	case "int":
		if !need(1, 1) {
			return bad()
		}
		switch args[0].Kind {
		case iac.Number:
			return iac.NewNumber(float64(int64(args[0].Number)), at)
		case iac.String:
			i, err := strconv.ParseInt(strings.TrimSpace(args[0].Str), 10, 64)
			if err != nil {
				return e.typeError(n.P, "int(): %q is not an integer", args[0].Str)
			}
			return iac.NewNumber(float64(i), at)
		}
	case "bool":
		if !need(1, 1) {
			return bad()
		}
		switch args[0].Kind {
		case iac.Bool:
			return args[0]
		case iac.String:
			return iac.NewBool(strings.EqualFold(args[0].Str, "true"), at)
		case iac.Number:
			return iac.NewBool(args[0].Number != 0, at)
		}
	case "json":
		if !need(1, 1) || args[0].Kind != iac.String {
			return bad()
		}
		v, err := iac.DecodeJSON(e.path, []byte(args[0].Str))
		if err != nil {
			return e.typeError(n.P, "json(): %v", err)
		}
		return relocate(v, at)
	case "any":
		if !need(1, 1) {
			return bad()
		}
		return args[0]
	case "array":
		if !need(1, 1) {
			return bad()
		}
		if args[0].Kind == iac.Array {
			return args[0]
		}
		return iac.NewArray(at, args[0])
	case "concat":
		if len(args) > 0 && args[0].Kind == iac.Array {
			out := iac.NewArray(at)
			for _, a := range args {
				if a.Kind != iac.Array {
					return e.typeError(n.P, "concat(): mixes arrays and %s", a.Kind)
				}
				out.Items = append(out.Items, a.Items...)
				if len(out.Items) > maxItems {
					return e.typeError(n.P, "concat(): array longer than %d items", maxItems)
				}
			}
			return out
		}
		var b strings.Builder
		for _, a := range args {
			if u := a.FirstUnknown(); u != nil {
				return iac.NewUnknown(u.Why, at)
			}
			b.WriteString(toText(a))
			if b.Len() > maxString {
				return e.typeError(n.P, "concat(): string longer than %d bytes", maxString)
			}
		}
		return iac.NewString(b.String(), at)
	case "format":
		if !need(1, -1) || args[0].Kind != iac.String {
			return bad()
		}
		for _, a := range args[1:] {
			if u := a.FirstUnknown(); u != nil {
				return iac.NewUnknown(u.Why, at)
			}
		}
		if s := format(args[0].Str, args[1:]); len(s) <= maxString {
			return iac.NewString(s, at)
		}
		return e.typeError(n.P, "format(): string longer than %d bytes", maxString)
	case "toLower", "toUpper", "trim":
		if !need(1, 1) || args[0].Kind != iac.String {
			return bad()
		}
		switch name {
		case "toLower":
			return iac.NewString(strings.ToLower(args[0].Str), at)
		case "toUpper":
			return iac.NewString(strings.ToUpper(args[0].Str), at)
		}
		return iac.NewString(strings.TrimSpace(args[0].Str), at)
	case "replace":
		if !need(3, 3) || !allKind(iac.String, args...) {
			return bad()
		}
		if args[1].Str != "" && len(args[2].Str) > len(args[1].Str) &&
			strings.Count(args[0].Str, args[1].Str)*(len(args[2].Str)-len(args[1].Str))+len(args[0].Str) > maxString {
			return e.typeError(n.P, "replace(): result longer than %d bytes", maxString)
		}
		if args[1].Str == "" {
			return iac.NewString(args[0].Str, at)
		}
		return iac.NewString(strings.ReplaceAll(args[0].Str, args[1].Str, args[2].Str), at)
	case "startsWith", "endsWith":
		if !need(2, 2) || !allKind(iac.String, args...) {
			return bad()
		}
		a, b := strings.ToLower(args[0].Str), strings.ToLower(args[1].Str)
		if name == "startsWith" {
			return iac.NewBool(strings.HasPrefix(a, b), at)
		}
		return iac.NewBool(strings.HasSuffix(a, b), at)
	case "indexOf", "lastIndexOf":
		if !need(2, 2) {
			return bad()
		}
		return e.indexOf(name, args, at)
	case "split":
		if !need(2, 2) || args[0].Kind != iac.String {
			return bad()
		}
		var seps []string
		switch args[1].Kind {
		case iac.String:
			seps = []string{args[1].Str}
		case iac.Array:
			for _, s := range args[1].Items {
				if s.Kind == iac.String {
					seps = append(seps, s.Str)
				}
			}
		default:
			return bad()
		}
		out := iac.NewArray(at)
		for _, part := range splitAny(args[0].Str, seps) {
			out.Items = append(out.Items, iac.NewString(part, at))
		}
		return out
	case "join":
		if !need(2, 2) || args[0].Kind != iac.Array || args[1].Kind != iac.String {
			return bad()
		}
		parts := make([]string, len(args[0].Items))
		for i, it := range args[0].Items {
			if it.Kind == iac.Unknown {
				return iac.NewUnknown(it.Why, at)
			}
			parts[i] = toText(it)
		}
		if s := strings.Join(parts, args[1].Str); len(s) <= maxString {
			return iac.NewString(s, at)
		}
		return e.typeError(n.P, "join(): string longer than %d bytes", maxString)
	case "substring":
		if !need(2, 3) || args[0].Kind != iac.String || args[1].Kind != iac.Number {
			return bad()
		}
		s := []rune(args[0].Str)
		start := int(args[1].Number)
		end := len(s)
		if len(args) == 3 {
			if args[2].Kind != iac.Number {
				return bad()
			}
			end = start + int(args[2].Number)
		}
		if start < 0 || end > len(s) || start > end {
			return e.typeError(n.P, "substring(): range %d..%d outside a string of length %d", start, end, len(s))
		}
		return iac.NewString(string(s[start:end]), at)
	case "padLeft":
		if !need(2, 3) || args[1].Kind != iac.Number {
			return bad()
		}
		s := toText(args[0])
		pad := " "
		if len(args) == 3 && args[2].Kind == iac.String && args[2].Str != "" {
			pad = args[2].Str[:1]
		}
		width := int(args[1].Number)
		if width > maxString {
			return e.typeError(n.P, "padLeft(): width %d too large", width)
		}
		if n := width - utf8.RuneCountInString(s); n > 0 {
			s = strings.Repeat(pad, n) + s
		}
		return iac.NewString(s, at)
	case "length":
		if !need(1, 1) {
			return bad()
		}
		switch args[0].Kind {
		case iac.String:
			return iac.NewNumber(float64(utf8.RuneCountInString(args[0].Str)), at)
		case iac.Array:
			return iac.NewNumber(float64(len(args[0].Items)), at)
		case iac.Object:
			return iac.NewNumber(float64(len(args[0].Keys)), at)
		}
	case "empty":
		if !need(1, 1) {
			return bad()
		}
		switch args[0].Kind {
		case iac.Null:
			return iac.NewBool(true, at)
		case iac.String:
			return iac.NewBool(args[0].Str == "", at)
		case iac.Array:
			return iac.NewBool(len(args[0].Items) == 0, at)
		case iac.Object:
			return iac.NewBool(len(args[0].Keys) == 0, at)
		}
	case "contains":
		if !need(2, 2) {
			return bad()
		}
		return e.contains(n, args, at)
	case "first", "last":
		if !need(1, 1) {
			return bad()
		}
		switch args[0].Kind {
		case iac.Array:
			if len(args[0].Items) == 0 {
				return iac.NewNull(at)
			}
			if name == "first" {
				return args[0].Items[0]
			}
			return args[0].Items[len(args[0].Items)-1]
		case iac.String:
			r := []rune(args[0].Str)
			if len(r) == 0 {
				return iac.NewString("", at)
			}
			if name == "first" {
				return iac.NewString(string(r[0]), at)
			}
			return iac.NewString(string(r[len(r)-1]), at)
		}
	case "skip", "take":
		if !need(2, 2) || args[1].Kind != iac.Number {
			return bad()
		}
		k := max(int(args[1].Number), 0)
		switch args[0].Kind {
		case iac.Array:
			items := args[0].Items
			k = min(k, len(items))
			if name == "skip" {
				return iac.NewArray(at, slices.Clone(items[k:])...)
			}
			return iac.NewArray(at, slices.Clone(items[:k])...)
		case iac.String:
			r := []rune(args[0].Str)
			k = min(k, len(r))
			if name == "skip" {
				return iac.NewString(string(r[k:]), at)
			}
			return iac.NewString(string(r[:k]), at)
		}
	case "union":
		return e.union(n, args, at)
	case "intersection":
		return e.intersection(n, args, at)
	case "flatten":
		if !need(1, 1) || args[0].Kind != iac.Array {
			return bad()
		}
		out := iac.NewArray(at)
		for _, it := range args[0].Items {
			if len(out.Items) > maxItems {
				return e.typeError(n.P, "flatten(): array longer than %d items", maxItems)
			}
			if it.Kind == iac.Array {
				out.Items = append(out.Items, it.Items...)
			} else {
				out.Items = append(out.Items, it)
			}
		}
		return out
	case "range":
		if !need(2, 2) || !allKind(iac.Number, args...) {
			return bad()
		}
		start, count := int(args[0].Number), int(args[1].Number)
		if count < 0 || count > maxItems {
			return e.typeError(n.P, "range(): count %d out of bounds", count)
		}
		e.sc.steps += count
		if e.sc.steps > e.sc.maxSteps {
			return e.unknown(n.P, "evaluation budget exhausted")
		}
		out := iac.NewArray(at)
		for i := 0; i < count; i++ {
			out.Items = append(out.Items, iac.NewNumber(float64(start+i), at))
		}
		return out
	case "min", "max":
		nums := args
		if len(args) == 1 && args[0].Kind == iac.Array {
			nums = args[0].Items
		}
		if len(nums) == 0 || !allKind(iac.Number, nums...) {
			return bad()
		}
		best := nums[0].Number
		for _, v := range nums[1:] {
			if (name == "min" && v.Number < best) || (name == "max" && v.Number > best) {
				best = v.Number
			}
		}
		return iac.NewNumber(best, at)
	case "items":
		if !need(1, 1) || args[0].Kind != iac.Object {
			return bad()
		}
		return objectItems(args[0])
	case "objectKeys":
		if !need(1, 1) || args[0].Kind != iac.Object {
			return bad()
		}
		out := iac.NewArray(at)
		for _, k := range args[0].Keys {
			out.Items = append(out.Items, iac.NewString(k, at))
		}
		return out
	case "shallowMerge":
		if !need(1, 1) || args[0].Kind != iac.Array {
			return bad()
		}
		out := iac.NewObject(at)
		for _, o := range args[0].Items {
			if o.Kind == iac.Unknown {
				return o
			}
			for _, k := range o.Keys {
				out.Set(k, o.Fields[k])
			}
		}
		return out
	case "tryGet":
		if !need(2, -1) {
			return bad()
		}
		cur := args[0]
		for _, k := range args[1:] {
			switch {
			case cur.Kind == iac.Object && k.Kind == iac.String:
				cur = cur.Field(k.Str)
			case cur.Kind == iac.Array && k.Kind == iac.Number:
				cur = cur.Index(int(k.Number))
			default:
				cur = nil
			}
			if cur == nil {
				return iac.NewNull(at)
			}
		}
		return cur
	case "base64":
		if !need(1, 1) || args[0].Kind != iac.String {
			return bad()
		}
		return iac.NewString(base64.StdEncoding.EncodeToString([]byte(args[0].Str)), at)
	case "base64ToString":
		if !need(1, 1) || args[0].Kind != iac.String {
			return bad()
		}
		b, err := base64.StdEncoding.DecodeString(args[0].Str)
		if err != nil {
			return e.typeError(n.P, "base64ToString(): %v", err)
		}
		return iac.NewString(string(b), at)
	case "uriComponent":
		if !need(1, 1) || args[0].Kind != iac.String {
			return bad()
		}
		return iac.NewString(url.QueryEscape(args[0].Str), at)
	case "uri":
		if !need(2, 2) || !allKind(iac.String, args...) {
			return bad()
		}
		return iac.NewString(strings.TrimSuffix(args[0].Str, "/")+"/"+strings.TrimPrefix(args[1].Str, "/"), at)
	case "equals":
		if !need(2, 2) {
			return bad()
		}
		eq, known := iac.Equal(args[0], args[1])
		if !known {
			return iac.NewUnknown("equals() on unknown values", at)
		}
		return iac.NewBool(eq, at)
	case "parseCidr", "cidrSubnet", "cidrHost":
		return e.cidr(n, name, args, at)
	case "dateTimeAdd":
		if !need(2, 3) {
			return bad()
		}
		if !allKind(iac.String, args...) {
			return e.typeError(n.P, "dateTimeAdd() needs strings: a timestamp, a duration and optionally a format")
		}
		var format *string
		if len(args) == 3 {
			format = &args[2].Str
		}
		s, err := arm.DateTimeAdd(args[0].Str, args[1].Str, format)
		if err != nil {
			return e.typeError(n.P, "dateTimeAdd(): %v", err)
		}
		return iac.NewString(s, at)
	case "dateTimeToEpoch":
		if !need(1, 1) {
			return bad()
		}
		if args[0].Kind != iac.String {
			return e.typeError(n.P, "dateTimeToEpoch() needs a timestamp string, not %s", args[0].Kind)
		}
		secs, err := arm.DateTimeToEpoch(args[0].Str)
		if err != nil {
			return e.typeError(n.P, "dateTimeToEpoch(): %v", err)
		}
		return iac.NewNumber(float64(secs), at)
	case "dateTimeFromEpoch":
		if !need(1, 1) {
			return bad()
		}
		if args[0].Kind != iac.Number {
			return e.typeError(n.P, "dateTimeFromEpoch() needs an int, not %s", args[0].Kind)
		}
		s, err := arm.DateTimeFromEpoch(args[0].Number)
		if err != nil {
			return e.typeError(n.P, "dateTimeFromEpoch(): %v", err)
		}
		return iac.NewString(s, at)
	default:
		e.diag("warning", n.P, "unsupported construct: function %s()", name)
		return iac.NewUnknown("function "+name+"() is not supported by the Bicep reader", at)
	}
	return e.typeError(n.P, "%s(): unexpected argument types", name)
}

func allKind(k iac.Kind, vs ...*iac.Value) bool {
	for _, v := range vs {
		if v.Kind != k {
			return false
		}
	}
	return true
}

// placeholder hashes the arguments into a stable stand-in; an unknown argument
// contributes its reason. It is the same scheme the ARM front end uses, so a workload
// written in Bicep and in ARM JSON gets the same names.
func placeholder(prefix string, args []*iac.Value) string {
	h := fnv.New64a()
	for _, a := range args {
		if a.Kind == iac.Unknown {
			h.Write([]byte("?" + a.Why))
		} else {
			h.Write([]byte(toText(a)))
		}
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s%016x", prefix, h.Sum64())
}

// scopeObject is resourceGroup() or subscription(): an object whose parts depend on
// where the template is deployed.
func (e *env) scopeObject(kind string, args []*iac.Value, at awaf.Location) *iac.Value {
	o := iac.NewObject(at)
	u := func(part string) *iac.Value {
		return iac.NewUnknown(fmt.Sprintf("%s().%s is only known at deployment", kind, part), at)
	}
	if kind == "resourceGroup" {
		o.Set("id", iac.NewString("/subscriptions/"+subPlaceholder+"/resourceGroups/"+rgPlaceholder, at))
		o.Set("type", iac.NewString("Microsoft.Resources/resourceGroups", at))
		if len(args) > 0 {
			o.Set("name", args[len(args)-1])
			if last := args[len(args)-1]; last.Kind == iac.String {
				sub := subPlaceholder
				if len(args) == 2 && args[0].Kind == iac.String {
					sub = args[0].Str
				}
				o.Set("id", iac.NewString("/subscriptions/"+sub+"/resourceGroups/"+last.Str, at))
			} else {
				o.Set("id", last)
			}
		} else {
			o.Set("name", u("name"))
		}
		o.Set("location", u("location"))
		o.Set("tags", u("tags"))
		o.Set("properties", u("properties"))
		return o
	}
	o.Set("id", iac.NewString("/subscriptions/"+subPlaceholder, at))
	o.Set("subscriptionId", u("subscriptionId"))
	o.Set("tenantId", u("tenantId"))
	o.Set("displayName", u("displayName"))
	return o
}

// resourceIDFunc evaluates resourceId() and its kin to the same placeholder form that
// resource references use.
func (e *env) resourceIDFunc(n *Call, name string, args []*iac.Value, at awaf.Location) *iac.Value {
	for _, a := range args {
		if a.Kind == iac.Unknown {
			return a.At(at)
		}
		if a.Kind != iac.String {
			return e.typeError(n.P, "%s(): arguments must be strings", name)
		}
	}
	strs := make([]string, len(args))
	for i, a := range args {
		strs[i] = a.Str
	}
	prefix := e.scopePrefix()
	switch name {
	case "subscriptionResourceId":
		prefix = "/subscriptions/" + subPlaceholder
	case "tenantResourceId", "managementGroupResourceId":
		prefix = ""
	case "extensionResourceId":
		if len(strs) < 3 {
			return e.typeError(n.P, "extensionResourceId() needs a scope id, a type and a name")
		}
		prefix, strs = strs[0], strs[1:]
	}
	// Leading segments before the type are a subscription id and/or group name.
	typeAt := -1
	for i, s := range strs {
		if strings.Contains(s, "/") && strings.Contains(s, ".") {
			typeAt = i
			break
		}
	}
	if typeAt < 0 || typeAt+1 >= len(strs) {
		return e.typeError(n.P, "%s(): expected a resource type and name(s)", name)
	}
	switch typeAt {
	case 1:
		if name == "resourceId" {
			prefix = "/subscriptions/" + subPlaceholder + "/resourceGroups/" + strs[0]
		}
	case 2:
		if name == "resourceId" {
			prefix = "/subscriptions/" + strs[0] + "/resourceGroups/" + strs[1]
		}
	}
	return iac.NewString(resourceID(prefix, strs[typeAt], strings.Join(strs[typeAt+1:], "/")), at)
}

// loadFile reads a file next to the template at scan time, as Bicep does at build time.
func (e *env) loadFile(n *Call, name string, args []*iac.Value, at awaf.Location) *iac.Value {
	if len(args) == 0 || args[0].Kind != iac.String {
		return e.typeError(n.P, "%s() needs a file path", name)
	}
	p := resolvePath(e.path, args[0].Str)
	if !fs.ValidPath(p) {
		e.diag("warning", n.P, "%s(): %s is outside the scanned directory tree", name, args[0].Str)
		return iac.NewUnknown(fmt.Sprintf("%s(): %s is outside the scanned tree", name, args[0].Str), at)
	}
	data, err := fs.ReadFile(e.sc.fsys, p)
	if err != nil {
		e.diag("warning", n.P, "%s(): %v", name, err)
		return iac.NewUnknown(fmt.Sprintf("%s(): cannot read %s", name, args[0].Str), at)
	}
	switch name {
	case "loadTextContent":
		return iac.NewString(string(data), at)
	case "loadFileAsBase64":
		return iac.NewString(base64.StdEncoding.EncodeToString(data), at)
	case "loadJsonContent":
		v, err := iac.DecodeJSON(p, data)
		if err != nil {
			e.diag("error", n.P, "loadJsonContent(): %v", err)
			return iac.NewUnknown("loadJsonContent(): "+err.Error(), at)
		}
		if len(args) > 1 && args[1].Kind == iac.String && args[1].Str != "" {
			if sub := v.Get(strings.TrimPrefix(strings.TrimPrefix(args[1].Str, "$"), ".")); sub != nil {
				return sub
			}
			return iac.NewUnknown("loadJsonContent(): path "+args[1].Str+" not found", at)
		}
		return v
	}
	e.diag("warning", n.P, "unsupported construct: function %s()", name)
	return iac.NewUnknown(name+"() is not supported by the Bicep reader", at)
}

func relocate(v *iac.Value, at awaf.Location) *iac.Value {
	v.Loc = at
	for _, it := range v.Items {
		relocate(it, at)
	}
	for _, f := range v.Fields {
		relocate(f, at)
	}
	return v
}

// format implements .NET composite formatting as ARM's format() uses it, for the
// placeholders templates use: {0}, {1}, with {{ and }} escapes. A format specifier
// after ':' is honoured for integer padding (D2) and otherwise ignored.
func format(f string, args []*iac.Value) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '{' && i+1 < len(f) && f[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(f) && f[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				b.WriteString(f[i:])
				return b.String()
			}
			spec := f[i+1 : i+end]
			idxStr, fmtSpec, _ := strings.Cut(spec, ":")
			k, err := strconv.Atoi(strings.TrimSpace(idxStr))
			if err != nil || k < 0 || k >= len(args) {
				b.WriteString(f[i : i+end+1])
			} else {
				s := toText(args[k])
				if len(fmtSpec) > 1 && (fmtSpec[0] == 'D' || fmtSpec[0] == 'd') && args[k].Kind == iac.Number {
					if w, err := strconv.Atoi(fmtSpec[1:]); err == nil {
						s = fmt.Sprintf("%0*d", w, int64(args[k].Number))
					}
				}
				b.WriteString(s)
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func splitAny(s string, seps []string) []string {
	out := []string{s}
	for _, sep := range seps {
		if sep == "" {
			continue
		}
		var next []string
		for _, part := range out {
			next = append(next, strings.Split(part, sep)...)
		}
		out = next
	}
	return out
}

func (e *env) indexOf(name string, args []*iac.Value, at awaf.Location) *iac.Value {
	switch args[0].Kind {
	case iac.String:
		if args[1].Kind != iac.String {
			break
		}
		s, sub := strings.ToLower(args[0].Str), strings.ToLower(args[1].Str)
		var i int
		if name == "indexOf" {
			i = strings.Index(s, sub)
		} else {
			i = strings.LastIndex(s, sub)
		}
		if i >= 0 {
			i = utf8.RuneCountInString(s[:i])
		}
		return iac.NewNumber(float64(i), at)
	case iac.Array:
		found := -1
		for i, it := range args[0].Items {
			if eq, _ := iac.Equal(it, args[1]); eq {
				found = i
				if name == "indexOf" {
					break
				}
			}
		}
		return iac.NewNumber(float64(found), at)
	}
	return iac.NewUnknown(name+"(): unexpected arguments", at)
}

func (e *env) contains(n *Call, args []*iac.Value, at awaf.Location) *iac.Value {
	c, x := args[0], args[1]
	switch c.Kind {
	case iac.String:
		if x.Kind == iac.Unknown {
			return x
		}
		return iac.NewBool(strings.Contains(c.Str, toText(x)), at)
	case iac.Array:
		unknown := false
		for _, it := range c.Items {
			eq, known := iac.Equal(it, x)
			if eq {
				return iac.NewBool(true, at)
			}
			unknown = unknown || !known
		}
		if unknown {
			return iac.NewUnknown("contains() on an array with unknown items", at)
		}
		return iac.NewBool(false, at)
	case iac.Object:
		if x.Kind != iac.String {
			return e.typeError(n.P, "contains(): an object key must be a string")
		}
		return iac.NewBool(c.Field(x.Str) != nil, at)
	}
	return e.typeError(n.P, "contains(): cannot search %s", c.Kind)
}

// union merges objects (deeply, later wins) or arrays (without duplicates).
func (e *env) union(n *Call, args []*iac.Value, at awaf.Location) *iac.Value {
	if len(args) == 0 {
		return e.typeError(n.P, "union() needs arguments")
	}
	switch args[0].Kind {
	case iac.Object:
		out := iac.NewObject(at)
		for _, a := range args {
			if a.Kind != iac.Object {
				return e.typeError(n.P, "union(): mixes objects and %s", a.Kind)
			}
			mergeInto(out, a)
		}
		return out
	case iac.Array:
		out := iac.NewArray(at)
		for _, a := range args {
			if a.Kind != iac.Array {
				return e.typeError(n.P, "union(): mixes arrays and %s", a.Kind)
			}
			for _, it := range a.Items {
				dup := false
				for _, have := range out.Items {
					if eq, _ := iac.Equal(have, it); eq {
						dup = true
						break
					}
				}
				if !dup {
					out.Items = append(out.Items, it)
				}
			}
		}
		return out
	}
	return e.typeError(n.P, "union(): cannot merge %s", args[0].Kind)
}

func mergeInto(dst, src *iac.Value) {
	for _, k := range src.Keys {
		v := src.Fields[k]
		if cur := dst.Field(k); cur != nil && cur.Kind == iac.Object && v.Kind == iac.Object {
			merged := iac.NewObject(cur.Loc)
			mergeInto(merged, cur)
			mergeInto(merged, v)
			dst.Set(k, merged)
			continue
		}
		dst.Set(k, v)
	}
}

func (e *env) intersection(n *Call, args []*iac.Value, at awaf.Location) *iac.Value {
	if len(args) < 2 {
		return e.typeError(n.P, "intersection() needs two or more arguments")
	}
	switch args[0].Kind {
	case iac.Object:
		out := iac.NewObject(at)
		for _, k := range args[0].Keys {
			keep := true
			for _, o := range args[1:] {
				eq, _ := iac.Equal(o.Field(k), args[0].Fields[k])
				keep = keep && eq
			}
			if keep {
				out.Set(k, args[0].Fields[k])
			}
		}
		return out
	case iac.Array:
		out := iac.NewArray(at)
		for _, it := range args[0].Items {
			keep := true
			for _, a := range args[1:] {
				in := false
				for _, x := range a.Items {
					if eq, _ := iac.Equal(x, it); eq {
						in = true
						break
					}
				}
				keep = keep && in
			}
			if keep {
				out.Items = append(out.Items, it)
			}
		}
		return out
	}
	return e.typeError(n.P, "intersection(): cannot intersect %s", args[0].Kind)
}

func objectItems(o *iac.Value) *iac.Value {
	out := iac.NewArray(o.Loc)
	for _, k := range o.Keys {
		it := iac.NewObject(o.Fields[k].Loc)
		it.Set("key", iac.NewString(k, o.Loc))
		it.Set("value", o.Fields[k])
		out.Items = append(out.Items, it)
	}
	return out
}

// lambdaBuiltin runs the functions that take a lambda.
func (e *env) lambdaBuiltin(n *Call, name string, loc *locals) *iac.Value {
	at := e.loc(n.P)
	if len(n.Args) < 2 {
		return e.typeError(n.P, "%s() needs a collection and a lambda", name)
	}
	lam, ok := n.Args[len(n.Args)-1].(*Lambda)
	if !ok {
		return e.unsupported(n.P, name+"() whose last argument is not a lambda")
	}
	if e.callDep >= maxCallDepth {
		return e.typeError(n.P, "lambdas nested deeper than %d", maxCallDepth)
	}
	e.callDep++
	defer func() { e.callDep-- }()
	coll := e.eval(n.Args[0], loc)
	if coll.Kind == iac.Unknown {
		return coll.At(at)
	}
	if name == "mapValues" {
		if coll.Kind != iac.Object {
			return e.typeError(n.P, "mapValues() needs an object")
		}
		out := iac.NewObject(at)
		for _, k := range coll.Keys {
			out.Set(k, e.lambda(n, lam, loc, coll.Fields[k]))
		}
		return out
	}
	if coll.Kind != iac.Array {
		return e.typeError(n.P, "%s() needs an array, not %s", name, coll.Kind)
	}
	idx := func(i int) *iac.Value { return iac.NewNumber(float64(i), at) }
	if e.sc.exhausted {
		return e.unknown(n.P, "evaluation budget exhausted")
	}
	switch name {
	case "filter":
		out := iac.NewArray(at)
		for i, it := range coll.Items {
			keep := e.lambda(n, lam, loc, it, idx(i))
			if keep.Kind == iac.Unknown {
				return keep.At(at)
			}
			if keep.Kind == iac.Bool && keep.Bool {
				out.Items = append(out.Items, it)
			}
		}
		return out
	case "map":
		out := iac.NewArray(at)
		for i, it := range coll.Items {
			out.Items = append(out.Items, e.lambda(n, lam, loc, it, idx(i)))
		}
		return out
	case "reduce":
		if len(n.Args) != 3 {
			return e.typeError(n.P, "reduce() needs an array, an initial value and a lambda")
		}
		acc := e.eval(n.Args[1], loc)
		for i, it := range coll.Items {
			acc = e.lambda(n, lam, loc, acc, it, idx(i))
		}
		return acc
	case "sort":
		items := slices.Clone(coll.Items)
		var unknown *iac.Value
		slices.SortStableFunc(items, func(a, b *iac.Value) int {
			less := e.lambda(n, lam, loc, a, b)
			if less.Kind == iac.Unknown {
				unknown = less
				return 0
			}
			if less.Kind == iac.Bool && less.Bool {
				return -1
			}
			if again := e.lambda(n, lam, loc, b, a); again.Kind == iac.Bool && again.Bool {
				return 1
			}
			return 0
		})
		if unknown != nil {
			return unknown.At(at)
		}
		return iac.NewArray(at, items...)
	case "toObject":
		var valLam *Lambda
		if len(n.Args) == 3 {
			// toObject(array, keyLambda, valueLambda)
			if k, ok := n.Args[1].(*Lambda); ok {
				valLam = lam
				lam = k
			}
		}
		out := iac.NewObject(at)
		for _, it := range coll.Items {
			k := e.lambda(n, lam, loc, it)
			if k.Kind != iac.String {
				return iac.NewUnknown("toObject(): key not known", at)
			}
			v := it
			if valLam != nil {
				v = e.lambda(n, valLam, loc, it)
			}
			out.Set(k.Str, v)
		}
		return out
	case "groupBy":
		out := iac.NewObject(at)
		for _, it := range coll.Items {
			k := e.lambda(n, lam, loc, it)
			if k.Kind != iac.String {
				return iac.NewUnknown("groupBy(): key not known", at)
			}
			g := out.Field(k.Str)
			if g == nil {
				g = iac.NewArray(at)
				out.Set(k.Str, g)
			}
			g.Items = append(g.Items, it)
		}
		return out
	}
	return e.unsupported(n.P, "function "+name+"()")
}

// cidr implements parseCidr, cidrSubnet and cidrHost for IPv4 and IPv6 ranges.
func (e *env) cidr(n *Call, name string, args []*iac.Value, at awaf.Location) *iac.Value {
	if len(args) == 0 || args[0].Kind != iac.String {
		return e.typeError(n.P, "%s() needs a CIDR string", name)
	}
	pfx, err := netip.ParsePrefix(args[0].Str)
	if err != nil {
		return e.typeError(n.P, "%s(): %v", name, err)
	}
	pfx = pfx.Masked()
	bits := pfx.Addr().BitLen()
	switch name {
	case "parseCidr":
		o := iac.NewObject(at)
		first, last := pfx.Addr(), lastAddr(pfx)
		o.Set("network", iac.NewString(first.String(), at))
		if first.Is4() {
			mask := net.CIDRMask(pfx.Bits(), 32)
			o.Set("netmask", iac.NewString(net.IP(mask).String(), at))
			o.Set("broadcast", iac.NewString(last.String(), at))
			if pfx.Bits() < 31 {
				first, last = first.Next(), last.Prev()
			}
		}
		o.Set("firstUsable", iac.NewString(first.String(), at))
		o.Set("lastUsable", iac.NewString(last.String(), at))
		o.Set("cidr", iac.NewNumber(float64(pfx.Bits()), at))
		return o
	case "cidrSubnet":
		if len(args) != 3 || args[1].Kind != iac.Number || args[2].Kind != iac.Number {
			return e.typeError(n.P, "cidrSubnet() needs a CIDR, a prefix length and an index")
		}
		newBits, idx := int(args[1].Number), uint64(args[2].Number)
		if newBits < pfx.Bits() || newBits > bits || (newBits-pfx.Bits() < 64 && idx >= 1<<(newBits-pfx.Bits())) {
			return e.typeError(n.P, "cidrSubnet(): subnet /%d number %d does not fit in %s", newBits, idx, pfx)
		}
		addr := addOffset(pfx.Addr(), idx, bits-newBits)
		return iac.NewString(netip.PrefixFrom(addr, newBits).String(), at)
	default: // cidrHost
		if len(args) != 2 || args[1].Kind != iac.Number {
			return e.typeError(n.P, "cidrHost() needs a CIDR and an index")
		}
		idx := uint64(args[1].Number) + 1 // host 0 is the first address after the network's
		addr := addOffset(pfx.Addr(), idx, 0)
		if !pfx.Contains(addr) {
			return e.typeError(n.P, "cidrHost(): host %d is outside %s", idx-1, pfx)
		}
		return iac.NewString(addr.String(), at)
	}
}

// addOffset adds idx << shift to an address.
func addOffset(a netip.Addr, idx uint64, shift int) netip.Addr {
	b := a.AsSlice()
	carry := new(big.Int).Lsh(new(big.Int).SetUint64(idx), uint(shift))
	v := new(big.Int).SetBytes(b)
	v.Add(v, carry)
	out := v.FillBytes(make([]byte, len(b)))
	r, _ := netip.AddrFromSlice(out)
	return r
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	r, _ := netip.AddrFromSlice(b)
	return r
}
