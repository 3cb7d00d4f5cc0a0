package scancache

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

// StateKind says what a path was when a front end looked at it.
type StateKind uint8

// Path states.
const (
	Missing StateKind = iota
	File              // Sum is the SHA-256 of its content
	Dir               // Sum is the SHA-256 of its entries' names and kinds
	// Unreadable: reading it failed otherwise than by its absence. An entry that
	// read such a path is never used.
	Unreadable
	kindLast = Unreadable
)

// State is what a path was.
type State struct {
	Kind StateKind
	Sum  [32]byte
}

// Read is one path a front end looked at and what it found.
type Read struct {
	Path  string
	State State
}

// Tracker is an fs.FS that records every path read through it, with the state found,
// so that a cache entry can name everything its result depends on. A file is read
// whole when first opened and served from that copy: the front end reads exactly
// the bytes that were hashed. It may be used from several goroutines.
type Tracker struct {
	fsys fs.FS
	mu   sync.Mutex
	seen map[string]State
	// Registry is set when a Bicep file read names a registry module or template
	// spec ('br:', 'br/', 'ts:', 'ts/'): those are read from outside the scanned tree,
	// where the tracker cannot see changes, so the result must not be cached.
	registry bool
}

// Track wraps fsys.
func Track(fsys fs.FS) *Tracker { return &Tracker{fsys: fsys, seen: map[string]State{}} }

var (
	_ fs.StatFS     = (*Tracker)(nil)
	_ fs.ReadDirFS  = (*Tracker)(nil)
	_ fs.ReadFileFS = (*Tracker)(nil)
)

// Reads gives the paths read so far, sorted.
func (t *Tracker) Reads() []Read {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Read, 0, len(t.seen))
	for p, s := range t.seen {
		out = append(out, Read{p, s})
	}
	slices.SortFunc(out, func(a, b Read) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Cacheable reports whether everything read can be checked again later.
func (t *Tracker) Cacheable() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.registry {
		return false
	}
	for _, s := range t.seen {
		if s.Kind == Unreadable {
			return false
		}
	}
	return true
}

func (t *Tracker) note(name string, s State, data []byte) {
	reg := data != nil && isBicep(name) && namesRegistry(data)
	t.mu.Lock()
	t.seen[name] = s
	t.registry = t.registry || reg
	t.mu.Unlock()
}

func isBicep(name string) bool {
	low := strings.ToLower(name)
	return strings.HasSuffix(low, ".bicep") || strings.HasSuffix(low, ".bicepparam")
}

func namesRegistry(data []byte) bool {
	for _, p := range []string{"'br:", "'br/", "'ts:", "'ts/"} {
		if bytes.Contains(data, []byte(p)) {
			return true
		}
	}
	return false
}

// look reads name's state; for a file, also its content.
func look(fsys fs.FS, name string) (State, []byte, []fs.DirEntry, fs.FileInfo, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return State{Kind: Missing}, nil, nil, nil, err
		}
		return State{Kind: Unreadable}, nil, nil, nil, err
	}
	if info.IsDir() {
		des, err := fs.ReadDir(fsys, name)
		if err != nil {
			return State{Kind: Unreadable}, nil, nil, info, err
		}
		return State{Kind: Dir, Sum: dirSum(des)}, nil, des, info, nil
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return State{Kind: Unreadable}, nil, nil, info, err
	}
	return State{Kind: File, Sum: sha256.Sum256(data)}, data, nil, info, nil
}

// dirSum gives a directory's Sum: of its entries' names and kinds, in name order.
func dirSum(des []fs.DirEntry) [32]byte {
	h := sha256.New()
	for _, de := range des {
		h.Write([]byte(de.Name()))
		if de.IsDir() {
			h.Write([]byte{0, 1})
		} else {
			h.Write([]byte{0, 0})
		}
	}
	return [32]byte(h.Sum(nil))
}

// Current gives the state of name in fsys now, as look would, opening it once and
// hashing a file as it is read instead of holding its content.
func Current(fsys fs.FS, name string) State {
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return State{Kind: Missing}
		}
		return State{Kind: Unreadable}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return State{Kind: Unreadable}
	}
	if info.IsDir() {
		d, ok := f.(fs.ReadDirFile)
		if !ok {
			return State{Kind: Unreadable}
		}
		des, err := d.ReadDir(-1)
		if err != nil {
			return State{Kind: Unreadable}
		}
		slices.SortFunc(des, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
		return State{Kind: Dir, Sum: dirSum(des)}
	}
	h := sha256.New()
	bp := copyBufs.Get().(*[]byte)
	_, err = io.CopyBuffer(h, onlyReader{f}, *bp)
	copyBufs.Put(bp)
	if err != nil {
		return State{Kind: Unreadable}
	}
	return State{Kind: File, Sum: [32]byte(h.Sum(nil))}
}

// copyBufs are the buffers Current hashes files through.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// onlyReader hides a file's WriterTo, so that io.CopyBuffer uses the pooled buffer.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// Unchanged reports whether every path read is as it was.
func Unchanged(fsys fs.FS, reads []Read) bool {
	for _, r := range reads {
		if r.State.Kind == Unreadable || Current(fsys, r.Path) != r.State {
			return false
		}
	}
	return true
}

// Open opens name, reading a file whole first.
func (t *Tracker) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	s, data, _, info, err := look(t.fsys, name)
	t.note(name, s, data)
	if err != nil {
		return nil, err
	}
	if s.Kind == Dir {
		return t.fsys.Open(name)
	}
	return &memFile{Reader: bytes.NewReader(data), info: info}, nil
}

// Stat gives name's information, noting its state.
func (t *Tracker) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	s, data, _, info, err := look(t.fsys, name)
	t.note(name, s, data)
	if err != nil {
		return nil, err
	}
	return info, nil
}

// ReadDir lists name, noting its entries.
func (t *Tracker) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	s, data, des, _, err := look(t.fsys, name)
	t.note(name, s, data)
	if err != nil {
		return nil, err
	}
	if s.Kind != Dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return des, nil
}

// ReadFile reads name, noting its content.
func (t *Tracker) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	s, data, _, _, err := look(t.fsys, name)
	t.note(name, s, data)
	if err != nil {
		return nil, err
	}
	if s.Kind == Dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	return data, nil
}

// memFile serves a file from the copy the tracker hashed.
type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }
