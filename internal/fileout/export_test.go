package fileout

import "os"

// CountSyncs counts the files flushed to disk until restore is called.
func CountSyncs() (n *int, restore func()) {
	n = new(int)
	prev := syncFile
	syncFile = func(f *os.File) error { *n++; return prev(f) }
	return n, func() { syncFile = prev }
}
