package scan

import (
	"io"
	"runtime"
)

// A batchFunc appends the pieces lo to hi-1 of a report part (its lines, its
// results) to dst.
type batchFunc func(dst []byte, lo, hi int) ([]byte, error)

// pieceBatch is how many pieces writeSideBySide makes in one batch: a few hundred
// kilobytes of report.
const pieceBatch = 512

// writeSideBySide writes the n pieces of a report part in batches of pieceBatch made
// on every processor, each by a batchFunc of maker's used by one goroutine only, and
// written in order as they are done. At most one batch per processor is ahead of the
// writer, and their buffers go round, so the report is never held whole while its
// encoding overlaps its writing (a scan collects nothing below its heap budget: what
// is allocated here stays until the process ends). drop bytes are left out at the very start of what is written (a
// separator that every batch puts before each piece, when the first piece has none).
func writeSideBySide(w io.Writer, n int, maker func() batchFunc, drop int) error {
	type batch struct {
		buf  []byte
		err  error
		done chan struct{}
	}
	nb := (n + pieceBatch - 1) / pieceBatch
	workers := runtime.GOMAXPROCS(0)
	ahead := make(chan struct{}, workers) // handed out and not yet written
	next := make(chan int)
	stop := make(chan struct{})
	defer close(stop)
	batches := make([]batch, nb)
	for k := range batches {
		batches[k].done = make(chan struct{})
	}
	free := make(chan []byte, workers+1)
	go func() { // hands the batches out in order, one per free slot
		defer close(next)
		for k := range nb {
			select {
			case ahead <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case next <- k:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			fill := maker()
			for k := range next {
				b := &batches[k]
				select {
				case b.buf = <-free:
				default:
				}
				b.buf, b.err = fill(b.buf[:0], k*pieceBatch, min(n, (k+1)*pieceBatch))
				close(b.done)
			}
		}()
	}
	for k := range batches {
		b := &batches[k]
		<-b.done
		if b.err != nil {
			return b.err
		}
		out := b.buf
		if d := min(drop, len(out)); d > 0 {
			out, drop = out[d:], drop-d
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
		select {
		case free <- b.buf[:0]:
		default:
		}
		b.buf = nil
		<-ahead
	}
	return nil
}
