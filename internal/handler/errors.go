package handler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/twilio/twilio-go/client"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Classification of errors into the contract's codes, first match wins:
//
//	error                                        code                 retryable
//	*codes.Error anywhere in the chain           its own Code         its own Retryable
//	Twilio error code (any HTTP status):
//	  20003 authentication failed                UNAUTHENTICATED      no
//	  20404 not found                            NOT_FOUND            no
//	  20429 too many concurrent requests         RESOURCE_EXHAUSTED   yes
//	  30001, 30036, 63017, 63018 queue pressure  RESOURCE_EXHAUSTED   yes
//	  21211 invalid To number                    INVALID_ARGUMENT     no
//	  21212 invalid From number                  INVALID_ARGUMENT     no
//	  21614 To is not a mobile number            INVALID_ARGUMENT     no
//	  21606 From not a capable number you own    FAILED_PRECONDITION  no  (account state: buy/enable the number)
//	  21408 region not enabled (geo permissions) FAILED_PRECONDITION  no  (account state: enable the region)
//	  21612 cannot route between these numbers   FAILED_PRECONDITION  no  (carrier/account state, not the value)
//	  21610 recipient unsubscribed (STOP)        FAILED_PRECONDITION  no  (never retry)
//	  21611 sender queue full (10 h of messages) RESOURCE_EXHAUSTED   yes (after backing off)
//	Twilio HTTP status otherwise:
//	  400, 422, other 4xx                        INVALID_ARGUMENT     no
//	  401                                        UNAUTHENTICATED      no
//	  403                                        PERMISSION_DENIED    no
//	  404                                        NOT_FOUND            no
//	  405                                        UNIMPLEMENTED        no
//	  409, 410, 412                              FAILED_PRECONDITION  no  (410: endpoint retired upstream)
//	  429                                        RESOURCE_EXHAUSTED   yes
//	  5xx, or no status at all                   UNAVAILABLE          yes, except CREATE/ACTION: outcome unknown
//	non-JSON error body ("error decoding the response for an HTTP error code: N")
//	                                             as the HTTP status N above
//	connection refused, DNS failure, dial error  UNAVAILABLE          yes (nothing was sent)
//	context.DeadlineExceeded, net timeouts       DEADLINE_EXCEEDED    yes, except CREATE/ACTION: outcome unknown
//	other net.OpError / url.Error                UNAVAILABLE          yes, except CREATE/ACTION: outcome unknown
//	anything else                                INTERNAL             no
//
// CREATE and ACTION have side effects that Twilio cannot deduplicate
// (docs/architecture.md, decision 5): when the request may have reached
// Twilio, retrying could send a second message, so such failures are not
// retryable and say so.
// context.Canceled is not classified: Classify passes it through.

// errorInfo classifies err; op is the task's operation ("" when unknown).
func errorInfo(err error, op string) *task.ErrorInfo {
	if c, ok := errors.AsType[*codes.Context](err); ok {
		info := errorInfo(c.Err, op)
		info.Message = c.Msg + ": " + info.Message
		return info
	}
	if ce, ok := codes.As(err); ok {
		msg := ce.Message
		if msg == "" { // the contract promises a message for a person
			msg = string(ce.Code) + ". " + hintFor(ce.Code, ce.Retryable, op)
		}
		return &task.ErrorInfo{Code: ce.Code, Message: msg, Retryable: ce.Retryable,
			TwilioCode: ce.TwilioCode, HTTPStatus: ce.HTTPStatus, MoreInfo: ce.MoreInfo}
	}
	if tre, ok := errors.AsType[*client.TwilioRestError](err); ok {
		return twilioInfo(tre.Status, tre.Code, tre.Message, tre.MoreInfo, op)
	}
	if v1, ok := errors.AsType[*client.RestErrorV1](err); ok {
		return twilioInfo(v1.HttpStatusCode, v1.Code, v1.Message, "", op)
	}
	if status, ok := undecodableStatus(err); ok {
		info := twilioInfo(status, 0, "", "", op)
		info.Message = fmt.Sprintf("Twilio (or a proxy in front of it) answered HTTP %d with a body that is not a Twilio error. %s",
			status, hintFor(info.Code, info.Retryable, op))
		return info
	}
	return transportInfo(err, op)
}

// twilioInfo classifies an error Twilio answered, by code then by status.
func twilioInfo(status, code int, msg, moreInfo, op string) *task.ErrorInfo {
	c, retryable := twilioCodeClass(code)
	if c == "" {
		c, retryable = httpStatusClass(status)
	}
	if retryable && c == codes.Unavailable && hasSideEffects(op) {
		retryable = false
	}
	if msg = strings.TrimSpace(msg); msg == "" {
		msg = "(no message)"
	}
	text := fmt.Sprintf("Twilio answered HTTP %d: %s", status, msg)
	if code != 0 {
		text = fmt.Sprintf("Twilio error %d (HTTP %d): %s", code, status, msg)
	}
	if !strings.HasSuffix(text, ".") {
		text += "."
	}
	if moreInfo != "" {
		text += " More info: " + moreInfo + "."
	}
	return &task.ErrorInfo{Code: c, Message: text + " " + hintFor(c, retryable, op), Retryable: retryable,
		TwilioCode: code, HTTPStatus: status, MoreInfo: moreInfo}
}

func twilioCodeClass(code int) (codes.Code, bool) {
	switch code {
	case 20003, 21222, 21224: // 2122x: twilio-go refused the credentials' characters
		return codes.Unauthenticated, false
	case 20404:
		return codes.NotFound, false
	// 20429: concurrency; 21611: the sender's queue is full (10 h of
	// messages); 30001 queue overflow, 30036 validity period expired in the
	// queue, 63017/63018 messaging rate limits: all queue pressure, worth a
	// later retry but not an immediate one.
	case 20429, 21611, 30001, 30036, 63017, 63018:
		return codes.ResourceExhausted, true
	case 21211, 21212, 21614:
		return codes.InvalidArgument, false
	case 21606, 21408, 21612, 21610:
		return codes.FailedPrecondition, false
	}
	return "", false
}

func httpStatusClass(status int) (codes.Code, bool) {
	switch {
	case status == 401:
		return codes.Unauthenticated, false
	case status == 403:
		return codes.PermissionDenied, false
	case status == 404:
		return codes.NotFound, false
	case status == 405:
		return codes.Unimplemented, false
	case status == 409 || status == 410 || status == 412:
		return codes.FailedPrecondition, false
	case status == 429:
		return codes.ResourceExhausted, true
	case status >= 400 && status < 500:
		return codes.InvalidArgument, false
	}
	return codes.Unavailable, true
}

// undecodableStatus recovers the HTTP status from twilio-go's error for a
// non-JSON error body, which is a plain wrapped error carrying the status
// only in its text.
func undecodableStatus(err error) (int, bool) {
	const marker = "error decoding the response for an HTTP error code: "
	text := err.Error()
	i := strings.Index(text, marker)
	if i < 0 {
		return 0, false
	}
	digits := text[i+len(marker):]
	if len(digits) > 3 {
		digits = digits[:3]
	}
	status, convErr := strconv.Atoi(digits)
	return status, convErr == nil
}

// transportInfo classifies failures where Twilio did not answer.
func transportInfo(err error, op string) *task.ErrorInfo {
	text := redactURL(err)
	if errors.Is(err, codes.ErrNotSent) {
		code := codes.Unavailable
		if errors.Is(err, context.DeadlineExceeded) {
			code = codes.DeadlineExceeded
		}
		return &task.ErrorInfo{Code: code, Retryable: true,
			Message: "the request was not sent to Twilio (" + text + "), so it is safe to retry; if the task ran out " +
				"of time waiting for its turn under the rate budget, raise --nodes or --task-timeout"}
	}
	if notSent(err) {
		return &task.ErrorInfo{Code: codes.Unavailable, Retryable: true,
			Message: "could not connect to Twilio (" + text + "); nothing was sent, retry later"}
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		unsafe := hasSideEffects(op)
		return &task.ErrorInfo{Code: codes.DeadlineExceeded, Retryable: !unsafe,
			Message: "the task timed out before Twilio answered (" + text + "). " + hintFor(codes.DeadlineExceeded, !unsafe, op)}
	}
	var opErr *net.OpError
	var urlErr *url.Error
	if errors.As(err, &opErr) || errors.As(err, &urlErr) {
		unsafe := hasSideEffects(op)
		return &task.ErrorInfo{Code: codes.Unavailable, Retryable: !unsafe,
			Message: "the connection to Twilio failed (" + text + "). " + hintFor(codes.Unavailable, !unsafe, op)}
	}
	return &task.ErrorInfo{Code: codes.Internal, Message: "internal error: " + text}
}
