package handler_test

// Tests of the Idempotency middleware's timing (lease renewal, the
// in-progress wait, the lease an unrecorded answer needs) on a fake clock:
// each step is an Advance the test makes, so nothing depends on how fast
// the machine runs.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	clk "github.com/connectorworks/twilio-worker/internal/clock"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/sendmark"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// leaseT0 is where every fake clock starts.
var leaseT0 = time.Date(2024, 3, 1, 10, 20, 0, 0, time.UTC)

// onFakeClock returns idemCfg on a fake clock with the production lease
// (DefaultLease, renewed every 10 s) and in-progress wait, and makes store
// record its instants on that clock.
func onFakeClock(store *fakeStore) (handler.IdempotencyConfig, *clk.Fake) {
	c := clk.NewFake(leaseT0)
	cfg := idemCfg
	cfg.Clock, cfg.Lease, cfg.InProgressWait = c, 0, 0
	store.now = c.Now
	return cfg, c
}

// since lists instants as offsets from leaseT0, for messages.
func since(ts []time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, at := range ts {
		out[i] = at.Sub(leaseT0)
	}
	return out
}

type outcome struct {
	r   *task.Result
	err error
}

// goHandle runs h on m on a goroutine of its own.
func goHandle(h handler.Func, m *handler.Message) <-chan outcome {
	done := make(chan outcome, 1)
	go func() {
		r, err := h(context.Background(), m)
		done <- outcome{r, err}
	}()
	return done
}

// within bounds every wait for the code under test to reach a state. It is
// never a measure of speed: a slow machine uses more of it, not all of it.
const within = 10 * time.Second

// waitPending waits until at least n timers are pending on c.
func waitPending(t *testing.T, c *clk.Fake, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	if err := c.BlockUntil(ctx, n); err != nil {
		t.Fatal(err)
	}
}

// waitSignal waits for a value on ch, one of fakeStore's signals.
func waitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(within):
		t.Fatalf("no %s within %v", what, within)
	}
}

// result returns the handler's outcome, for a handler that no longer waits
// on the clock.
func result(t *testing.T, done <-chan outcome) outcome {
	t.Helper()
	select {
	case o := <-done:
		return o
	case <-time.After(within):
		t.Fatalf("the handler did not return within %v", within)
		return outcome{}
	}
}

// await returns the handler's outcome, advancing c straight to the next
// due instant whenever the handler waits on it (its pauses between Finish
// retries). Call it only once no renewal ticker can be live any more (the
// first Finish has begun), or it would advance that too.
func await(t *testing.T, c *clk.Fake, done <-chan outcome) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	for {
		waiting := make(chan error, 1)
		bctx, stop := context.WithCancel(ctx)
		go func() { waiting <- c.BlockUntil(bctx, 1) }()
		select {
		case o := <-done:
			stop()
			return o
		case err := <-waiting:
			stop()
			if err != nil {
				t.Fatalf("the handler did not return: %v", err)
			}
			if next, ok := c.Next(); ok {
				c.Advance(next.Sub(c.Now()))
			}
		}
	}
}

// tick waits for the renewal ticker, checks that it is due at want, moves
// the clock there and waits for the Renew it causes.
func tick(t *testing.T, c *clk.Fake, store *fakeStore, want time.Time) {
	t.Helper()
	waitPending(t, c, 1)
	next, _ := c.Next()
	if !next.Equal(want) {
		t.Fatalf("next renewal due at t0+%v, want t0+%v", next.Sub(leaseT0), want.Sub(leaseT0))
	}
	c.Advance(next.Sub(c.Now()))
	waitSignal(t, store.renewed, "Renew")
}

// gate is an inner Func that optionally announces a create, then says
// it has started (closing started) and waits for release to return r, err.
type gate struct {
	send             bool
	started, release chan struct{}
	r                *task.Result
	err              error
}

func newGate(send bool, r *task.Result, err error) *gate {
	return &gate{send: send, started: make(chan struct{}), release: make(chan struct{}), r: r, err: err}
}

func (g *gate) fn(ctx context.Context, _ *handler.Message) (*task.Result, error) {
	if g.send {
		if err := sendmark.Sending(ctx); err != nil {
			return nil, err
		}
	}
	close(g.started)
	<-g.release
	return g.r, g.err
}

