//go:build unix

package fileout_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/fileout"
)

// write is the writer under test.
var write = fileout.Write

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func lstat(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNewAndRegularFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.md")
	if err := write(p, 0o644, text("one")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "one" {
		t.Fatalf("content %q", got)
	}
	if m := lstat(t, p).Mode().Perm(); m != 0o644 {
		t.Errorf("new file mode %v, want 0644", m)
	}
	// A replaced file keeps its own mode, not the default.
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := write(p, 0o644, text("two")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "two" {
		t.Fatalf("content %q", got)
	}
	if m := lstat(t, p).Mode().Perm(); m != 0o600 {
		t.Errorf("replaced file mode %v, want its own 0600", m)
	}
	// A failed write leaves the old file and no temporary file.
	if err := write(p, 0o644, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") }); err == nil {
		t.Fatal("no error")
	}
	if got := readFile(t, p); got != "two" {
		t.Errorf("failed write changed the file: %q", got)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("left %d entries in the folder, want 1", len(es))
	}
}

func TestSymlinkIsWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "awaf.yaml")
	if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	// A relative link, through a second link.
	link1 := filepath.Join(dir, "link1")
	link2 := filepath.Join(dir, "link2")
	if err := os.Symlink("real/awaf.yaml", link1); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(link1, link2); err != nil {
		t.Fatal(err)
	}
	if err := write(link2, 0o644, text("new")); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{link1, link2} {
		if lstat(t, l).Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s was replaced; want it still a symbolic link", filepath.Base(l))
		}
	}
	if got := readFile(t, target); got != "new" {
		t.Errorf("target holds %q, want new", got)
	}
	if m := lstat(t, target).Mode().Perm(); m != 0o640 {
		t.Errorf("target mode %v, want its own 0640", m)
	}
	// A link to a file not there yet creates the file.
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink("real/new.md", dangling); err != nil {
		t.Fatal(err)
	}
	if err := write(dangling, 0o644, text("x")); err != nil {
		t.Fatal(err)
	}
	if lstat(t, dangling).Mode()&fs.ModeSymlink == 0 || readFile(t, filepath.Join(dir, "real", "new.md")) != "x" {
		t.Error("a link to a missing file was not written through")
	}
	// A loop is an error, not a hang.
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	if err := write(loop, 0o644, text("x")); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("loop: %v", err)
	}
}

func TestFIFOIsWrittenInPlace(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the writer opens the pipe
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := write(fifo, 0o644, text("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if m := lstat(t, fifo).Mode(); m&fs.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced by a %v", m)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
}

// nullDevice is the device number of /dev/null on Linux (major 1, minor 3).
const nullDevice = 1<<8 | 3

func TestCharDeviceIsWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	// A link in a temporary folder to the real /dev/null: the link stays, and so
	// does the device.
	link := filepath.Join(dir, "out.md")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	if err := write(link, 0o644, text("discarded")); err != nil {
		t.Fatal(err)
	}
	if lstat(t, link).Mode()&fs.ModeSymlink == 0 {
		t.Error("the link to /dev/null was replaced")
	}
	if m := lstat(t, "/dev/null").Mode(); m&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is now %v", m)
	}
	// A device node of our own in the temporary folder (needs root), written by its
	// own name: it must stay a device.
	node := filepath.Join(dir, "null")
	if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, nullDevice); err != nil {
		t.Logf("mknod needs root (%v); the device node case is skipped", err)
		return
	}
	if err := write(node, 0o644, text("discarded")); err != nil {
		t.Fatal(err)
	}
	if m := lstat(t, node).Mode(); m&fs.ModeCharDevice == 0 {
		t.Fatalf("the device node was replaced by a %v", m)
	}
}

// TestDevNullAsRoot is `awaf report ... -o /dev/null` run as root, which once
// replaced the system's /dev/null with a regular file. It runs only as root, and
// only after the same write through a device node of its own passed.
func TestDevNullAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root")
	}
	node := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, nullDevice); err != nil {
		t.Skip("mknod:", err)
	}
	if err := write(node, 0o644, text("x")); err != nil || lstat(t, node).Mode()&fs.ModeCharDevice == 0 {
		t.Skip("the writer replaces device nodes; not trying the real /dev/null")
	}
	if err := write("/dev/null", 0o644, text("discarded")); err != nil {
		t.Fatal(err)
	}
	st := lstat(t, "/dev/null")
	if st.Mode()&fs.ModeCharDevice == 0 {
		// Put the device back before failing.
		os.Remove("/dev/null")
		syscall.Mknod("/dev/null", syscall.S_IFCHR|0o666, nullDevice)
		os.Chmod("/dev/null", 0o666)
		t.Fatalf("/dev/null became %v", st.Mode())
	}
}

func TestErrorsNameTheUsersPath(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-folder", "report.html")
	err := write(missing, 0o644, text("x"))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, missing) || strings.Contains(msg, ".tmp-") || !strings.Contains(msg, "does not exist") {
		t.Errorf("error %q should name %s and say its folder does not exist, without the temporary file", msg, missing)
	}
	if awaf.ErrorCode(err) != awaf.EINVALID {
		t.Errorf("a missing folder is the user's mistake (invalid), got %s", awaf.ErrorCode(err))
	}
	if err := write(dir, 0o644, text("x")); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("writing a folder: %v", err)
	}
}

