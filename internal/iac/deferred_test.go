package iac

import (
	"reflect"
	"strings"
	"testing"
)

// TestDecodeJSONDeferred checks that a deferred array's items, decoded one at a
// time, are the values DecodeJSON gives (places included), and that documents the
// deferral does not fit are decoded whole, errors worded as DecodeJSON words them.
func TestDecodeJSONDeferred(t *testing.T) {
	deferred := []string{
		`{"a": 1, "resources": [{"x": [1, 2, {"y": "z"}]}, "s", 3, null, true, []], "b": {"c": "d"}}`,
		"\ufeff{\n  // comment\n  \"Resources\": [\n    {\"k\": \"caf\u00e9\", /* c */ \"v\": \"a\\nb\\u00e9\"},\n\t{\"n\": -1.5e3}\n  ],\n  \"outputs\": {}\n}\n",
		`{"resources": []}`,
		`{"resources":[{"a":"` + strings.Repeat("é", 40) + `","b":{"c":[` + strings.Repeat(`"x",`, 50) + `"y"]}},{"q":"\"quoted\""}],"z":"` + strings.Repeat("ü", 10) + `"}`,
		`{"x": {"resources": [1]}, "resources": [{"deep": {"resources": [2]}}]}`,
	}
	for _, src := range deferred {
		want, err := DecodeJSON("t.json", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		root, lazy, err := DecodeJSONDeferred("t.json", []byte(src), "resources")
		if err != nil || lazy == nil {
			t.Fatalf("%q: deferred %v, error %v", src, lazy, err)
		}
		_, arr := root.FieldKey("resources")
		if arr != lazy.Array || len(arr.Items) != 0 {
			t.Fatalf("%q: the root does not hold the placeholder", src)
		}
		for i := range lazy.Len() {
			arr.Items = append(arr.Items, lazy.Item(i))
		}
		if !reflect.DeepEqual(root, want) {
			t.Errorf("%q: deferred decode differs from DecodeJSON:\n got %s\nwant %s", src, root, want)
		}
		// Items may be asked for again, in any order.
		if lazy.Len() > 1 && !reflect.DeepEqual(lazy.Item(1), want.Field("resources").Items[1]) {
			t.Errorf("%q: item 1 asked again differs", src)
		}
	}
	whole := []string{
		`[1, 2]`,
		`{"a": 1}`,
		`{"resources": {"sym": {}}}`,
		`{"resources": [1], "Resources": [2]}`,
		`{"resources": [1, 2,]}`,
		`{"resources": [{"a" 1}]}`,
		`{"resources": [1]} x`,
		`{"resources": ["unterminated]}`,
	}
	for _, src := range whole {
		want, wantErr := DecodeJSON("t.json", []byte(src))
		root, lazy, err := DecodeJSONDeferred("t.json", []byte(src), "resources")
		if lazy != nil {
			t.Errorf("%q: deferred, want decoded whole", src)
		}
		if !reflect.DeepEqual(root, want) || !reflect.DeepEqual(err, wantErr) {
			t.Errorf("%q: got %v, %v; want %v, %v", src, root, err, want, wantErr)
		}
	}
}
