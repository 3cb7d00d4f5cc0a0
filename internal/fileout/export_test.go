package fileout

import "os"

// CountSyncs counts the files flushed to disk until restore is called.
func CountSyncs() (n *int, restore func()) {
	n = new(int)
	prev := syncFile
	syncFile = func(f *os.File) error { *n++; return prev(f) }
	return n, func() { syncFile = prev }
}

// CountExchanges counts the exchanges of two names until restore is called.
func CountExchanges() (n *int, restore func()) {
	n = new(int)
	prev := exchangeNames
	exchangeNames = func(a, b string) error { *n++; return prev(a, b) }
	return n, func() { exchangeNames = prev }
}

// Swap is swap.
var Swap = swap