var inProgress = taskstore.Claim{State: taskstore.InProgress, Attempt: 1}

// TestIdempotencyInProgressWaits: a redelivery that finds another attempt
// running looks again every 2 s, and answers from the store once that
// attempt is done, without running the task.
func TestIdempotencyInProgressWaits(t *testing.T) {
	t.Parallel()
	stored := `{"taskId":"task-1","status":"SUCCEEDED","deliveryAttempt":1}`
	store := &fakeStore{claims: []taskstore.Claim{inProgress, inProgress, inProgress},
		claim: taskstore.Claim{State: taskstore.Done, Result: []byte(stored), Attempt: 1}}
	cfg, fc := onFakeClock(store)
	next := &fakeNext{err: errors.New("must not run")}
	o := await(t, fc, goHandle(handler.Idempotency(store, cfg)(next.fn), msg(createTask)))
	if o.err != nil || o.r == nil || o.r.Status != task.StatusSucceeded || next.calls != 0 {
		t.Fatalf("got %+v, %v after %d inner calls; want the stored result", o.r, o.err, next.calls)
	}
	want := []time.Duration{0, 2 * time.Second, 4 * time.Second, 6 * time.Second}
	if got := since(store.beganAt); !slices.Equal(got, want) {
		t.Errorf("Begin at %v, want %v", got, want)
	}
}

// TestIdempotencyInProgressGivesUp: the wait ends after InProgressWait
// (40 s) with ErrTaskInProgress, a nack.
func TestIdempotencyInProgressGivesUp(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: inProgress}
	cfg, fc := onFakeClock(store)
	next := &fakeNext{r: succeeded()}
	o := await(t, fc, goHandle(handler.Idempotency(store, cfg)(next.fn), msg(createTask)))
	if o.r != nil || !errors.Is(o.err, handler.ErrTaskInProgress) || next.calls != 0 {
		t.Fatalf("got %+v, %v after %d inner calls; want ErrTaskInProgress", o.r, o.err, next.calls)
	}
	if began := since(store.beganAt); len(began) != 21 || began[20] != handler.DefaultInProgressWait {
		t.Errorf("Begin at %v; want 21 calls 2 s apart, the last at %v", began, handler.DefaultInProgressWait)
	}
}

// TestIdempotencyInProgressCanceled: a shutdown ends the wait at once,
// with no clock moving.
func TestIdempotencyInProgressCanceled(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: inProgress}
	cfg, _ := onFakeClock(store)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := handler.Idempotency(store, cfg)((&fakeNext{}).fn)(ctx, msg(createTask))
	if got != nil || !errors.Is(err, handler.ErrTaskInProgress) || len(store.begins) != 1 {
		t.Errorf("got %+v, %v after %d Begins; want ErrTaskInProgress after the first", got, err, len(store.begins))
	}
}

// TestIdempotencyUnrecordedAnswerNeedsTheLease: a create whose result
// cannot be recorded is published only while no other attempt can hold
// the task: within the lease counted from the last call the store
// confirmed (Begin at t0 and MarkSent, then each successful renewal).
// Past it the task is nacked, and the redelivery answers from the store.
func TestIdempotencyUnrecordedAnswerNeedsTheLease(t *testing.T) {
	t.Parallel()
	storeDown := errors.New("redis: i/o timeout")
	for _, c := range []struct {
		name     string
		renewErr error
		ticks    int // renewals (every 10 s) before the inner Func returns
		answered bool
	}{
		{"renewals failing, within the lease", storeDown, 2, true},
		{"renewals failing, lease over at t0+30s", storeDown, 3, false},
		{"renewals succeeding", nil, 3, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, renewErr: c.renewErr,
				finishErr: storeDown, renewed: make(chan struct{}, 1), finishing: make(chan struct{}, 1)}
			cfg, fc := onFakeClock(store)
			g := newGate(true, succeeded(), nil)
			done := goHandle(handler.Idempotency(store, cfg)(g.fn), msg(createTask))
			waitSignal(t, g.started, "start") // marked at t0
			for i := 1; i <= c.ticks; i++ {
				tick(t, fc, store, leaseT0.Add(time.Duration(i)*10*time.Second))
			}
			close(g.release)
			waitSignal(t, store.finishing, "Finish") // renewals have stopped
			o := await(t, fc, done)
			if answered := o.r != nil && o.err == nil; answered != c.answered {
				t.Errorf("got %+v, %v; want answered=%v", o.r, o.err, c.answered)
			}
			if len(store.finished) != 4 || len(store.aborts) != 0 {
				t.Errorf("Finish tried %d times, Abort %d; want 4 tries and no Abort (the mark stays)",
					len(store.finished), len(store.aborts))
			}
		})
	}
}

