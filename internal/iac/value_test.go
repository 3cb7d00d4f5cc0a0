package iac

import (
	"errors"
	"reflect"
	"testing"

	"github.com/awaf/awaf"
)

func mustDecode(t *testing.T, src string) *Value {
	t.Helper()
	v, err := DecodeJSON("t.json", []byte(src))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return v
}

func TestDecodeLocations(t *testing.T) {
	src := "{\n  \"a\": 1,\n  // comment\n  \"b\": [true, \"é\", {\"c\": null}],\n  /* multi\n line */ \"d\": \"x\"\n}"
	v := mustDecode(t, src)
	tests := []struct {
		path      string
		line, col int
		kind      Kind
	}{
		{"", 1, 1, Object},
		{"a", 2, 8, Number},
		{"b", 4, 8, Array},
		{"b[0]", 4, 9, Bool},
		{"b[1]", 4, 15, String},
		{"b[2].c", 4, 26, Null},
		{"d", 6, 15, String},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := v.Get(tt.path)
			if got == nil {
				t.Fatalf("Get(%q) = nil", tt.path)
			}
			if got.Kind != tt.kind || got.Loc.Line != tt.line || got.Loc.Column != tt.col || got.Loc.File != "t.json" {
				t.Errorf("Get(%q) = %v at %+v, want %v at %d:%d", tt.path, got.Kind, got.Loc, tt.kind, tt.line, tt.col)
			}
		})
	}
}

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"escapes", `"a\"b\\c\/\n\u00e9\ud83d\ude00"`, `"a\"b\\c/\né😀"`},
		{"numbers", `[0, -1.5, 2e3, 1E-2]`, `[0,-1.5,2000,0.01]`},
		{"duplicate key keeps last", `{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{"empty", `[{}, []]`, `[{},[]]`},
		{"bom", "\ufeff{\"x\":true}", `{"x":true}`},
		{"multi-line string", "[\"a\nb\", 1]", `["a\nb",1]`},
		{"lone surrogate", `"\ud800x"`, "\"\ufffdx\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustDecode(t, tt.src).String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"missing comma", "{\n \"a\": 1\n \"b\": 2}", 3, 2, `expected ',' or '}' after the value of "a", found '"'`},
		{"trailing comma", `{"a": 1,}`, 1, 9, `expected a property name in double quotes, found '}'`},
		{"bare word", `[tru]`, 1, 2, "expected a value (object, array, string, number, true, false or null), found 't'"},
		{"unterminated string", "{\"a\": \"b\n}", 1, 7, `unterminated string: expected a closing '"' for the string that starts here`},
		{"control character", "[\"a\x01\"]", 1, 4, `control character 0x1 in string must be escaped`},
		{"eof in array", `[1, 2`, 1, 6, `expected ',' or ']' to continue the array opened at line 1, found end of input`},
		{"leading zero", `01`, 1, 2, "a number must not start with 0"},
		{"two values", `{} {}`, 1, 4, "expected end of input after the top-level value, found '{'"},
		{"unterminated comment", "/* x", 1, 1, "unterminated /* comment"},
		{"bad escape", `"\x"`, 1, 3, `invalid escape \x in string`},
		{"empty", ``, 1, 1, "expected a value, found end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeJSON("bad.json", []byte(tt.src))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want SyntaxError", err)
			}
			if se.Loc != (awaf.Location{File: "bad.json", Line: tt.line, Column: tt.col}) || se.Msg != tt.msg {
				t.Errorf("got %v, want bad.json:%d:%d: %s", se, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestDecodeDepthLimit(t *testing.T) {
	src := make([]byte, 0, 2*MaxDepth+10)
	for i := 0; i < MaxDepth+5; i++ {
		src = append(src, '[')
	}
	_, err := DecodeJSON("deep.json", src)
	if err == nil {
		t.Fatal("want an error for deep nesting")
	}
}

func TestGetAndAccessors(t *testing.T) {
	v := mustDecode(t, `{"Properties": {"networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "1.2.3.4"}]},
		"replicaCount": 3, "flag": "True", "s": 1}}`)
	v.Field("properties").Set("pending", NewUnknown("parameter 'x' has no value", awaf.Location{}))
	tests := []struct {
		name      string
		path      string
		str       string
		known, ok bool
	}{
		{"nested case-insensitive", "properties.NETWORKACLS.defaultAction", "Deny", true, true},
		{"index", "properties.networkAcls.ipRules[0].value", "1.2.3.4", true, true},
		{"missing", "properties.nothing", "", true, false},
		{"index out of range", "properties.networkAcls.ipRules[3].value", "", true, false},
		{"wrong kind", "properties.replicaCount", "", true, false},
		{"through unknown", "properties.pending.deeper.still", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, known, ok := v.Get(tt.path).AsString()
			if s != tt.str || known != tt.known || ok != tt.ok {
				t.Errorf("AsString = %q,%v,%v want %q,%v,%v", s, known, ok, tt.str, tt.known, tt.ok)
			}
		})
	}
	if n, known, ok := v.Get("properties.replicaCount").AsNumber(); n != 3 || !known || !ok {
		t.Errorf("AsNumber = %v %v %v", n, known, ok)
	}
	if b, known, ok := v.Get("properties.flag").AsBool(); !b || !known || !ok {
		t.Errorf("AsBool of \"True\" = %v %v %v", b, known, ok)
	}
	if _, _, ok := v.Get("properties.s").AsBool(); ok {
		t.Error("a number is not a bool")
	}
	if u := v.FirstUnknown(); u == nil || u.Why != "parameter 'x' has no value" {
		t.Errorf("FirstUnknown = %v", u)
	}
}

func TestSetReplacesCaseInsensitively(t *testing.T) {
	o := NewObject(awaf.Location{})
	o.Set("Name", NewString("a", awaf.Location{}))
	o.Set("other", NewNull(awaf.Location{}))
	o.Set("name", NewString("b", awaf.Location{}))
	if got := o.String(); got != `{"name":"b","other":null}` {
		t.Errorf("got %s", got)
	}
	o.Delete("NAME")
	if got := o.String(); got != `{"other":null}` {
		t.Errorf("after delete got %s", got)
	}
}

func TestToGo(t *testing.T) {
	v := mustDecode(t, `{"a": [1, 1.5, "s", true, null], "b": {}}`)
	v.Set("u", NewUnknown("reference() is known after deployment", awaf.Location{File: "f", Line: 2, Column: 3}))
	got := ToGo(v)
	want := map[string]any{
		"a": []any{int64(1), 1.5, "s", true, nil},
		"b": map[string]any{},
		"u": Unresolved{Why: "reference() is known after deployment", Loc: awaf.Location{File: "f", Line: 2, Column: 3}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ToGo = %#v\nwant %#v", got, want)
	}
	back := FromGo(map[string]any{"a": []any{1.0, "x"}, "u": Unresolved{Why: "w"}}, awaf.Location{})
	if back.String() != `{"a":[1,"x"],"u":{"$unknown":"w"}}` {
		t.Errorf("FromGo = %s", back)
	}
}

func TestEqual(t *testing.T) {
	u := NewUnknown("x", awaf.Location{})
	tests := []struct {
		name         string
		a, b         *Value
		equal, known bool
	}{
		{"same objects, other key case", mustDecode(t, `{"A":[1,"x"]}`), mustDecode(t, `{"a":[1,"x"]}`), true, true},
		{"different strings", mustDecode(t, `"a"`), mustDecode(t, `"A"`), false, true},
		{"unknown", u, mustDecode(t, `1`), false, false},
		{"known difference beside unknown", NewArray(awaf.Location{}, u, NewNumber(1, awaf.Location{})), mustDecode(t, `[1, 2]`), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eq, kn := Equal(tt.a, tt.b)
			if eq != tt.equal || kn != tt.known {
				t.Errorf("Equal = %v,%v want %v,%v", eq, kn, tt.equal, tt.known)
			}
		})
	}
}

func TestParseResourceID(t *testing.T) {
	tests := []struct {
		id, typ, name string
		ok            bool
	}{
		{"/subscriptions/{subscriptionId}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/deployments/d", "Microsoft.CognitiveServices/accounts/deployments", "a/d", true},
		{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Search/searchServices/x/providers/Microsoft.Insights/diagnosticSettings/diag", "Microsoft.Insights/diagnosticSettings", "diag", true},
		{"/subscriptions/s", "", "", false},
		{"/providers/Microsoft.X/onlytype", "", "", false},
	}
	for _, tt := range tests {
		typ, name, ok := ParseResourceID(tt.id)
		if typ != tt.typ || name != tt.name || ok != tt.ok {
			t.Errorf("ParseResourceID(%q) = %q,%q,%v", tt.id, typ, name, ok)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"c\u0041"}]}`, "// c\n[true,false,null]", `"\ud83d\ude00"`, `-0.5e+3`, `{"a":1,}`, "/* x */ {}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeJSON("fuzz.json", data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Loc.Line < 1 || se.Loc.Column < 1 {
				t.Fatalf("error without place: %v", err)
			}
			return
		}
		// What we print must read back to the same value.
		again, err := DecodeJSON("again.json", []byte(v.String()))
		if err != nil {
			t.Fatalf("re-decode %s: %v", v, err)
		}
		if eq, _ := Equal(v, again); !eq {
			t.Fatalf("round trip changed %s into %s", v, again)
		}
	})
}

