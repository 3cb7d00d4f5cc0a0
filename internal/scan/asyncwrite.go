package scan

import (
	"io"
	"sync/atomic"
)

// asyncWriter hands the report to a goroutine in large buffers, so that making the
// report and writing it (a 40,000-resource scan writes 240 MB of JSON) overlap on two
// cores. Bytes reach w in order; the first error w returns stops the writing, is
// returned by every later Write and by Close.
type asyncWriter struct {
	w    io.Writer
	buf  []byte
	full chan []byte
	free chan []byte
	done chan struct{}
	err  atomic.Pointer[error]
}

const asyncBuffer = 256 << 10

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{w: w, full: make(chan []byte, 2), free: make(chan []byte, 3), done: make(chan struct{})}
	for range 2 {
		a.free <- make([]byte, 0, asyncBuffer)
	}
	a.buf = make([]byte, 0, asyncBuffer)
	go func() {
		defer close(a.done)
		for b := range a.full {
			if a.err.Load() == nil {
				if _, err := a.w.Write(b); err != nil {
					a.err.Store(&err)
				}
			}
			a.free <- b[:0]
		}
	}()
	return a
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	if e := a.err.Load(); e != nil {
		return 0, *e
	}
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), cap(a.buf)-len(a.buf))
		a.buf = append(a.buf, p[:k]...)
		p = p[k:]
		if len(a.buf) == cap(a.buf) {
			a.full <- a.buf
			a.buf = <-a.free
		}
	}
	return n, nil
}

// Close hands over what is left, waits until all is written and returns the first
// error.
func (a *asyncWriter) Close() error {
	if len(a.buf) > 0 {
		a.full <- a.buf
		a.buf = nil
	}
	close(a.full)
	<-a.done
	if e := a.err.Load(); e != nil {
		return *e
	}
	return nil
}
