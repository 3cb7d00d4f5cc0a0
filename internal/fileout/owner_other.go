//go:build !unix

package fileout

import "io/fs"

// keepOwner has nothing to keep where files have no Unix owner.
func keepOwner(string, fs.FileInfo) {}
