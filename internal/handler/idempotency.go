package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/clock"
	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// ErrTaskInProgress is what Idempotency returns, with no Result, for a task
// that another attempt is running right now (a redelivery that overtook the
// first delivery, or a second replica). The adapter nacks it; a later
// delivery finds the task done, or abandoned if that attempt died.
var ErrTaskInProgress = errors.New("another attempt at this task is in progress; it will be retried")

// Defaults for IdempotencyConfig's zero fields.
const (
	DefaultLease           = 30 * time.Second
	DefaultResultTTL       = 24 * time.Hour
	DefaultAtLeastOnceAttr = "atLeastOnce"
	DefaultStoreTimeout    = 10 * time.Second
	DefaultInProgressWait  = 40 * time.Second
)

// IdempotencyConfig configures Idempotency. Zero fields take the defaults.
type IdempotencyConfig struct {
	// Lease is how long one attempt holds its task without renewing it
	// (DefaultLease). A running attempt renews it every third of it, so it
	// need not cover the task deadline; it bounds how long the tasks of a
	// worker that died stay blocked for the others.
	Lease time.Duration
	// ResultTTL is how long a result is kept for redeliveries
	// (DefaultResultTTL).
	ResultTTL time.Duration
	// AtLeastOnceAttribute names the message attribute that, set to
	// "true", lets an abandoned CREATE or ACTION run again
	// (DefaultAtLeastOnceAttr).
	AtLeastOnceAttribute string
	// StoreTimeout bounds each lease renewal (DefaultStoreTimeout, and at
	// most a third of the lease), so a slow store cannot let a renewal's
	// time pass unnoticed. Other store calls run even when the task's ctx
	// is canceled and rely on the store's own I/O timeouts.
	StoreTimeout time.Duration
	// Canonical maps an entity name to the catalogue's, for the results
	// Idempotency answers itself (pass Ops.Canonical); nil keeps raw names.
	Canonical func(entity string) (string, bool)
	// InProgressWait is how long a redelivery waits for another attempt
	// at the same task to finish, or for a dead worker's lease to lapse,
	// before it is nacked (DefaultInProgressWait). Longer than Lease, one
	// wait outlasts any dead worker's claim and spends no delivery attempt.
	InProgressWait time.Duration
	// TaskTimeout, when positive, is the deadline of each attempt's run,
	// set on the context the attempt already makes to stop a run whose
	// lease is lost: a Timeout(TaskTimeout) further in then finds it and
	// adds no context of its own. Each context costs an allocation, a
	// channel and a registration with its parent per task: one fewer was
	// 3 % of the worker's CPU in cmd/bench.
	TaskTimeout time.Duration
	// Clock times the leases, their renewal, the in-progress wait and the
	// pauses between retries of Finish; nil means clock.Real(). Tests pass
	// a clock.Fake.
	Clock clock.Clock
	// Now supplies the timestamps of the results Idempotency answers
	// itself; nil means Clock's Now.
	Now func() time.Time
	// Logger gets a warning when a result could not be recorded (the
	// result is still returned, so the Log middleware reports success);
	// nil logs nothing.
	Logger *zap.Logger

	renewer *renewer // set by Idempotency: one for all the attempts it runs
}

