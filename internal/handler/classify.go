package handler

import (
	"context"
	"errors"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Classify returns a Middleware that turns the inner Func's errors into
// FAILED Results with the contract's error object (see errors.go for the
// table), so the adapter publishes an answer and acks the task instead of
// letting Pub/Sub redeliver a task that can only fail again.
//
// Its Func returns a non-nil Result and a nil error, with one exception: an
// error that is or wraps context.Canceled means the worker is shutting down
// and the task was interrupted, not answered, so it is returned unchanged
// with a nil Result: there is nothing to publish, and the adapter nacks. An
// inner Func that returns neither a Result nor an error is a bug and yields
// INTERNAL.
func Classify() Middleware {
	return func(next Func) Func {
		return func(ctx context.Context, m *Message) (*task.Result, error) {
			start := time.Now()
			r, err := next(ctx, m)
			if errors.Is(err, context.Canceled) {
				return nil, err
			}
			if err == nil && r != nil {
				return r, nil
			}
			if r == nil {
				r = fallbackResult(m, start)
			}
			if err == nil {
				err = codes.Errorf(codes.Internal, "internal error: the handler returned no result")
			}
			r.Status, r.Payload, r.NextPageToken = task.StatusFailed, nil, ""
			r.Error = errorInfo(err, r.Operation)
			return r, nil
		}
	}
}
