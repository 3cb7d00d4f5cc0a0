//go:build !linux

package fileout

import "errors"

// exchange is not offered here: WriteReport renames, as Write does.
func exchange(a, b string) error { return errors.ErrUnsupported }
