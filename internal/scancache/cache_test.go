package scancache

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
	"github.com/awaf/awaf/internal/rules"
)

func builtin(t testing.TB) *rules.Catalog {
	t.Helper()
	c, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// template is an ARM template with values of every kind, unknowns, copies, nested
// objects and arrays, and rules that pass, fail, give unknowns and are left for
// Finish.
const template = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "parameters": {"location": {"type": "string"}, "pna": {"type": "string", "defaultValue": "Disabled"}},
  "resources": [
    {"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[format('oai-{0}', copyIndex())]", "copy": {"name": "a", "count": 2},
     "location": "[parameters('location')]", "kind": "OpenAI", "sku": {"name": "S0"}, "tags": {"env": "prod", "n": 1.5, "neg": -0.0, "none": null, "list": [true, false, "x", [1, 2]]},
     "properties": {"disableLocalAuth": true, "publicNetworkAccess": "[parameters('pna')]", "customSubDomainName": "[format('oai-{0}', copyIndex())]"}},
    {"type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2024-10-01", "name": "oai-0/chat", "dependsOn": ["a"],
     "sku": {"name": "GlobalStandard", "capacity": 10}, "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}}},
    {"type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pe", "location": "[parameters('location')]",
     "properties": {"privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "[resourceId('Microsoft.CognitiveServices/accounts', 'oai-1')]", "groupIds": ["account"]}}]}},
    {"type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "diag", "scope": "[format('Microsoft.CognitiveServices/accounts/{0}', 'oai-0')]",
     "properties": {"logs": [{"categoryGroup": "allLogs", "enabled": true}]}},
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "st", "location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"},
     "zones": ["1", "2"], "properties": {"minimumTlsVersion": "TLS1_2"}}
  ]}`

// sampleEntry reads the template and judges it as a scan does, returning the entry
// a scan would store.
func sampleEntry(t testing.TB, cat *rules.Catalog) *Entry {
	t.Helper()
	fsys := fstest.MapFS{"t/azuredeploy.json": {Data: []byte(template)}}
	sess := cat.Start(rules.Options{})
	kept, diags, err := (&arm.Scanner{}).Scan(context.Background(), fsys, []string{"t/azuredeploy.json"}, sess.Sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) < 5 {
		t.Fatalf("%d resources", len(kept))
	}
	ent := &Entry{
		Reads:      []Read{{"t/azuredeploy.json", State{Kind: File, Sum: [32]byte{1, 2, 3}}}, {"t/azuredeploy.parameters.json", State{Kind: Missing}}, {"t", State{Kind: Dir, Sum: [32]byte{9}}}},
		Resources:  kept,
		Notes:      make([]*rules.Note, len(kept)),
		Diags:      append(diags, iac.Diagnostic{Severity: iac.DiagWarning, Message: "a warning", Loc: awaf.Location{File: "t/azuredeploy.json", Line: 3, Column: 7}}),
		ScanDiags:  []iac.Diagnostic{},
		Signals:    []Signal{{Key: "model", Type: "Microsoft.CognitiveServices/accounts/deployments", Name: "oai-0/chat", Loc: awaf.Location{File: "t/azuredeploy.json", Line: 6}}, {Region: true, Key: "westeurope", Type: "Microsoft.Storage/storageAccounts", Name: "st"}},
		Components: []string{"openai", "storage"},
	}
	notes, pending := 0, 0
	for i := range kept {
		if n, ok := sess.Note(kept[i].Judgement); ok {
			ent.Notes[i] = &n
			notes++
			pending += len(n.Pending)
		}
		kept[i].Judgement = iac.Judgement{}
	}
	if notes == 0 || pending == 0 {
		t.Fatalf("%d notes, %d rules left for Finish: the sample misses a case", notes, pending)
	}
	return ent
}

func TestRoundTrip(t *testing.T) {
	cat := builtin(t)
	ent := sampleEntry(t, cat)
	key := Key{42}
	data, err := Encode(key, ent, cat)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(data, key, cat)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ent) {
		for i := range ent.Resources {
			if !reflect.DeepEqual(got.Resources[i], ent.Resources[i]) {
				t.Errorf("resource %d:\ngot  %+v\nwant %+v", i, got.Resources[i], ent.Resources[i])
			}
			if !reflect.DeepEqual(got.Notes[i], ent.Notes[i]) {
				t.Errorf("note %d:\ngot  %+v\nwant %+v", i, got.Notes[i], ent.Notes[i])
			}
		}
		t.Fatal("entry changed through Encode and Decode")
	}
	if _, err := Decode(data, Key{43}, cat); err == nil {
		t.Error("an entry read under another key")
	}
	// Encoding is deterministic: two scans write the same bytes.
	again, _ := Encode(key, ent, cat)
	if !bytes.Equal(again, data) {
		t.Error("two encodings of one entry differ")
	}
	// Every shortening and every single-byte change is refused.
	for n := range len(data) {
		if _, err := Decode(data[:n], key, cat); err == nil {
			t.Fatalf("entry cut to %d of %d bytes was read", n, len(data))
		}
	}
	for i := 0; i < len(data); i += 7 {
		bad := bytes.Clone(data)
		bad[i] ^= 0x20
		if _, err := Decode(bad, key, cat); err == nil {
			t.Fatalf("entry with byte %d changed was read", i)
		}
	}
}

// TestCodecKnowsEveryField fails when a type the entries store gains a field: the
// codec must then store it too, or a cached scan would lose it.
func TestCodecKnowsEveryField(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want string
	}{
		{iac.Resource{}, "Type APIVersion Name Kind Location SKU Identity Tags Properties Parent DependsOn ID Loc Via Source Zones Scope Condition Existing Metadata Judgement"},
		{iac.Value{}, "Kind Bool Number Str Items Fields Keys Why Loc"},
		{rules.Finding{}, "Rule Status Resource Loc Message Unresolved Workload Suppression"},
		{rules.Unresolved{}, "Why Loc Count More"},
		{rules.Note{}, "Local LocalAt Pending"},
		{iac.Diagnostic{}, "Severity Message Loc"},
		{awaf.Location{}, "File Line Column"},
	} {
		rt := reflect.TypeOf(tt.v)
		var names []string
		for i := range rt.NumField() {
			names = append(names, rt.Field(i).Name)
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("%s has fields %s; the cache codec stores %s: teach codec.go the new ones and bump Version", rt, got, tt.want)
		}
	}
}

func TestTracker(t *testing.T) {
	fsys := fstest.MapFS{
		"a/x.json":  {Data: []byte("one")},
		"a/y.json":  {Data: []byte("two")},
		"b/m.bicep": {Data: []byte("module m 'br:contoso.azurecr.io/m:1' = {}")},
	}
	tr := Track(fsys)
	if data, err := tr.ReadFile("a/x.json"); err != nil || string(data) != "one" {
		t.Fatalf("ReadFile: %q %v", data, err)
	}
	if _, err := tr.Stat("a/missing.json"); err == nil {
		t.Fatal("Stat of a missing file")
	}
	if des, err := tr.ReadDir("a"); err != nil || len(des) != 2 {
		t.Fatalf("ReadDir: %v %v", des, err)
	}
	f, err := tr.Open("a/y.json")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	_, _ = b.ReadFrom(f)
	f.Close()
	if b.String() != "two" {
		t.Fatalf("Open read %q", b.String())
	}
	reads := tr.Reads()
	var paths []string
	for _, r := range reads {
		paths = append(paths, fmt.Sprintf("%s:%d", r.Path, r.State.Kind))
	}
	if got := strings.Join(paths, " "); got != "a:2 a/missing.json:0 a/x.json:1 a/y.json:1" {
		t.Errorf("reads %s", got)
	}
	if !tr.Cacheable() || !Unchanged(fsys, reads) {
		t.Fatal("nothing changed, yet not cacheable or changed")
	}
	for name, edit := range map[string]func(m fstest.MapFS){
		"content":        func(m fstest.MapFS) { m["a/x.json"] = &fstest.MapFile{Data: []byte("ONE")} },
		"file added":     func(m fstest.MapFS) { m["a/missing.json"] = &fstest.MapFile{Data: []byte("{}")} },
		"file deleted":   func(m fstest.MapFS) { delete(m, "a/y.json") },
		"dir listing":    func(m fstest.MapFS) { m["a/z.txt"] = &fstest.MapFile{Data: []byte("")} },
		"file now a dir": func(m fstest.MapFS) { delete(m, "a/x.json"); m["a/x.json/inner"] = &fstest.MapFile{} },
	} {
		m := fstest.MapFS{}
		for k, v := range fsys {
			m[k] = v
		}
		edit(m)
		if Unchanged(m, reads) {
			t.Errorf("%s: change not seen", name)
		}
	}
	// A Bicep file naming a registry module is read from outside the tree.
	if _, err := tr.ReadFile("b/m.bicep"); err != nil {
		t.Fatal(err)
	}
	if tr.Cacheable() {
		t.Error("a Bicep file with a registry module is cacheable")
	}
}

func TestGetPut(t *testing.T) {
	cat := builtin(t)
	ent := sampleEntry(t, cat)
	dir := t.TempDir()
	var warnings []string
	var mu sync.Mutex
	c, err := Open(dir, Options{Build: "x", Warn: func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Salted(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := s.Key("arm", []string{"t/azuredeploy.json"})
	if _, ok := s.Get(k, cat); ok {
		t.Fatal("hit in an empty cache")
	}
	// Writers and readers at once: a reader sees no entry or a whole one.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if i%2 == 0 {
				s.Put(k, ent, cat)
				return
			}
			if got, ok := s.Get(k, cat); ok && len(got.Resources) != len(ent.Resources) {
				t.Errorf("read part of an entry: %d resources", len(got.Resources))
			}
		})
	}
	wg.Wait()
	got, ok := s.Get(k, cat)
	if !ok || !reflect.DeepEqual(got, ent) {
		t.Fatal("entry not read back whole")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*"+tmpExt)); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %v", warnings)
	}
	// Another profile or build is another key.
	p, _ := c.Salted(cat, &awaf.Profile{Criticality: awaf.MissionCritical})
	if p.Key("arm", []string{"t/azuredeploy.json"}) == k {
		t.Error("the profile does not change the key")
	}
	c2, _ := Open(dir, Options{Build: "y"})
	s2, _ := c2.Salted(cat, nil)
	if s2.Key("arm", []string{"t/azuredeploy.json"}) == k {
		t.Error("the build does not change the key")
	}
	// A damaged entry is a miss with a warning, and is removed.
	if err := os.WriteFile(s.path(k), []byte("awafscc\nrubbish"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Get(k, cat); ok {
		t.Fatal("damaged entry used")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "damaged") {
		t.Errorf("warnings %q", warnings)
	}
	if _, err := os.Stat(s.path(k)); err == nil {
		t.Error("damaged entry kept")
	}
}

func TestTrim(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	c, err := Open(dir, Options{Build: "x", MaxBytes: 10_000, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	// Twenty 1,000-byte entries, the first the oldest; a stale temporary file, a
	// fresh one, and a file the cache did not write.
	for i := range 20 {
		p := filepath.Join(dir, fmt.Sprintf("%064d%s", i, entryExt))
		if err := os.WriteFile(p, make([]byte, 1000), 0o644); err != nil {
			t.Fatal(err)
		}
		at := now.Add(time.Duration(i-20) * time.Minute)
		_ = os.Chtimes(p, at, at)
	}
	for name, age := range map[string]time.Duration{"old" + tmpExt: 2 * time.Hour, "new" + tmpExt: time.Minute} {
		p := filepath.Join(dir, name)
		_ = os.WriteFile(p, []byte("x"), 0o644)
		_ = os.Chtimes(p, now.Add(-age), now.Add(-age))
	}
	_ = os.WriteFile(filepath.Join(dir, "README"), []byte("mine"), 0o644)
	if err := c.Trim(); err != nil {
		t.Fatal(err)
	}
	size, _ := c.Size()
	if size > 7500 || size < 7000 {
		t.Errorf("trimmed to %d bytes, want three quarters of 10,000", size)
	}
	des, _ := os.ReadDir(dir)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	if slices.Contains(names, fmt.Sprintf("%064d%s", 0, entryExt)) || !slices.Contains(names, fmt.Sprintf("%064d%s", 19, entryExt)) {
		t.Errorf("the oldest entry stayed or the newest went: %v", names)
	}
	if slices.Contains(names, "old"+tmpExt) || !slices.Contains(names, "new"+tmpExt) || !slices.Contains(names, "README") {
		t.Errorf("temporary or foreign files handled wrongly: %v", names)
	}
}

// Current, which Unchanged checks entries with, must give for every path what the
// tracker noted of it when the entry was made.
func TestCurrentAgreesWithTracker(t *testing.T) {
	const anyKind = StateKind(255)
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 10<<10) // past the hashing buffer
	for name, data := range map[string][]byte{"t/big.json": big, "t/empty.json": {}, "t/sub/x.tf": []byte("x")} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, fsys := range []fs.FS{os.DirFS(dir), fstest.MapFS{"t/big.json": {Data: big}, "t/empty.json": {}, "t/sub/x.tf": {Data: []byte("x")}}} {
		tr := Track(fsys)
		for _, tt := range []struct {
			name string
			want StateKind
		}{
			{"t/big.json", File},
			{"t/empty.json", File},
			{"t", Dir},
			{"t/sub", Dir},
			{"t/missing.json", Missing},
			{"t/big.json/inner", anyKind}, // a file is not a directory: as the FS says
		} {
			_, _ = tr.Stat(tt.name)
			got := Current(fsys, tt.name)
			if tt.want != anyKind && got.Kind != tt.want {
				t.Errorf("%T %s: kind %d, want %d", fsys, tt.name, got.Kind, tt.want)
			}
			for _, r := range tr.Reads() {
				if r.Path == tt.name && r.State != got {
					t.Errorf("%T %s: tracker noted %v, Current gives %v", fsys, tt.name, r.State, got)
				}
			}
		}
	}
}

// Any byte of an entry changed, or the entry cut short, makes it damaged: the header
// by its checks, the body by its checksum.
func TestDamageIsSeen(t *testing.T) {
	cat := builtin(t)
	key := Key{3}
	data, err := Encode(key, sampleEntry(t, cat), cat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(data, key, cat); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		for _, flip := range []byte{0x01, 0x80, 0xff} {
			bad := slices.Clone(data)
			bad[i] ^= flip
			if _, err := Decode(bad, key, cat); err == nil {
				t.Fatalf("byte %d of %d changed (^%#x): entry read", i, len(data), flip)
			}
		}
	}
	for _, n := range []int{0, headerSize, len(data) / 2, len(data) - 1} {
		if _, err := Decode(data[:n], key, cat); err == nil {
			t.Errorf("entry cut to %d bytes read", n)
		}
	}
	if _, err := Decode(append(slices.Clone(data), 0), key, cat); err == nil {
		t.Error("entry with a byte more read")
	}
}
