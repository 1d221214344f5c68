package handler

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// hasSideEffects reports whether repeating op could repeat a Twilio side
// effect that Twilio cannot deduplicate. An unknown op ("") counts as
// unsafe. UPDATE and DELETE are idempotent: repeating them sets the same
// values again, or finds the row already gone.
func hasSideEffects(op string) bool {
	switch op {
	case task.OpList, task.OpGet, task.OpUpdate, task.OpDelete:
		return false
	}
	return true
}

// hintFor is the "how to fix it" half of an error message.
func hintFor(c codes.Code, retryable bool, op string) string {
	switch c {
	case codes.InvalidArgument:
		return "Fix the task's values and send it again."
	case codes.NotFound:
		return "Check the entity name and the row's key."
	case codes.Unimplemented:
		return "This entity does not support this operation."
	case codes.Unauthenticated:
		return "Check the worker's Twilio credentials: the account SID with its auth token, or the API key " +
			"(TWILIO_API_KEY) with its secret."
	case codes.PermissionDenied:
		return "The Twilio account is not allowed to do this; check its permissions."
	case codes.FailedPrecondition:
		return "Twilio refused because of the account's or the recipient's state; retrying will not help until that changes."
	case codes.ResourceExhausted:
		return "Twilio is throttling this account or sender; retry later, more slowly."
	}
	if retryable {
		return "Retrying later is safe."
	}
	if op == "" {
		op = "task"
	}
	return "Twilio may have carried out this " + op + ": whether it happened is unknown, so check (e.g. list recent rows) before retrying."
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// notSent reports failures that happen before a request leaves the machine
// (refused connection, name resolution, dialing), which are safe to retry
// even for a CREATE.
func notSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// redactURL renders err with any user:password in a request URL masked.
// twilio-go sends credentials in a header, so URLs normally carry none, but
// a --twilio-base-url with userinfo must not leak into a result.
func redactURL(err error) string {
	text := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.User != nil {
			text = strings.ReplaceAll(text, ue.URL, u.Redacted())
		}
	}
	return text
}