// Idempotency returns a Middleware that gives each task id one answer per
// store, the same on every redelivery, across restarts and (with a shared
// store) replicas, and never a second Twilio call where the worker can know
// the first one happened (docs/contract.md §2, docs/architecture.md,
// decision 5). Per message it calls store.Begin with the task id and:
//
//   - Done: returns the stored Result (with this delivery's
//     DeliveryAttempt) without calling the inner Func.
//   - InProgress: waits up to InProgressWait for the other attempt to
//     finish or its lease to lapse, then returns ErrTaskInProgress.
//   - Abandoned, for a CREATE or ACTION without the at-least-once
//     attribute whose earlier attempt marked its request as sent: returns,
//     without calling the inner Func, a FAILED DEADLINE_EXCEEDED result
//     saying the outcome is unknown, and records it. Other tasks, and
//     creates that never got as far as sending, run again as if New.
//   - New: runs the inner Func, renewing the lease while it runs; for a
//     CREATE or ACTION every request with side effects is first marked as
//     sent in the store (sendmark), and not sent if the lease was lost. A
//     Result with a nil error is recorded with Finish and the task's one
//     answer (the result recorded first) is returned. Anything else (an
//     error such as context.Canceled at shutdown, or no Result) releases
//     the claim with Abort, which keeps the record of a marked create, and
//     is returned unchanged. An attempt that may no longer hold the task
//     (its lease was lost, see attempt.go) answers nothing and returns an
//     error, so that it never contradicts the attempt that does.
//
// A store error from Begin is returned with no Result: the task is nacked,
// never run without its claim. A message without a task id bypasses the
// store. It is safe for concurrent use if store is.
//
// # Place in the chain
//
// It goes just inside Log:
//
//	handler.Chain(handler.New(ops, now),
//		handler.Log(logger),
//		handler.Idempotency(store, cfg),
//		handler.Classify(), handler.Timeout(d), handler.Recover())
//
// Inside Log, so the log line covers republished and refused tasks and
// store errors. Outside Classify, so that it records the final, classified
// Result (the one that is published) and still sees a shutdown's
// context.Canceled, which Classify passes through. Outside Timeout, so
// that Finish and Abort are not cut off by it. The adapter must nack every error, not only cancellations.
func Idempotency(store taskstore.Store, cfg IdempotencyConfig) Middleware {
	c := cfg.withDefaults()
	c.renewer = newRenewer(c, store)
	return func(next Func) Func {
		return func(ctx context.Context, m *Message) (*task.Result, error) {
			id := m.TaskID()
			if id == "" {
				return next(ctx, m)
			}
			begun := c.Clock.Now() // the lease is counted from no earlier than this
			claim, err := store.Begin(ctx, id, c.Lease)
			if err != nil {
				return nil, err
			}
			switch claim.State {
			case taskstore.Done:
				return c.stored(m, claim.Result), nil
			case taskstore.InProgress:
				return c.waitInProgress(ctx, store, next, m)
			case taskstore.Abandoned, taskstore.New:
				return c.claimed(ctx, store, next, m, claim, begun)
			default:
				return nil, fmt.Errorf("task store: Begin answered the unknown state %v", claim.State)
			}
		}
	}
}

