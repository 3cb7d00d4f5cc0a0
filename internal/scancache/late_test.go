package scancache

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf/internal/iac/arm"
	"github.com/awaf/awaf/internal/rules"
)

// sampleLate judges the sample template as a scan through the cache does and gives
// what Finish judged of it by the rules left for it.
func sampleLate(t testing.TB, cat *rules.Catalog) *rules.Late {
	t.Helper()
	fsys := fstest.MapFS{"t/azuredeploy.json": {Data: []byte(template)}}
	sess := cat.Start(rules.Options{})
	kept, _, err := (&arm.Scanner{}).Scan(context.Background(), fsys, []string{"t/azuredeploy.json"}, sess.Sink)
	if err != nil {
		t.Fatal(err)
	}
	sp := &rules.Span{N: len(kept), ID: [32]byte{7}}
	sess.Reuse([]*rules.Span{sp})
	if _, err := sess.Finish(context.Background(), kept); err != nil {
		t.Fatal(err)
	}
	if sp.Now == nil {
		t.Fatal("Finish kept nothing of the span")
	}
	n := 0
	for _, r := range sp.Now.Res {
		n += len(r.Findings)
	}
	if n == 0 {
		t.Fatal("no late findings: the sample misses a case")
	}
	return sp.Now
}

func TestLateRoundTrip(t *testing.T) {
	cat := builtin(t)
	late := sampleLate(t, cat)
	key, id := LateKey(Key{42}), [32]byte{7}
	data, err := EncodeLate(key, id, late, cat)
	if err != nil {
		t.Fatal(err)
	}
	gotID, got, err := DecodeLate(data, key, cat)
	if err != nil {
		t.Fatal(err)
	}
	if gotID != id || !reflect.DeepEqual(got, late) {
		t.Fatalf("late entry changed through EncodeLate and DecodeLate:\ngot  %+v\nwant %+v", got, late)
	}
	if again, _ := EncodeLate(key, id, late, cat); !bytes.Equal(again, data) {
		t.Error("two encodings of one late entry differ")
	}
	for n := range len(data) {
		if _, _, err := DecodeLate(data[:n], key, cat); err == nil {
			t.Fatalf("late entry cut to %d of %d bytes was read", n, len(data))
		}
	}
	for i := 0; i < len(data); i += 5 {
		bad := bytes.Clone(data)
		bad[i] ^= 0x20
		if _, _, err := DecodeLate(bad, key, cat); err == nil {
			t.Fatalf("late entry with byte %d changed was read", i)
		}
	}

	// Through a cache directory: read back under its id only; a damaged one is a
	// miss with a warning.
	var warned []string
	c, err := Open(t.TempDir(), Options{Build: "x", Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	c.PutLate(key, id, late, cat)
	if got, ok := c.GetLate(key, id, cat); !ok || !reflect.DeepEqual(got, late) {
		t.Fatalf("GetLate: %v", ok)
	}
	if _, ok := c.GetLate(key, [32]byte{8}, cat); ok {
		t.Error("a late entry judged on other content was used")
	}
	if _, ok := c.GetLate(LateKey(Key{43}), id, cat); ok {
		t.Error("a missing late entry was found")
	}
	if err := os.WriteFile(c.path(key), data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.GetLate(key, id, cat); ok || len(warned) == 0 {
		t.Errorf("a damaged late entry: used %v, warnings %q", ok, warned)
	}
}
