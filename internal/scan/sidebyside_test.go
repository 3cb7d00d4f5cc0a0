package scan

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Pieces made side by side come out in order, with the separator dropped only at the
// very start, whatever the count and however the batches fall.
func TestWriteSideBySide(t *testing.T) {
	piece := func(dst []byte, i int) []byte {
		if i%7 == 3 { // some pieces give nothing, as passes do in SARIF
			return dst
		}
		dst = append(dst, ',')
		return strconv.AppendInt(dst, int64(i), 10)
	}
	maker := func() batchFunc {
		return func(dst []byte, lo, hi int) ([]byte, error) {
			for i := lo; i < hi; i++ {
				dst = piece(dst, i)
			}
			return dst, nil
		}
	}
	for _, n := range []int{0, 1, 3, pieceBatch - 1, pieceBatch, pieceBatch + 1, 5*pieceBatch + 17, 40 * pieceBatch} {
		for _, drop := range []int{0, 1} {
			t.Run(fmt.Sprintf("n=%d drop=%d", n, drop), func(t *testing.T) {
				var want []byte
				for i := range n {
					want = piece(want, i)
				}
				want = want[min(drop, len(want)):]
				var got bytes.Buffer
				if err := writeSideBySide(&got, n, maker, drop); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Fatalf("got %d bytes, want %d; first difference at %d", got.Len(), len(want), firstDiff(got.Bytes(), want))
				}
			})
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

type failAfter struct{ left int }

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.left--; f.left < 0 {
		return 0, errFull
	}
	return len(p), nil
}

// A failure to make a batch or to write one is the answer, and nothing is left
// running (the test runs with -race in CI's fuzz-free pass too).
func TestWriteSideBySideFails(t *testing.T) {
	before := runtime.NumGoroutine()
	bad := errors.New("cannot encode")
	failing := func() batchFunc {
		return func(dst []byte, lo, hi int) ([]byte, error) {
			if lo >= 3*pieceBatch {
				return dst, bad
			}
			return append(dst, 'x'), nil
		}
	}
	if err := writeSideBySide(&bytes.Buffer{}, 20*pieceBatch, failing, 0); !errors.Is(err, bad) {
		t.Errorf("encoding failure: got %v", err)
	}
	ok := func() batchFunc {
		return func(dst []byte, lo, hi int) ([]byte, error) { return append(dst, 'x'), nil }
	}
	if err := writeSideBySide(&failAfter{left: 2}, 20*pieceBatch, ok, 0); !errors.Is(err, errFull) {
		t.Errorf("write failure: got %v", err)
	}
	for wait := 0; runtime.NumGoroutine() > before; wait++ {
		if wait == 100 {
			t.Fatalf("%d goroutines left running", runtime.NumGoroutine()-before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
