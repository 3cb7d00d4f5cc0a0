package eval

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Bar draws a one-line progress bar, redrawn in place with \r, at most every 100ms. Use
// it only on a terminal; in CI logs the redraws would pile up.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	last  time.Time
	stage string
	drawn bool
}

// NewBar returns a bar writing to w.
func NewBar(w io.Writer) *Bar { return &Bar{w: w, now: time.Now} }

// Update redraws the bar for a stage; total 0 shows a count without a bar.
func (b *Bar) Update(stage string, done, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.now()
	if stage == b.stage && t.Sub(b.last) < 100*time.Millisecond && done != total {
		return
	}
	b.stage, b.last, b.drawn = stage, t, true
	if total <= 0 {
		fmt.Fprintf(b.w, "\r\x1b[K%s %d", stage, done)
		return
	}
	const width = 30
	f := min(float64(done)/float64(total), 1)
	n := int(f * width)
	fmt.Fprintf(b.w, "\r\x1b[K%-28.28s [%s%s] %3.0f%%", stage, strings.Repeat("=", n), strings.Repeat(" ", width-n), f*100)
}

// Done clears the bar's line.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = false
	}
}