// TestIdempotencyOneRenewerForAllAttempts: attempts running at once share
// one ticker (not one goroutine and ticker each), every one of them is
// renewed at its tick, and the ticker stops with the last attempt.
func TestIdempotencyOneRenewerForAllAttempts(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, renewed: make(chan struct{}, 3)}
	cfg, fc := onFakeClock(store)
	started, release := make(chan struct{}, 3), make(chan struct{})
	inner := func(context.Context, *handler.Message) (*task.Result, error) {
		started <- struct{}{}
		<-release
		return succeeded(), nil
	}
	h := handler.Idempotency(store, cfg)(inner)
	var dones []<-chan outcome
	for i := range 3 {
		m := msg(getTask)
		m.Attributes = map[string]string{"taskId": fmt.Sprintf("task-%d", i)}
		dones = append(dones, goHandle(h, m))
		waitSignal(t, started, "start")
	}
	if n := fc.Pending(); n != 1 {
		t.Fatalf("%d timers pending with three attempts running; want one shared renewal ticker", n)
	}
	fc.Advance(10 * time.Second)
	for range 3 {
		waitSignal(t, store.renewed, "Renew")
	}
	close(release)
	for _, done := range dones {
		if o := result(t, done); o.err != nil || o.r == nil {
			t.Fatalf("got %+v, %v; want the inner result", o.r, o.err)
		}
	}
	store.mu.Lock()
	renews := len(store.renews)
	store.mu.Unlock()
	if renews != 3 {
		t.Errorf("%d renewals at the first tick; want one per running attempt (3)", renews)
	}
	if n := fc.Pending(); n != 0 {
		t.Errorf("%d timers pending after the last attempt ended; want the ticker stopped", n)
	}
}

// blockingRenew is a store whose Renew waits for its context to end and
// reports why it ended.
type blockingRenew struct {
	*fakeStore
	renewing chan struct{}
	ended    chan error
}

func (s *blockingRenew) Renew(ctx context.Context, _ string, _ int, _ time.Duration) error {
	close(s.renewing)
	<-ctx.Done()
	s.ended <- ctx.Err()
	return ctx.Err()
}

// TestIdempotencyStopCancelsRenewal: when the attempt ends, a renewal still
// waiting for the store is canceled (not left to its timeout), and the
// handler returns only after it has ended, so no renewal of the attempt
// reaches the store afterwards.
func TestIdempotencyStopCancelsRenewal(t *testing.T) {
	t.Parallel()
	fs := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
	store := &blockingRenew{fakeStore: fs, renewing: make(chan struct{}), ended: make(chan error, 1)}
	cfg, fc := onFakeClock(fs)
	cfg.StoreTimeout = time.Hour // only a cancel can end the renewal within the test
	g := newGate(false, succeeded(), nil)
	done := goHandle(handler.Idempotency(store, cfg)(g.fn), msg(getTask))
	waitSignal(t, g.started, "start")
	waitPending(t, fc, 1)
	next, _ := fc.Next()
	fc.Advance(next.Sub(fc.Now()))
	waitSignal(t, store.renewing, "Renew")
	close(g.release)
	o := result(t, done)
	select {
	case err := <-store.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the renewal ended with %v; want it canceled", err)
		}
	default:
		t.Fatal("the handler returned while a renewal was still waiting for the store")
	}
	if o.err != nil || o.r == nil {
		t.Errorf("got %+v, %v; want the inner result", o.r, o.err)
	}
}
