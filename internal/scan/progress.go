package scan

import (
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Stages of a scan, as Progress reports them.
const (
	StageRead     = "read"     // front ends reading and parsing the input files
	StageEvaluate = "evaluate" // rules judging the resources
)

// Progress is a snapshot of a running scan: Done of Total files read, or resources
// evaluated, in the current stage.
type Progress struct {
	Stage string
	Done  int
	Total int
}

// countingFS tells Run how many of the input files the front ends have opened. Only
// the files handed to them count, each once: Bicep modules and re-reads do not.
type countingFS struct {
	fs.FS
	want  map[string]bool
	mu    sync.Mutex
	seen  map[string]bool
	total int
	done  atomic.Int64
	tell  func(Progress)
}

func newCountingFS(fsys fs.FS, files []File, tell func(Progress)) *countingFS {
	want := make(map[string]bool, len(files))
	for _, f := range files {
		want[f.Path] = true
	}
	return &countingFS{FS: fsys, want: want, seen: map[string]bool{}, total: len(want), tell: tell}
}

func (c *countingFS) count(name string) {
	if !c.want[name] {
		return
	}
	c.mu.Lock()
	first := !c.seen[name]
	c.seen[name] = true
	c.mu.Unlock()
	if first {
		c.tell(Progress{Stage: StageRead, Done: int(c.done.Add(1)), Total: c.total})
	}
}

func (c *countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err == nil {
		c.count(name)
	}
	return f, err
}

// ReadFile, Stat and ReadDir keep the optional fast paths of the wrapped FS.
func (c *countingFS) ReadFile(name string) ([]byte, error) {
	data, err := fs.ReadFile(c.FS, name)
	if err == nil {
		c.count(name)
	}
	return data, err
}

func (c *countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

func (c *countingFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(c.FS, name) }

var (
	_ fs.ReadFileFS = (*countingFS)(nil)
	_ fs.StatFS     = (*countingFS)(nil)
	_ fs.ReadDirFS  = (*countingFS)(nil)
)

// barWidth is the number of cells in the bar; the whole line stays under 80 columns.
const barWidth = 24

// RenderBar draws one progress line, without the leading carriage return:
//
//	reading files        [#########...............]  38%    380/1000  1.2s
func RenderBar(p Progress, elapsed time.Duration) string {
	label := "reading files"
	if p.Stage == StageEvaluate {
		label = "evaluating resources"
	}
	done, total := max(p.Done, 0), max(p.Total, 0)
	if done > total {
		total = done
	}
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	fill := barWidth
	if total > 0 {
		fill = done * barWidth / total
	}
	bar := strings.Repeat("#", fill) + strings.Repeat(".", barWidth-fill)
	return fmt.Sprintf("%-20s [%s] %3d%% %6d/%d  %s", label, bar, pct, done, total, formatElapsed(elapsed))
}

// formatElapsed gives tenths of a second under a minute, then minutes and seconds.
func formatElapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
}

// Bar redraws a progress line in place on a terminal. Update may be called from many
// goroutines and as often as every file or resource: it only records the state, and a
// ticker draws it a few times a second. Nothing is drawn before Delay has passed, so
// short scans leave the terminal alone.
type Bar struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
	delay time.Duration

	mu      sync.Mutex
	cur     Progress
	drawn   bool // something is on the line
	last    string
	stop    chan struct{}
	stopped chan struct{}
}

// NewBar starts a bar writing to w (a terminal), drawing every interval once delay has
// passed. now is the clock (time.Now outside tests).
func NewBar(w io.Writer, now func() time.Time, delay, interval time.Duration) *Bar {
	b := &Bar{w: w, now: now, start: now(), delay: delay, stop: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(b.stopped)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-t.C:
				b.draw()
			}
		}
	}()
	return b
}

// Update records the scan's progress; pass it as Options.Progress.
func (b *Bar) Update(p Progress) {
	b.mu.Lock()
	// Workers report out of order: never let the count step back within a stage.
	if p.Stage != b.cur.Stage || p.Done > b.cur.Done || p.Total != b.cur.Total {
		b.cur = p
	}
	b.mu.Unlock()
}

func (b *Bar) draw() {
	b.mu.Lock()
	defer b.mu.Unlock()
	el := b.now().Sub(b.start)
	if b.cur.Stage == "" || el < b.delay {
		return
	}
	line := RenderBar(b.cur, el)
	if line == b.last {
		return
	}
	fmt.Fprintf(b.w, "\r%s\x1b[K", line)
	b.drawn, b.last = true, line
}

// Stop ends the redraws and clears the line, so the report starts on a clean one.
func (b *Bar) Stop() {
	close(b.stop)
	<-b.stopped
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}
