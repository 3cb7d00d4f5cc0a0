// Package scancache keeps what a scan read and judged of a group of input files, so
// that a later scan of unchanged files takes it from disk instead of reading and
// judging them again (awaf scan --cache DIR).
//
// An entry holds, for one group of files handed to one front end, the resources its
// rules' sink kept, the notes the one-resource rules left on them, the front end's
// diagnostics, what the units showed of the workload's profile, and every file the
// front end read to make them (with a hash of its content, or the fact that it was
// missing). It is stored under a key made of the scan's salt (entry format, awaf
// build, rule catalog, profile), the format and the group's file names, and it is
// used only when every file it read is as it was. The rules that read other
// resources or the workload run again on every scan, over the kept resources.
//
// Entries are written to a temporary file and renamed into place, so scans sharing a
// directory never see half an entry; a damaged entry is ignored (with a warning) and
// replaced. Trim bounds the directory's size, dropping the least recently used
// entries first.
package scancache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/rules"
)

// Key names one entry.
type Key [32]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Entry is what one group of files gave.
type Entry struct {
	// Reads lists every path the front end looked at, with what it found there.
	Reads []Read
	// Resources are what the scan's sink kept, in the front end's order; Notes[i] is
	// the note the one-resource rules left on Resources[i] (nil for none).
	Resources []iac.Resource
	Notes     []*rules.Note
	Diags     []iac.Diagnostic
	// ScanDiags are the diagnostics the scan itself added while the units were read
	// (e.g. API Management policy XML inside templates).
	ScanDiags []iac.Diagnostic
	// Signals and Components are what the units showed of the workload's profile
	// (scan.ProposeProfile) and reference-architecture components, read from the
	// full resources before the sink cut them down.
	Signals    []Signal
	Components []string
}

// Signal is one resource that shows something about the workload's profile: the
// first (by place) with that key in the group.
type Signal struct {
	Region          bool // a region seen, else a kind signal
	Key, Type, Name string
	Loc             awaf.Location
}

// Options configure a cache.
type Options struct {
	// Build names the awaf build that writes and reads the entries (its version and
	// a hash of the executable): an entry of another build is never used, since its
	// front ends may read files differently.
	Build string
	// MaxBytes bounds the directory (DefaultMaxBytes when 0).
	MaxBytes int64
	// Warn is told of damaged entries and of entries that could not be written; nil
	// drops the warnings.
	Warn func(msg string)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// DefaultMaxBytes is the size a cache directory is trimmed to when nothing else is
// said.
const DefaultMaxBytes = 1 << 30

// Cache is one cache directory. Its methods may be called from several goroutines,
// and several processes may share the directory.
type Cache struct {
	dir   string
	opt   Options
	salt  [32]byte
	stats *stats // shared by the salted copies
}

type stats struct{ used, read, lateUsed, lateJudged atomic.Int64 }

// Stats gives how many of the groups a scan used were taken from the cache and how
// many were read, since Open.
func (c *Cache) Stats() (used, read int64) { return c.stats.used.Load(), c.stats.read.Load() }

// Read counts a group the scan read itself.
func (c *Cache) Read() { c.stats.read.Add(1) }

// Used counts a group taken from the cache.
func (c *Cache) Used() { c.stats.used.Add(1) }

// CountLate counts groups whose late findings (GetLate) were reused and groups whose
// were judged again.
func (c *Cache) CountLate(reused, judged int) {
	c.stats.lateUsed.Add(int64(reused))
	c.stats.lateJudged.Add(int64(judged))
}

// LateStats gives how many groups' late findings were reused and how many judged
// again, since Open.
func (c *Cache) LateStats() (reused, judged int64) {
	return c.stats.lateUsed.Load(), c.stats.lateJudged.Load()
}

// entryExt names entry files; tmpExt the temporary files they are written through.
const (
	entryExt = ".awc"
	tmpExt   = ".tmp"
)

// Open opens (creating it when missing) the cache directory dir.
func Open(dir string, opt Options) (*Cache, error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache directory %s: %w", dir, err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("cache directory %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("cache directory %s: not a directory", dir)
	}
	return &Cache{dir: dir, opt: opt, stats: &stats{}}, nil
}

// Salted returns a cache whose keys also depend on the catalog and the profile the
// scan judges with: findings judged under another catalog or profile never come back.
func (c *Cache) Salted(cat *rules.Catalog, profile *awaf.Profile) (*Cache, error) {
	h := sha256.New()
	fmt.Fprintf(h, "awaf scan cache %d\x00%s\x00", Version, c.opt.Build)
	rs, err := json.Marshal(cat.Rules)
	if err != nil {
		return nil, fmt.Errorf("rule catalog: %w", err)
	}
	h.Write(rs)
	h.Write([]byte{0})
	ps, err := json.Marshal(profile)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	h.Write(ps)
	out := *c
	copy(out.salt[:], h.Sum(nil))
	return &out, nil
}

// Key gives the key of one group: its format and its files, in order.
func (c *Cache) Key(format string, files []string) Key {
	h := sha256.New()
	h.Write(c.salt[:])
	h.Write([]byte(format))
	for _, f := range files {
		h.Write([]byte{0})
		h.Write([]byte(f))
	}
	return Key(h.Sum(nil))
}

func (c *Cache) path(k Key) string { return filepath.Join(c.dir, k.String()+entryExt) }

func (c *Cache) warn(format string, args ...any) {
	if c.opt.Warn != nil {
		c.opt.Warn(fmt.Sprintf(format, args...))
	}
}