func TestWithoutNulls(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"nested members", `{"a": null, "b": {"c": null, "d": 1}, "e": [null, {"f": null}]}`, `{"b":{"d":1},"e":[null,{}]}`},
		{"unchanged is shared", `{"a": 1, "b": [2]}`, `{"a":1,"b":[2]}`},
		{"top-level null", `null`, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustDecode(t, tt.src)
			before := v.String()
			got := v.WithoutNulls()
			if got.String() != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if v.String() != before {
				t.Errorf("input modified: %s", v)
			}
			if tt.name == "unchanged is shared" && got != v {
				t.Error("an unchanged value should be returned as is")
			}
		})
	}
}

func TestResourceToGo(t *testing.T) {
	loc := awaf.Location{File: "m.json", Line: 3, Column: 5}
	props := NewObject(loc)
	props.Set("disableLocalAuth", NewBool(true, loc))
	r := Resource{Type: "Microsoft.CognitiveServices/accounts", Name: NewString("a", loc), Properties: props,
		Condition: NewUnknown("parameter 'on' has no value", loc), Source: "arm", ID: "/x", DependsOn: []string{"/y"}}
	got := r.ToGo()
	want := map[string]any{
		"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "", "source": "arm", "id": "/x", "existing": false,
		"name": "a", "properties": map[string]any{"disableLocalAuth": true},
		"condition": Unresolved{Why: "parameter 'on' has no value", Loc: loc}, "dependsOn": []any{"/y"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ToGo = %#v\nwant %#v", got, want)
	}
}

func TestDecodeLinesAfterMultiLineString(t *testing.T) {
	v := mustDecode(t, "{\"e\": \"[concat('a',\n   'b')]\",\n \"next\": 1}")
	if got := v.Get("next").Loc; got.Line != 3 || got.Column != 10 {
		t.Errorf("next at %+v, want 3:10", got)
	}
}
