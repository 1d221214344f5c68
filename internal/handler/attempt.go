package handler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/sendmark"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// errLeaseLost is returned, with no Result, by an attempt that lost its
// task's lease before it sent anything: another attempt may be running the
// task, so this one must not answer; the adapter nacks it.
var errLeaseLost = errors.New("this attempt lost the task's lease in the task store before sending anything; " +
	"the task will be redelivered")

// attempt is one run of a task under a lease in the store. It keeps the
// lease renewed, marks each request with side effects as sent (and
// withdraws the mark when Twilio answered 429), and knows whether it may
// still answer for the task.
type attempt struct {
	c      IdempotencyConfig
	store  taskstore.Store
	id     string
	n      int                // the Claim's Attempt: names the lease
	cancel context.CancelFunc // ends the run when the lease is lost before anything was sent

	markMu    sync.Mutex   // orders a mark with its count, so an Unmark never clears a newer mark
	pending   atomic.Int32 // requests marked and not known to be unprocessed
	lost      atomic.Bool  // the store answered ErrLeaseLost
	refused   atomic.Bool  // the store refused a mark, for any reason
	heldUntil atomic.Int64 // Unix ns until which the lease is surely this attempt's
}

// run runs the attempt the caller holds a lease for (granted by a Begin
// called at begun) and records its end.
func (c IdempotencyConfig) run(ctx context.Context, store taskstore.Store, next Func, m *Message, n int, begun time.Time, unsafe bool) (*task.Result, error) {
	ctx, cancel := c.runContext(ctx)
	defer cancel()
	a := &attempt{c: c, store: store, id: m.TaskID(), n: n, cancel: cancel}
	a.held(begun)
	stop := c.renewer.add(ctx, a)
	defer stop() // also if next panics past Recover
	if unsafe {
		ctx = sendmark.With(ctx, a.hooks())
	}
	r, err := next(ctx, m)
	stop()
	if (a.lost.Load() || a.refused.Load()) && a.pending.Load() == 0 {
		// Nothing left the worker, and another attempt may hold the task
		// (or the store is failing): an answer from here could contradict
		// that attempt's. Nack; the redelivery gets the task's one answer.
		a.abort(ctx)
		return nil, errors.Join(errLeaseLost, err)
	}
	if err == nil && r != nil {
		return a.answer(ctx, m, r)
	}
	// A request refused before it left (still waiting for the budget) was
	// not sent, whatever earlier marks say.
	if a.pending.Load() > 0 && !errors.Is(err, codes.ErrNotSent) && errors.Is(err, context.Canceled) {
		// The worker is stopping with a CREATE in flight: answer now that
		// the outcome is unknown, rather than nack and leave a record a
		// memory store would forget on exit (a second create).
		t, _ := sideEffects(m)
		return a.answer(ctx, m, c.unknownOutcome(m, t, n))
	}
	if aerr := a.abort(ctx); aerr != nil {
		// The claim then lapses with its lease: the next delivery sees the
		// task Abandoned, with the sent mark if a request may have left.
		err = errors.Join(err, aerr)
	}
	return r, err
}

// runContext is the context of one attempt's run: canceled when the lease
// is lost, and ending at the task deadline (TaskTimeout) if there is one.
func (c IdempotencyConfig) runContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.TaskTimeout > 0 {
		return context.WithTimeout(ctx, c.TaskTimeout)
	}
	return context.WithCancel(ctx)
}

// answer records r and returns the task's one answer. When r cannot be
// recorded and the lease may have passed to another attempt, whose answer
// is then the one in the store, it returns an error instead (a nack), so
// as to publish nothing that could contradict that answer; the marks stay,
// so the redelivery never sends a create again.
func (a *attempt) answer(ctx context.Context, m *Message, r *task.Result) (*task.Result, error) {
	res, recorded := a.c.record(ctx, a.store, m, r)
	if !recorded && !a.surelyHeld() {
		return nil, fmt.Errorf("the result could not be recorded and the task's lease may have passed to another attempt; "+
			"the task will be redelivered and answered from the store: %w", errLeaseLost)
	}
	return res, nil
}

// abort gives up the attempt's claim (the store keeps a marked record).
func (a *attempt) abort(ctx context.Context) error {
	return a.store.Abort(storeContext(ctx), a.id, a.n)
}

// held notes that the store confirmed the lease by a call started at t.
func (a *attempt) held(t time.Time) {
	a.heldUntil.Store(t.Add(a.c.Lease).UnixNano())
}

// surelyHeld reports whether no other attempt can hold the task yet.
func (a *attempt) surelyHeld() bool {
	return !a.lost.Load() && a.c.Clock.Now().UnixNano() < a.heldUntil.Load()
}

// extended handles the answer of a call that renews the lease.
func (a *attempt) extended(start time.Time, err error) error {
	switch {
	case err == nil:
		a.held(start)
	case errors.Is(err, taskstore.ErrLeaseLost):
		a.lost.Store(true)
	}
	return err
}

// hooks record in the store that the attempt is sending a request with
// side effects, and withdraw that once every such request is known to
// have had no effect (Twilio answered 429, or it never left): then a
// worker killed while the request waits for its retry leaves the task safe
// to run again. If withdrawing fails the mark stays, which errs on the safe
// side (an unknown-outcome answer, not a second create).
func (a *attempt) hooks() sendmark.Hooks {
	return sendmark.Hooks{
		Sending: func(ctx context.Context) error {
			a.markMu.Lock()
			defer a.markMu.Unlock()
			start := a.c.Clock.Now()
			if err := a.extended(start, a.store.MarkSent(storeContext(ctx), a.id, a.n, a.c.Lease)); err != nil {
				a.refused.Store(true)
				if errors.Is(err, taskstore.ErrLeaseLost) {
					a.cancel() // no later request of this attempt may leave either
				}
				return fmt.Errorf("recording in the task store that the request is being sent: %w", err)
			}
			a.pending.Add(1)
			return nil
		},
		Unprocessed: func(ctx context.Context) {
			a.markMu.Lock()
			defer a.markMu.Unlock()
			if a.pending.Add(-1) > 0 {
				return // another request of this attempt may have had an effect
			}
			_ = a.extended(a.c.Clock.Now(), a.store.Unmark(storeContext(ctx), a.id, a.n, a.c.Lease))
		},
	}
}