// Get reads the entry under k. A missing entry is a miss; a damaged one too, with a
// warning, and it is removed so that the next write replaces it.
func (c *Cache) Get(k Key, cat *rules.Catalog) (*Entry, bool) {
	var ent *Entry
	ok := c.get(k, func(data []byte) (err error) {
		ent, err = decode(data, k, cat, true) // data is read for it alone
		return err
	})
	return ent, ok
}

// get reads the file under k and decodes it; see Get.
func (c *Cache) get(k Key, decode func([]byte) error) bool {
	p := c.path(k)
	f, err := os.Open(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.warn("scan cache: cannot read %s: %v; scanning without it", p, err)
		}
		return false
	}
	var data []byte
	st, serr := f.Stat()
	if serr == nil && st.Size() > 0 && st.Size() <= c.opt.MaxBytes {
		// Read in one call when the size is known: an entry file is renamed into
		// place whole and never written again, so its size is where it ends.
		data = make([]byte, 0, st.Size())
	}
	data, err = readAll(io.LimitReader(f, c.opt.MaxBytes+1), data)
	f.Close()
	if err == nil && int64(len(data)) > c.opt.MaxBytes {
		err = fmt.Errorf("larger than the cache's %d-byte bound", c.opt.MaxBytes)
	}
	if err == nil {
		err = decode(data)
	}
	if err != nil {
		c.warn("scan cache: entry %s is damaged (%v); ignored, it will be written again", p, err)
		_ = os.Remove(p)
		return false
	}
	// Mark it recently used, for Trim; to the minute is recent enough, so scans run
	// one after another do not touch every entry each time.
	if now := c.opt.Now(); serr != nil || now.Sub(st.ModTime()) > touchAfter || st.ModTime().After(now) {
		_ = os.Chtimes(p, now, now)
	}
	return true
}

// touchAfter is how old an entry's time must be for a read to set it again.
const touchAfter = time.Minute

// readAll reads r to its end, appending to buf; a buf made with room for all of it
// is read into until full, without a last read to see the end.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	full := cap(buf) > 0
	for {
		if len(buf) == cap(buf) {
			if full {
				return buf, nil
			}
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// LateKey gives the key of what Finish judged of the group under k (GetLate, PutLate).
func LateKey(k Key) Key {
	return Key(sha256.Sum256(append([]byte("awaf late\x00"), k[:]...)))
}

// GetLate reads what Finish judged of a group, kept under LateKey of its key, when
// it was judged on the group's content id; as Get for a missing or damaged entry.
func (c *Cache) GetLate(k Key, id [32]byte, cat *rules.Catalog) (*rules.Late, bool) {
	var late *rules.Late
	var was [32]byte
	if !c.get(k, func(data []byte) (err error) {
		was, late, err = decodeLate(data, k, cat, true)
		return err
	}) || was != id {
		return nil, false
	}
	return late, true
}

// PutLate keeps what Finish judged of a group whose content is id under k, as Put.
func (c *Cache) PutLate(k Key, id [32]byte, late *rules.Late, cat *rules.Catalog) {
	data, err := EncodeLate(k, id, late, cat)
	if err != nil {
		c.warn("scan cache: entry %s not written: %v", k, err)
		return
	}
	c.write(k, data)
}

// Put writes ent under k: to a temporary file in the directory, then renamed into
// place, so that another scan reading the directory sees the old entry or the new
// one, never part of one. A failure is a warning: the scan's result does not depend
// on the cache.
func (c *Cache) Put(k Key, ent *Entry, cat *rules.Catalog) {
	data, err := Encode(k, ent, cat)
	if err != nil {
		c.warn("scan cache: entry %s not written: %v", k, err)
		return
	}
	c.write(k, data)
}

// write puts an entry file's data under k.
func (c *Cache) write(k Key, data []byte) {
	if int64(len(data)) > c.opt.MaxBytes/4 {
		return // an entry that would crowd out the rest is not kept
	}
	tmp, err := os.CreateTemp(c.dir, k.String()[:16]+"-*"+tmpExt)
	if err != nil {
		c.warn("scan cache: %v", err)
		return
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.path(k))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		c.warn("scan cache: entry %s not written: %v", k, err)
	}
}

// staleTmp is how old a temporary file must be before Trim takes it for one left by
// a scan that stopped half way.
const staleTmp = time.Hour

// Trim bounds the directory: while its entries take more than MaxBytes, the least
// recently used (written or read) go first, down to three quarters of it, so that
// a scan does not trim again at once. Temporary files older than an hour are
// removed. Files that are neither are left alone.
func (c *Cache) Trim() error {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("trim scan cache %s: %w", c.dir, err)
	}
	type item struct {
		path string
		size int64
		mod  time.Time
	}
	var items []item
	var total int64
	now := c.opt.Now()
	for _, de := range des {
		name := de.Name()
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		p := filepath.Join(c.dir, name)
		switch {
		case strings.HasSuffix(name, tmpExt):
			if now.Sub(info.ModTime()) > staleTmp {
				_ = os.Remove(p)
			}
		case strings.HasSuffix(name, entryExt):
			items = append(items, item{p, info.Size(), info.ModTime()})
			total += info.Size()
		}
	}
	if total <= c.opt.MaxBytes {
		return nil
	}
	slices.SortFunc(items, func(a, b item) int {
		if c := a.mod.Compare(b.mod); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	goal := c.opt.MaxBytes / 4 * 3
	for _, it := range items {
		if total <= goal {
			break
		}
		if err := os.Remove(it.path); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= it.size
		}
	}
	return nil
}

// Size gives the bytes the directory's entries take.
func (c *Cache) Size() (int64, error) {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, de := range des {
		if strings.HasSuffix(de.Name(), entryExt) {
			if info, err := de.Info(); err == nil {
				total += info.Size()
			}
		}
	}
	return total, nil
}
