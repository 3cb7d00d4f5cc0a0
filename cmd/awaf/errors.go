package main

import (
	"errors"
	"io/fs"

	"github.com/awaf/awaf"
)

// isInputError reports whether err is the user's input being wrong rather than the
// program failing: exit 2, not 3. Besides the application's own codes, a path that
// does not exist or may not be read is the user's to fix, wherever it was met, and so
// is a token the server refused.
func isInputError(err error) bool {
	var ps awaf.Problems
	if errors.As(err, &ps) {
		return true
	}
	switch awaf.ErrorCode(err) {
	case awaf.EINVALID, awaf.ENOTFOUND, awaf.ETOOLARGE, awaf.ECONFLICT, awaf.EUNAUTH, awaf.EFORBIDDEN:
		return true
	}
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)
}
