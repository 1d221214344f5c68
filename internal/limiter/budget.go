package limiter

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// Budget is where a [Transport] takes its tokens: the per-process pacer
// (the default) or a budget shared by a pool of replicas (Config.Budget,
// e.g. package poolbudget's, kept in Redis).
//
// Implementations are safe for concurrent use.
type Budget interface {
	// Reserve takes one token for a request that asks at now and returns
	// it. When the token would come after ctx's deadline Reserve takes
	// nothing and fails with an error wrapping [context.DeadlineExceeded]
	// and [codes.ErrNotSent]; any failure means nothing may be sent.
	Reserve(ctx context.Context, now time.Time) (Token, error)
	// Cancel gives back a token its request did not use, at now. A shared
	// budget may ignore it: an unused token only slows the pool down.
	Cancel(tok Token, now time.Time)
	// Penalize runs the budget at factor × its full rate for d (see
	// Transport.Penalize).
	Penalize(now time.Time, factor float64, d time.Duration)
	// Limit is the rate in force, in requests per second, after any
	// penalty; +Inf when nothing is limited.
	Limit() float64
}

// Token is one reserved request.
type Token struct {
	// At is when the request may leave, on this process's clock.
	At time.Time
	// Within, when positive, is how late after At the token may still be
	// used. A request that wakes later (a stalled goroutine) takes a new
	// token instead, so departures stay as evenly spaced as the grants: a
	// shared budget has no per-process window to absorb such lateness.
	Within time.Duration
	// handle is the implementation's own (the local pacer's reservation).
	handle *rate.Reservation
}

// Reserve implements Budget for the local pacer.
func (p *pacer) Reserve(ctx context.Context, now time.Time) (Token, error) {
	r := p.reserve(now)
	if !r.OK() {
		return Token{}, fmt.Errorf("limiter: the rate limiter refused a token (%w)", codes.ErrNotSent)
	}
	delay := r.DelayFrom(now)
	if dl, ok := ctx.Deadline(); ok && delay > 0 && dl.Before(now.Add(delay)) {
		p.cancel(r, now)
		return Token{}, fmt.Errorf("limiter: next token in %v, after the deadline: %w (%w)",
			delay, context.DeadlineExceeded, codes.ErrNotSent)
	}
	return Token{At: now.Add(delay), handle: r}, nil
}

// Cancel implements Budget.
func (p *pacer) Cancel(tok Token, now time.Time) {
	if tok.handle != nil {
		p.cancel(tok.handle, now)
	}
}

// Penalize implements Budget.
func (p *pacer) Penalize(now time.Time, factor float64, d time.Duration) {
	p.penalize(now, factor, d)
}

// Limit implements Budget.
func (p *pacer) Limit() float64 { return float64(p.limit()) }
