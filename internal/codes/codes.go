// Package codes holds the contract's error codes (docs/contract.md §2) and the
// error type that carries one through the layers. The entities executor
// returns *Error for problems it can name (unknown column, missing parent);
// the handler's Classify middleware maps everything else (Twilio answers,
// transport failures, deadlines) onto the same codes.
package codes

import (
	"errors"
	"fmt"
)

// Code is one of the contract's error.code values.
type Code string

// The contract's error codes.
const (
	InvalidArgument    Code = "INVALID_ARGUMENT"
	NotFound           Code = "NOT_FOUND"
	Unimplemented      Code = "UNIMPLEMENTED"
	Unauthenticated    Code = "UNAUTHENTICATED"
	PermissionDenied   Code = "PERMISSION_DENIED"
	FailedPrecondition Code = "FAILED_PRECONDITION"
	ResourceExhausted  Code = "RESOURCE_EXHAUSTED"
	Unavailable        Code = "UNAVAILABLE"
	DeadlineExceeded   Code = "DEADLINE_EXCEEDED"
	Internal           Code = "INTERNAL"
)

// Error is a task failure with a contract code and a message for a person.
// Twilio fields are set when Twilio answered.
type Error struct {
	Code       Code
	Message    string
	Retryable  bool
	TwilioCode int
	HTTPStatus int
	MoreInfo   string
	Err        error // underlying cause, never shown to users verbatim
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a non-retryable *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Context wraps an error with what a person needs to know about the task's
// state when it failed (for example which rows of a bulk update were
// already changed). The handler classifies Err as usual and puts Msg in
// front of the message.
type Context struct {
	Msg string
	Err error
}

func (c *Context) Error() string { return c.Msg + ": " + c.Err.Error() }

// Unwrap returns the underlying error.
func (c *Context) Unwrap() error { return c.Err }

// ErrNotSent marks failures that happened before a request left the
// worker (for example the deadline passed while it waited for its turn
// under the rate budget): whatever the operation, Twilio did nothing, so a
// retry is safe.
var ErrNotSent = errors.New("the request was not sent to Twilio")
