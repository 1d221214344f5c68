package handler

import (
	"context"
	"time"

	"github.com/connectorworks/twilio-worker/internal/task"
)

// Timeout returns a Middleware that gives each task at most d to run, via
// context.WithTimeout, so a hung Twilio request cannot hold a message lease
// forever. The inner Func must honour ctx for this to bite. d <= 0 means no
// deadline of its own (the incoming ctx's still applies). A ctx whose
// deadline is already no later than d from now is passed on as it is
// (IdempotencyConfig.TaskTimeout sets one on the attempt's context).
func Timeout(d time.Duration) Middleware {
	return func(next Func) Func {
		if d <= 0 {
			return next
		}
		return func(ctx context.Context, m *Message) (*task.Result, error) {
			if at, ok := ctx.Deadline(); ok && !at.After(time.Now().Add(d)) {
				return next(ctx, m)
			}
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, m)
		}
	}
}
