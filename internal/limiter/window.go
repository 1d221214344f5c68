package limiter

import (
	"context"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// maxWindow bounds the departures a window remembers (24 bytes each).
// ForNodes needs at most 2 500; a larger Config goes without the backstop
// rather than allocate without limit.
const maxWindow = 100_000

// windowSpan is the window's length: a second plus a margin for the
// microseconds between a request's departure being recorded and the request
// reaching the wrapped transport, which vary with scheduling too. Without it
// the benchmark at nodes=50 saw one request over the budget in some second;
// the margin costs at most 0.1 % of the rate, and only while the window is
// full.
const windowSpan = time.Second + time.Millisecond

// window is the backstop behind the token bucket. The bucket spaces token
// grants exactly, but a request leaves when its goroutine next runs after the
// grant, and those delays vary: a late request followed by a punctual one
// puts one more request into some second than the grants did (measured on a
// 2-core machine: up to 1 % over the budget at nodes=50). window remembers
// the last n departures and holds a request back until the oldest of them is
// windowSpan old, so no half-open window [t, t+1s) of departures holds more
// than n.
//
// A nil *window admits everything. It is safe for concurrent use.
type window struct {
	gate chan struct{} // held by the one request that may wait
	ring []time.Time   // last departures; the oldest is at next
	next int
}

// newWindow returns the window that matches a bucket of rate rps and burst
// burst, which admits at most burst − 1 + ⌈rps⌉ requests in a second (see
// doc.go). It returns nil when rps sets no limit or the window would exceed
// maxWindow.
func newWindow(rps rate.Limit, burst int) *window {
	if math.IsInf(float64(rps), 1) || rps <= 0 {
		return nil
	}
	n := float64(max(burst, 1)-1) + math.Ceil(float64(rps))
	if n > maxWindow {
		return nil
	}
	return &window{gate: make(chan struct{}, 1), ring: make([]time.Time, int(n))}
}

// wait blocks until a request may leave, records its departure and returns
// its instant (a nil window reads the clock). Only one request at a time
// waits on the window: when it is full, the next departure is due at one
// instant, and waking every waiter for it would cost more CPU than the
// requests themselves.
func (w *window) wait(ctx context.Context, clock func() time.Time) (time.Time, error) {
	if w == nil {
		return clock(), nil
	}
	select {
	case w.gate <- struct{}{}:
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
	defer func() { <-w.gate }()
	for {
		now := clock()
		d := w.admit(now)
		if d == 0 {
			return now, nil
		}
		if err := sleep(ctx, d); err != nil {
			return time.Time{}, err
		}
	}
}

// admit records a departure at now and returns 0, or returns how long the
// request must wait before asking again. The caller holds w.gate.
func (w *window) admit(now time.Time) time.Duration {
	if wait := w.ring[w.next].Add(windowSpan).Sub(now); wait > 0 {
		return wait
	}
	w.ring[w.next] = now
	w.next = (w.next + 1) % len(w.ring)
	return 0
}