func (c IdempotencyConfig) withDefaults() IdempotencyConfig {
	if c.Lease <= 0 {
		c.Lease = DefaultLease
	}
	if c.ResultTTL <= 0 {
		c.ResultTTL = DefaultResultTTL
	}
	if c.AtLeastOnceAttribute == "" {
		c.AtLeastOnceAttribute = DefaultAtLeastOnceAttr
	}
	if c.StoreTimeout <= 0 {
		c.StoreTimeout = DefaultStoreTimeout
	}
	if c.InProgressWait <= 0 {
		c.InProgressWait = DefaultInProgressWait
	}
	if c.Clock == nil {
		c.Clock = clock.Real()
	}
	if c.Now == nil {
		c.Now = c.Clock.Now
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	return c
}

// claimed answers a task Begin granted a lease for (New or Abandoned).
// begun is when the Begin that granted it was called.
func (c IdempotencyConfig) claimed(ctx context.Context, store taskstore.Store, next Func, m *Message, claim taskstore.Claim, begun time.Time) (*task.Result, error) {
	t, unsafe := sideEffects(m)
	if claim.State == taskstore.Abandoned && claim.Sent && unsafe && m.Attributes[c.AtLeastOnceAttribute] != "true" {
		return c.finish(ctx, store, m, c.unknownOutcome(m, t, claim.Attempt)), nil
	}
	return c.run(ctx, store, next, m, claim.Attempt, begun, unsafe)
}

// finish records r as the task's result and returns the task's one
// answer: r, or the result another attempt recorded first (possible only
// after this attempt lost its lease), so that every delivery of a task
// publishes the same answer. A failure to record is logged, not returned:
// the task did run, and publishing its result matters more than
// remembering it; a redelivery then finds the attempt abandoned, which for
// a CREATE means an unknown-outcome answer, never a second create.
func (c IdempotencyConfig) finish(ctx context.Context, store taskstore.Store, m *Message, r *task.Result) *task.Result {
	res, _ := c.record(ctx, store, m, r)
	return res
}

// record is finish that also reports whether the store holds the answer.
func (c IdempotencyConfig) record(ctx context.Context, store taskstore.Store, m *Message, r *task.Result) (*task.Result, bool) {
	data, err := r.JSON()
	var earlier []byte
	if err == nil {
		m.recordEncoded(r, data)
		sctx := storeContext(ctx)
		// Finish is safe to repeat (the first result recorded wins), and a
		// lost one costs a redelivery its stored answer: try a few times.
		for try := 0; try < 4; try++ {
			if earlier, err = store.Finish(sctx, m.TaskID(), data, c.ResultTTL); err == nil || sctx.Err() != nil {
				break
			}
			c.sleep(sctx, time.Duration(50<<try)*time.Millisecond)
		}
	}
	if err != nil {
		c.Logger.Warn("task result not recorded in the task store; a redelivery will not find it",
			zap.String("task_id", task.Clip(m.TaskID())), zap.String("message_id", task.Clip(m.ID)), zap.Error(err))
		return r, false
	}
	if earlier != nil && !bytes.Equal(earlier, data) { // equal: a retry after our own write's reply was lost
		c.Logger.Warn("another attempt answered this task first; publishing its result instead of this attempt's",
			zap.String("task_id", task.Clip(m.TaskID())), zap.String("message_id", task.Clip(m.ID)))
		return c.stored(m, earlier), true
	}
	return r, true
}

// storeContext keeps ctx's values but not its cancellation or deadline:
// recording an interrupted attempt's outcome matters most at shutdown. It
// adds no timeout of its own, since it runs several times per task and a
// timer each time costs more than the call to an in-memory store: a store
// that does I/O bounds its calls itself (the Redis store's client has
// dial, read and write timeouts of a few seconds).
func storeContext(ctx context.Context) context.Context {
	return context.WithoutCancel(ctx)
}

// stored decodes a stored result. Numbers stay json.Number so that the
// republished payload is byte for byte the first one (a float64 would turn
// a large integer into 1e+21). A record that cannot be read still gets an
// answer rather than a redelivery loop, and the task is not run again.
func (c IdempotencyConfig) stored(m *Message, data []byte) *task.Result {
	r := &task.Result{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(r); err != nil {
		t, _ := m.Task()
		return c.failed(m, t, &task.ErrorInfo{Code: codes.Internal, Message: "internal error: this task already ran, but its " +
			"stored result cannot be read (" + err.Error() + "); check Twilio for its outcome before sending it again"})
	}
	r.DeliveryAttempt = m.DeliveryAttempt
	return r
}

// unknownOutcome is the answer for a CREATE or ACTION whose earlier
// attempt may have reached Twilio: classify.go's rule for a timed-out
// create, applied across deliveries.
func (c IdempotencyConfig) unknownOutcome(m *Message, t *task.Task, attempt int) *task.Result {
	what := t.Operation
	if t.Operation == task.OpAction && t.Action != "" {
		what = "ACTION " + task.Clip(t.Action)
	}
	msg := fmt.Sprintf("an earlier attempt at this %s started and did not finish (this is attempt %d), "+
		"so whether Twilio carried it out is unknown. Check Twilio (for example with a LIST and a filterClause) "+
		"before sending it again, or set the message attribute %s=true to allow a second attempt.",
		what, attempt, c.AtLeastOnceAttribute)
	return c.failed(m, t, &task.ErrorInfo{Code: codes.DeadlineExceeded, Message: msg})
}

// failed builds a FAILED Result for m without the inner Func.
func (c IdempotencyConfig) failed(m *Message, t *task.Task, info *task.ErrorInfo) *task.Result {
	now := stamp(c.Now())
	r := &task.Result{TaskID: m.TaskID(), Entity: task.Clip(t.Entity), Operation: task.Clip(t.Operation), Status: task.StatusFailed,
		Error: info, DeliveryAttempt: m.DeliveryAttempt, StartedAt: now, FinishedAt: now}
	if c.Canonical != nil && t.Entity != "" {
		if name, ok := c.Canonical(t.Entity); ok {
			r.Entity = name
		}
	}
	return r
}

// sideEffects decodes m's task and reports whether running it again could
// repeat a Twilio side effect (CREATE, ACTION). A malformed task never
// reaches Twilio, so it has none.
func sideEffects(m *Message) (*task.Task, bool) {
	t, err := m.Task()
	return t, err == nil && hasSideEffects(t.Operation)
}

// inProgressPoll is how often a redelivery waiting on another attempt
// looks again.
const inProgressPoll = 2 * time.Second

// waitInProgress holds a redelivery while another attempt runs (Pub/Sub
// keeps extending its lease), instead of nacking at once: an immediate
// nack would spend the subscription's delivery attempts in seconds and
// could dead-letter a task whose first attempt is about to finish. After
// InProgressWait it gives up and nacks.
func (c IdempotencyConfig) waitInProgress(ctx context.Context, store taskstore.Store, next Func, m *Message) (*task.Result, error) {
	deadline := c.Clock.Now().Add(c.InProgressWait)
	for c.Clock.Now().Before(deadline) {
		if !c.sleep(ctx, inProgressPoll) {
			return nil, ErrTaskInProgress
		}
		begun := c.Clock.Now()
		claim, err := store.Begin(ctx, m.TaskID(), c.Lease)
		if err != nil {
			return nil, err
		}
		switch claim.State {
		case taskstore.Done:
			return c.stored(m, claim.Result), nil
		case taskstore.Abandoned, taskstore.New:
			return c.claimed(ctx, store, next, m, claim, begun)
		}
	}
	return nil, ErrTaskInProgress
}

// sleep waits d on c.Clock unless ctx ends first; it reports whether it
// waited.
func (c IdempotencyConfig) sleep(ctx context.Context, d time.Duration) bool {
	t := c.Clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-ctx.Done():
		return false
	}
}
