//go:build unix

package fileout

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the temporary file the owner and group of the file it replaces, so
// that a file replaced by root (or by a member of its group) still belongs to whoever
// owned it. It does nothing when they are ours already, and a failure only leaves the
// new file ours.
func keepOwner(tmp string, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid()) {
		return
	}
	_ = os.Chown(tmp, int(st.Uid), int(st.Gid))
}
