package main

import (
	"errors"

	"github.com/awaf/awaf"
)

// isInputError reports whether err is the user's input being wrong rather than the
// program failing.
func isInputError(err error) bool {
	var ps awaf.Problems
	if errors.As(err, &ps) {
		return true
	}
	switch awaf.ErrorCode(err) {
	case awaf.EINVALID, awaf.ENOTFOUND, awaf.ETOOLARGE, awaf.ECONFLICT:
		return true
	}
	return false
}