// TestReplaceKeepsOwner replaces, as root, a file that belongs to someone else: it
// must still be theirs afterwards.
func TestReplaceKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root")
	}
	p := filepath.Join(t.TempDir(), "awaf.yaml")
	if err := os.WriteFile(p, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	const uid, gid = 4242, 4343
	if err := os.Chown(p, uid, gid); err != nil {
		t.Skip("chown:", err)
	}
	if err := write(p, 0o644, text("new")); err != nil {
		t.Fatal(err)
	}
	st := lstat(t, p).Sys().(*syscall.Stat_t)
	if st.Uid != uid || st.Gid != gid {
		t.Errorf("owner %d:%d, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
	if m := lstat(t, p).Mode().Perm(); m != 0o640 {
		t.Errorf("mode %v, want 0640", m)
	}
}

// TestWriteReport runs the tests above through WriteReport: it replaces, follows
// links, writes devices in place and names the user's path as Write does.
func TestWriteReport(t *testing.T) {
	for name, test := range map[string]func(*testing.T){
		"NewAndRegularFiles":         TestNewAndRegularFiles,
		"SymlinkIsWrittenThrough":    TestSymlinkIsWrittenThrough,
		"FIFOIsWrittenInPlace":       TestFIFOIsWrittenInPlace,
		"CharDeviceIsWrittenInPlace": TestCharDeviceIsWrittenInPlace,
		"DevNullAsRoot":              TestDevNullAsRoot,
		"ErrorsNameTheUsersPath":     TestErrorsNameTheUsersPath,
		"ReplaceKeepsOwner":          TestReplaceKeepsOwner,
	} {
		t.Run(name, func(t *testing.T) {
			write = fileout.WriteReport
			defer func() { write = fileout.Write }()
			test(t)
		})
	}
}

// TestFlush: Write flushes a regular file to disk before the rename, WriteReport
// does not, and neither flushes a device.
func TestFlush(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		write func(string, fs.FileMode, func(io.Writer) error) error
		path  string
		want  int
	}{
		{"Write new file", fileout.Write, filepath.Join(dir, "a.json"), 1},
		{"Write replaced file", fileout.Write, filepath.Join(dir, "a.json"), 1},
		{"WriteReport new file", fileout.WriteReport, filepath.Join(dir, "b.json"), 0},
		{"WriteReport replaced file", fileout.WriteReport, filepath.Join(dir, "b.json"), 0},
		{"Write device", fileout.Write, os.DevNull, 0},
	} {
		n, restore := fileout.CountSyncs()
		err := c.write(c.path, 0o644, text(c.name))
		restore()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if *n != c.want {
			t.Errorf("%s: flushed %d files, want %d", c.name, *n, c.want)
		}
		if c.path != os.DevNull {
			if got := readFile(t, c.path); got != c.name {
				t.Errorf("%s: content %q", c.name, got)
			}
		}
	}
}

// TestWriteReportExchanges: on Linux a report takes the old one's place by an
// exchange of names; the old file is gone after, except through another link to it,
// as after a rename. A new file is renamed into place.
func TestWriteReportExchanges(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("renameat2 is Linux's")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "scan.json")
	other := filepath.Join(dir, "kept.json")
	n, restore := fileout.CountExchanges()
	defer restore()
	if err := fileout.WriteReport(p, 0o644, text("one")); err != nil {
		t.Fatal(err)
	}
	if *n != 0 {
		t.Errorf("a new file: %d exchanges, want 0", *n)
	}
	if err := os.Link(p, other); err != nil {
		t.Fatal(err)
	}
	if err := fileout.WriteReport(p, 0o644, text("two")); err != nil {
		t.Fatal(err)
	}
	if *n != 1 {
		t.Errorf("a replaced file: %d exchanges, want 1", *n)
	}
	if got := readFile(t, p); got != "two" {
		t.Errorf("report %q, want two", got)
	}
	if got := readFile(t, other); got != "one" {
		t.Errorf("another link to the old report reads %q, want one", got)
	}
	if es, _ := os.ReadDir(dir); len(es) != 2 {
		t.Errorf("left %d entries in the folder, want 2 (the report and the other link)", len(es))
	}
}

// TestSwapPutsBackWhatIsNotAFile: when what took the report's name since it was
// looked at is a folder, the exchange is undone and the caller renames (and fails).
func TestSwapPutsBackWhatIsNotAFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("renameat2 is Linux's")
	}
	dir := t.TempDir()
	tmp, target := filepath.Join(dir, ".scan.json.tmp-1"), filepath.Join(dir, "scan.json")
	if err := os.WriteFile(tmp, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if fileout.Swap(tmp, target) {
		t.Fatal("swap took a folder's place")
	}
	if !lstat(t, target).IsDir() {
		t.Error("the folder is no longer at its name")
	}
	if got := readFile(t, tmp); got != "new" {
		t.Errorf("the new file reads %q at its temporary name", got)
	}
}
