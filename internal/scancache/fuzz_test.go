package scancache

import (
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the entry decoder, whole files and bodies past
// the checksum, which a hostile or damaged cache directory could hold. The decoder
// must return an error or an entry, never panic or allocate beyond the input; an
// entry it reads must encode and decode to itself.
func FuzzDecode(f *testing.F) {
	cat := builtin(f)
	key := Key{7}
	ent := sampleEntry(f, cat)
	data, err := Encode(key, ent, cat)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(data[headerSize:])
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Decode(b, key, cat)
		got, err := decodeBody(b, cat, false)
		if err != nil {
			return
		}
		again, err := Encode(key, got, cat)
		if err != nil {
			return // e.g. values nested past the bound: never written
		}
		back, err := Decode(again, key, cat)
		if err != nil {
			t.Fatalf("an entry the decoder read does not read back: %v", err)
		}
		if !reflect.DeepEqual(back, got) {
			t.Fatal("an entry changed through Encode and Decode")
		}
	})
}
