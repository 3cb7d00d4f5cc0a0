package scan

import (
	"bytes"
	"errors"
	"testing"
)

// TestAsyncWriter checks that every byte arrives in order, in writes of any size, and
// that an error of the writer underneath comes back.
func TestAsyncWriter(t *testing.T) {
	var want, got bytes.Buffer
	a := newAsyncWriter(&got)
	for i := range 5000 {
		p := bytes.Repeat([]byte{byte(i)}, i%700+i/40*37)
		want.Write(p)
		if n, err := a.Write(p); n != len(p) || err != nil {
			t.Fatalf("write %d: %d, %v", i, n, err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("%d bytes arrived, want the %d written, in order", got.Len(), want.Len())
	}

	boom := errors.New("disk full")
	a = newAsyncWriter(failWriter{boom})
	var err error
	for range 100 {
		if _, err = a.Write(make([]byte, asyncBuffer/3)); err != nil {
			break
		}
	}
	if !errors.Is(err, boom) {
		t.Errorf("later writes gave %v, want %v", err, boom)
	}
	if err := a.Close(); !errors.Is(err, boom) {
		t.Errorf("Close gave %v, want %v", err, boom)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }
