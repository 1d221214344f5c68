package handler

import (
	"context"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Recover returns a Middleware that turns a panic in the inner Func into a
// codes.Internal error ("internal error: panic: <value>") returned with a
// FAILED Result, so one bad task cannot crash the worker and, with Classify
// outside it, still gets an answer. The Result names the task from the
// message alone (raw entity name, no catalogue lookup).
//
// The stack is deliberately not put in the error: it would end up in the
// result message, which callers see. The panic value is included because it
// is what a developer needs to find the bug. It is not kept as the error's
// cause: a panic is a bug even when its value is, say, context.Canceled,
// which Classify would otherwise pass through instead of answering.
func Recover() Middleware {
	return func(next Func) Func {
		return func(ctx context.Context, m *Message) (r *task.Result, err error) {
			start := time.Now()
			defer func() {
				if p := recover(); p != nil {
					r = fallbackResult(m, start)
					err = codes.Errorf(codes.Internal, "internal error: panic: %v", p)
				}
			}()
			return next(ctx, m)
		}
	}
}
