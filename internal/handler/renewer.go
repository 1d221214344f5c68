package handler

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/clock"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// renewer keeps the leases of all running attempts alive with one ticker
// for the whole middleware, rather than a goroutine and a ticker per task:
// most tasks end long before their first renewal is due, and those would
// pay for both anyway. Every Lease/3 it renews each attempt still running,
// each in its own goroutine so that a slow store delays no other renewal.
// The ticker runs only while some attempt does.
type renewer struct {
	c     IdempotencyConfig
	store taskstore.Store

	mu     sync.Mutex
	active map[*attempt]*renewal
	quit   chan struct{} // closed to stop the running loop; nil when none runs
	done   chan struct{} // closed by the running loop when it has stopped its ticker
}

// renewal is one attempt's registration. Its context for the store is
// made only when a renewal runs: most attempts end before the first one,
// and a context per task cost CPU for nothing.
type renewal struct {
	values  context.Context // the attempt's context, for its values only
	busy    sync.Mutex      // held while the attempt's lease is being renewed
	mu      sync.Mutex      // guards stopped and cancel
	stopped bool            // the attempt stopped renewing
	cancel  context.CancelFunc
}

// start makes the context of one renewal, or reports false once the
// attempt has stopped renewing.
func (rn *renewal) start(d time.Duration) (context.Context, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(rn.values), d)
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.stopped {
		cancel()
		return nil, false
	}
	rn.cancel = cancel
	return ctx, true
}

// end releases the context of the renewal that start made.
func (rn *renewal) end() {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.cancel != nil {
		rn.cancel()
		rn.cancel = nil
	}
}

// stop ends renewing: a renewal under way is canceled, no other starts.
func (rn *renewal) stop() {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.stopped = true
	if rn.cancel != nil {
		rn.cancel()
	}
}

func newRenewer(c IdempotencyConfig, store taskstore.Store) *renewer {
	return &renewer{c: c, store: store, active: map[*attempt]*renewal{}}
}

// add renews a's lease until the returned stop is called (safe to call
// more than once). stop also cancels a renewal under way and waits for it
// to end, so no renewal of a reaches the store after stop returns. ctx
// gives values only: renewing goes on through a shutdown's grace.
func (r *renewer) add(ctx context.Context, a *attempt) (stop func()) {
	rn := &renewal{values: ctx}
	r.mu.Lock()
	r.active[a] = rn
	if r.quit == nil {
		r.quit, r.done = make(chan struct{}), make(chan struct{})
		go r.loop(r.c.Clock.NewTicker(r.every()), r.quit, r.done)
	}
	r.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { r.remove(a, rn) }) }
}

func (r *renewer) remove(a *attempt, rn *renewal) {
	rn.stop()
	var stopped chan struct{}
	r.mu.Lock()
	delete(r.active, a)
	if len(r.active) == 0 && r.quit != nil {
		close(r.quit)
		r.quit, stopped = nil, r.done
	}
	r.mu.Unlock()
	rn.busy.Lock() // a renewal under way has seen the cancel; wait for it
	rn.busy.Unlock()
	if stopped != nil {
		<-stopped // no ticker outlives the last attempt
	}
}

func (r *renewer) every() time.Duration { return max(r.c.Lease/3, time.Millisecond) }

// loop renews every active attempt at each tick until quit is closed.
func (r *renewer) loop(tick clock.Ticker, quit, done chan struct{}) {
	defer close(done)
	defer tick.Stop()
	for {
		select {
		case <-quit:
			return
		case <-tick.C():
		}
		r.mu.Lock()
		for a, rn := range r.active {
			go r.renew(a, rn)
		}
		r.mu.Unlock()
	}
}

// renew extends a's lease once. A renewal that fails for a moment is
// retried at the next tick; once the lease is lost the attempt stops
// renewing (and MarkSent refuses to send).
func (r *renewer) renew(a *attempt, rn *renewal) {
	// After the previous renewal, if it is still under way (it is bounded
	// by a tick's time, so at most one waits here).
	rn.busy.Lock()
	defer rn.busy.Unlock()
	// A slow store must not let two renewals' time pass unnoticed.
	sctx, ok := rn.start(min(r.c.StoreTimeout, r.every()))
	if !ok {
		return
	}
	defer rn.end()
	start := r.c.Clock.Now()
	err := a.extended(start, r.store.Renew(sctx, a.id, a.n, r.c.Lease))
	if errors.Is(err, taskstore.ErrLeaseLost) {
		r.c.Logger.Warn("task lease lost while the attempt runs; another attempt may start",
			zap.String("task_id", task.Clip(a.id)), zap.Int("attempt", a.n))
		r.mu.Lock()
		delete(r.active, a)
		r.mu.Unlock()
	}
}
