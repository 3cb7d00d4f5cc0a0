package awaf

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP statuses and exit codes in one place each.
const (
	ECONFLICT  = "conflict"
	EINTERNAL  = "internal"
	EINVALID   = "invalid"
	ENOTFOUND  = "not_found"
	EFORBIDDEN = "forbidden"
	EUNAUTH    = "unauthorized"
	ETOOLARGE  = "too_large"
)

// Error is an application error with a code and a message safe to show users.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an application error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err, hiding internal details.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Problem is one thing wrong with an input file, at a place in it.
type Problem struct {
	Location
	Message string
}

func (p Problem) String() string {
	switch {
	case p.Line > 0 && p.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	case p.File != "":
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return p.Message
}

// Problems is every problem found in one input, reported together.
type Problems []Problem

func (ps Problems) Error() string {
	s := fmt.Sprintf("%d problems:", len(ps))
	if len(ps) == 1 {
		s = "1 problem:"
	}
	for _, p := range ps {
		s += "\n  " + p.String()
	}
	return s
}
