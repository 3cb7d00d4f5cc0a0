// Package fileout writes the files a user names on the command line: answers,
// reports, baselines, exports. A regular file (or a new one) is replaced atomically
// through a temporary file beside it and a rename (for a scan report, an exchange of
// names: WriteReport), so a reader sees the old file or the new one, never half of
// one; the new file keeps the old one's mode and owner. A
// symbolic link is followed to the file it names. Anything else is written in place:
// a device such as /dev/null, a named pipe, or "-" for standard output, since renaming
// over them would replace the device or pipe itself.
package fileout

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/awaf/awaf"
)

// maxLinks bounds how many symbolic links are followed, as the kernel does.
const maxLinks = 40

// WriteFile writes data to path; see Write.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write calls write with a writer for path. perm is the mode of a new file; a file that
// exists keeps its own. When write fails, a regular file is left as it was. A regular
// file is flushed to disk before it takes the old one's place, so a power failure
// leaves the old file or the whole new one. Errors name path, never the temporary
// file.
func Write(path string, perm fs.FileMode, write func(io.Writer) error) error {
	return put(path, perm, true, write)
}

// WriteReport is Write for a report that running the command again makes again (a
// scan report). A reader still sees the old file or the whole new one, but the new
// one is not flushed to disk, and on Linux it takes the old one's place by an
// exchange of the two names (renameat2 RENAME_EXCHANGE) rather than a rename over
// it: on ext4 a rename over a file starts writing the new one out at once (the
// auto_da_alloc guard against empty files after a crash), an exchange does not.
// After a power failure the report may be empty on some file systems; running the
// command again makes it again. Writing the 61 MB report of a 10,000-resource scan
// took 68 ms with a flush and a rename, 38 ms this way (docs/benchmarks.md); a
// person's work (Write) is still flushed.
func WriteReport(path string, perm fs.FileMode, write func(io.Writer) error) error {
	return put(path, perm, false, write)
}

// syncFile flushes a file to disk; tests count its calls.
var syncFile = (*os.File).Sync

func put(path string, perm fs.FileMode, flush bool, write func(io.Writer) error) error {
	if path == "-" {
		return wrap(path, write(os.Stdout))
	}
	target, st, err := resolve(path)
	if err != nil {
		return osErr(path, err)
	}
	switch {
	case st == nil:
		return replace(path, target, perm, nil, flush, write)
	case st.IsDir():
		return awaf.Errorf(awaf.EINVALID, "cannot write %s: it is a folder; give a file name", path)
	case st.Mode().IsRegular():
		return replace(path, target, st.Mode().Perm(), st, flush, write)
	}
	// A device, pipe or socket: write through it.
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return osErr(path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return wrap(path, err)
	}
	return osErr(path, f.Close())
}

// resolve follows symbolic links from path to the name that is finally written, and
// returns its Lstat (nil when nothing is there yet: a new file, or a link to one).
func resolve(path string) (string, fs.FileInfo, error) {
	target := path
	for range maxLinks {
		st, err := os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return target, nil, nil
		} else if err != nil {
			return "", nil, err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return target, st, nil
		}
		link, err := os.Readlink(target)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(target), link)
		}
		target = link
	}
	return "", nil, errors.New("too many levels of symbolic links")
}

// replace writes target through a temporary file in its folder, with mode perm and,
// when old is the file it replaces, old's owner. With flush it is flushed to disk and
// renamed over target; without, it takes an old file's place by swap where it can.
// path is the user's name for it, used in errors.
func replace(path, target string, perm fs.FileMode, old fs.FileInfo, flush bool, write func(io.Writer) error) error {
	dir := filepath.Dir(target)
	if st, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return awaf.Errorf(awaf.EINVALID, "cannot write %s: folder %s does not exist", path, dir)
		}
		return osErr(path, err)
	} else if !st.IsDir() {
		return awaf.Errorf(awaf.EINVALID, "cannot write %s: %s is not a folder", path, dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return osErr(path, err)
	}
	// Removed at the end unless renamed; after an exchange (swap) it is the old
	// file. Only a regular file is removed: what an undone exchange left there is not
	// this function's to remove.
	defer func() {
		if st, err := os.Lstat(tmp.Name()); err == nil && st.Mode().IsRegular() {
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		tmp.Close()
		return wrap(path, err)
	}
	if flush {
		if err := syncFile(tmp); err != nil {
			tmp.Close()
			return osErr(path, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return osErr(path, err)
	}
	if old != nil {
		keepOwner(tmp.Name(), old) // before the mode: chown clears set-id bits
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return osErr(path, err)
	}
	if old != nil && !flush && swap(tmp.Name(), target) {
		return nil // the deferred removal takes the old file, now at tmp's name
	}
	return osErr(path, os.Rename(tmp.Name(), target))
}

// swap exchanges the names tmp and target where the system can, and tells whether
// target now names the new file. What it took from target must be a regular file, as
// it was when looked at; anything else (a folder put there since) is swapped back,
// and the rename then fails as it would have. (Should swapping back fail, the new
// file stays at target and what was there at tmp, where replace leaves it.)
func swap(tmp, target string) bool {
	if exchangeNames(tmp, target) != nil {
		return false
	}
	if st, err := os.Lstat(tmp); err == nil && st.Mode().IsRegular() {
		return true
	}
	return exchangeNames(tmp, target) != nil
}

// exchangeNames is exchange; tests count its calls.
var exchangeNames = exchange

// wrap names path in an error of write.
func wrap(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("write %s: %w", path, err)
}

// osErr names path in an error of the file system, dropping the name of the temporary
// file or link target it carries.
func osErr(path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("write %s: %w", path, err)
}
