package handler_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/sendmark"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// fakeStore answers Begin with a fixed claim (or error) and records what
// reached it, including whether the context of Finish and Abort was live.
type fakeStore struct {
	claim                taskstore.Claim
	claims               []taskstore.Claim // the answers of the first Begins, before claim
	beginErr, finishErr  error
	abortErr             error
	mu                   sync.Mutex
	begins               []time.Duration // the leases asked for
	finished             []finishCall
	aborts               []int // the attempt per Abort
	renews, marks        []int // the attempt per Renew and MarkSent
	unmarks              []int // the attempt per Unmark
	markErr, renewErr    error
	earlier              []byte // what Finish answers: a result recorded first
	deadCtxAtFinishAbort bool

	now       func() time.Time // when set, the instants of Begin and Renew are recorded
	beganAt   []time.Time
	renewedAt []time.Time
	renewed   chan struct{} // when set, gets a value per Renew (dropped if full)
	finishing chan struct{} // when set, gets a value per Finish (dropped if full)
}

// signal sends on ch without blocking the store: a test reads only the
// signals it waits for.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

type finishCall struct {
	id     string
	result []byte
	ttl    time.Duration
}

var _ taskstore.Store = (*fakeStore)(nil)

func (s *fakeStore) Begin(_ context.Context, _ string, lease time.Duration) (taskstore.Claim, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.begins = append(s.begins, lease)
	if s.now != nil {
		s.beganAt = append(s.beganAt, s.now())
	}
	if len(s.claims) > 0 {
		c := s.claims[0]
		s.claims = s.claims[1:]
		return c, s.beginErr
	}
	return s.claim, s.beginErr
}

func (s *fakeStore) Finish(ctx context.Context, id string, result []byte, ttl time.Duration) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadCtxAtFinishAbort = s.deadCtxAtFinishAbort || ctx.Err() != nil
	s.finished = append(s.finished, finishCall{id, result, ttl})
	signal(s.finishing)
	return s.earlier, s.finishErr
}

func (s *fakeStore) Abort(ctx context.Context, _ string, attempt int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadCtxAtFinishAbort = s.deadCtxAtFinishAbort || ctx.Err() != nil
	s.aborts = append(s.aborts, attempt)
	return s.abortErr
}

func (s *fakeStore) Renew(_ context.Context, _ string, attempt int, _ time.Duration) error {
	s.mu.Lock()
	s.renews = append(s.renews, attempt)
	if s.now != nil {
		s.renewedAt = append(s.renewedAt, s.now())
	}
	err, renewed := s.renewErr, s.renewed
	s.mu.Unlock()
	signal(renewed)
	return err
}

func (s *fakeStore) Unmark(_ context.Context, _ string, attempt int, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unmarks = append(s.unmarks, attempt)
	return nil
}

func (s *fakeStore) MarkSent(_ context.Context, _ string, attempt int, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.marks = append(s.marks, attempt)
	return s.markErr
}

func (s *fakeStore) Close() error { return nil }

// fakeNext is the inner Func: it counts its calls and returns r, err.
// With send it first announces a request with side effects, as the HTTP
// transport does, and fails as a refused request does if that is refused.
type fakeNext struct {
	r     *task.Result
	err   error
	send  bool
	calls int
}

func (n *fakeNext) fn(ctx context.Context, _ *handler.Message) (*task.Result, error) {
	n.calls++
	if n.send {
		if err := sendmark.Sending(ctx); err != nil {
			return nil, fmt.Errorf("not sent: %w (%w)", err, codes.ErrNotSent)
		}
	}
	return n.r, n.err
}

const actionTask = `{"operation":"ACTION","action":"SendMessage","connectorInputPayload":{"To":"+15005550006"}}`

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// idemCfg runs on the real clock; the tests of timing (lease_test.go)
// put it on a fake one.
var idemCfg = handler.IdempotencyConfig{Lease: 3 * time.Minute, ResultTTL: time.Hour, Now: clock,
	Canonical: (&fakeOps{}).Canonical}

func withAttr(m *handler.Message, k, v string) *handler.Message {
	m.Attributes[k] = v
	return m
}

func succeeded() *task.Result {
	return &task.Result{TaskID: "task-1", Entity: "Messages", Operation: "CREATE", Status: task.StatusSucceeded,
		Payload: map[string]any{"Sid": "SM1"}, StartedAt: clockStamp, FinishedAt: clockStamp}
}

func TestIdempotencyDoneRepublishes(t *testing.T) {
	t.Parallel()
	stored := `{"taskId":"task-1","entity":"Messages","operation":"CREATE","status":"SUCCEEDED",` +
		`"connectorOutputPayload":{"Big":12345678901234567890123,"Price":-0.0075,"Sid":"SM1"},` +
		`"deliveryAttempt":1,"startedAt":"2024-03-01T10:20:00Z","finishedAt":"2024-03-01T10:20:01Z"}`
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.Done, Result: []byte(stored), Attempt: 1}}
	next := &fakeNext{err: errors.New("must not run")}
	m := msg(createTask) // taskId task-1, DeliveryAttempt 2
	got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), m)
	if err != nil || next.calls != 0 {
		t.Fatalf("got err %v after %d inner calls; want the stored result and no call", err, next.calls)
	}
	data, _ := json.Marshal(got)
	want := strings.Replace(stored, `"deliveryAttempt":1`, `"deliveryAttempt":2`, 1)
	if string(data) != want {
		t.Errorf("republished result\n got %s\nwant %s", data, want)
	}
	if len(store.finished) != 0 || len(store.aborts) != 0 {
		t.Errorf("store saw Finish %v, Abort %v; want neither", store.finished, store.aborts)
	}

	// A record that cannot be read is answered, not run again.
	store.claim.Result = []byte(`{"taskId":`)
	got, err = handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), m)
	if err != nil || next.calls != 0 || got.Status != task.StatusFailed || got.Error.Code != codes.Internal {
		t.Errorf("unreadable record: got %+v, %v after %d calls; want FAILED INTERNAL, task not run", got, err, next.calls)
	}
}

func TestIdempotencyAbandoned(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		m       *handler.Message
		runs    bool   // whether the inner Func must run
		subject string // what the unknown-outcome message names
	}{
		{"CREATE", msg(createTask), false, "CREATE"},
		{"ACTION", msg(actionTask), false, "ACTION SendMessage"},
		{"CREATE atLeastOnce", withAttr(msg(createTask), "atLeastOnce", "true"), true, ""},
		{"CREATE atLeastOnce not true", withAttr(msg(createTask), "atLeastOnce", "yes"), false, "CREATE"},
		{"GET", msg(getTask), true, ""},
		{"UPDATE", msg(`{"entity":"Messages","operation":"UPDATE","entityId":"SM1","connectorInputPayload":{"Body":""}}`), true, ""},
		{"malformed", msg(`{"entity":"Messages","operation":"CREATE"`), true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			store := &fakeStore{claim: taskstore.Claim{State: taskstore.Abandoned, Attempt: 2, Sent: true}}
			next := &fakeNext{r: succeeded()}
			got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), c.m)
			if err != nil || got == nil {
				t.Fatalf("got %v, %v; want a result", got, err)
			}
			if ran := next.calls == 1; ran != c.runs {
				t.Fatalf("inner Func ran %d times, want run=%v", next.calls, c.runs)
			}
			if len(store.finished) != 1 {
				t.Fatalf("Finish called %d times, want once", len(store.finished))
			}
			if !c.runs {
				checkUnknownOutcome(t, got, c.subject)
			}
			checkRecorded(t, store.finished[0], got)
		})
	}
}

func checkUnknownOutcome(t *testing.T, got *task.Result, subject string) {
	t.Helper()
	if got.Status != task.StatusFailed || got.Error == nil || got.Error.Code != codes.DeadlineExceeded || got.Error.Retryable {
		t.Fatalf("result = %+v (error %+v), want FAILED DEADLINE_EXCEEDED, not retryable", got, got.Error)
	}
	for _, want := range []string{"this " + subject + " started", "unknown", "attempt 2", "atLeastOnce=true", "LIST"} {
		if !strings.Contains(got.Error.Message, want) {
			t.Errorf("message %q lacks %q", got.Error.Message, want)
		}
	}
	if got.TaskID != "task-1" || got.DeliveryAttempt != 2 || got.StartedAt != clockStamp {
		t.Errorf("result names task %q attempt %d at %s, want task-1, 2, %s", got.TaskID, got.DeliveryAttempt, got.StartedAt, clockStamp)
	}
	if got.Operation == task.OpCreate && got.Entity != "Messages" {
		t.Errorf("entity = %q, want the canonical Messages", got.Entity)
	}
}

// checkRecorded asserts that Finish stored exactly the returned result.
func checkRecorded(t *testing.T, call finishCall, got *task.Result) {
	t.Helper()
	want, _ := json.Marshal(got)
	if call.id != "task-1" || string(call.result) != string(want) || call.ttl != time.Hour {
		t.Errorf("Finish(%q, %s, %v), want Finish(task-1, %s, 1h)", call.id, call.result, call.ttl, want)
	}
}

func TestIdempotencyNewSucceeds(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
	next := &fakeNext{r: succeeded()}
	got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(createTask))
	if err != nil || next.calls != 1 || got != next.r {
		t.Fatalf("got %v, %v after %d calls; want the inner result", got, err, next.calls)
	}
	if diff := cmp.Diff([]time.Duration{3 * time.Minute}, store.begins); diff != "" {
		t.Errorf("Begin leases (-want +got):\n%s", diff)
	}
	if len(store.finished) != 1 || len(store.aborts) != 0 {
		t.Fatalf("Finish %d, Abort %d times; want Finish once", len(store.finished), len(store.aborts))
	}
	checkRecorded(t, store.finished[0], got)
}

// TestIdempotencyTaskTimeout: with TaskTimeout, the run's context carries
// the task deadline (the attempt's own context, so that a Timeout further in
// adds none); without it, none.
func TestIdempotencyTaskTimeout(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{0, time.Hour} {
		store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
		var at time.Time
		var has bool
		next := func(ctx context.Context, _ *handler.Message) (*task.Result, error) {
			at, has = ctx.Deadline()
			return succeeded(), nil
		}
		cfg := idemCfg
		cfg.TaskTimeout = d
		start := time.Now()
		if _, err := handler.Idempotency(store, cfg)(next)(context.Background(), msg(createTask)); err != nil {
			t.Fatalf("TaskTimeout %v: %v", d, err)
		}
		switch {
		case d == 0 && has:
			t.Errorf("TaskTimeout 0: the run has deadline %v; want none", at)
		case d > 0 && (!has || at.Before(start.Add(d)) || at.After(time.Now().Add(d))):
			t.Errorf("TaskTimeout %v: deadline %v (set %v); want %v after the call", d, at, has, d)
		}
	}
}

// TestEncodedIsTheRecordedJSON: the adapter publishes the bytes the store
// recorded for the result (marshalled once), and marshals any other
// result itself.
func TestEncodedIsTheRecordedJSON(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
	next := &fakeNext{r: succeeded()}
	m := msg(createTask)
	got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), m)
	if err != nil || len(store.finished) != 1 {
		t.Fatalf("got %v, %v with %d Finish calls; want a recorded result", got, err, len(store.finished))
	}
	data, err := m.Encoded(got)
	if err != nil || &data[0] != &store.finished[0].result[0] {
		t.Errorf("Encoded(result) = %s, %v; want the very bytes recorded (%s)", data, err, store.finished[0].result)
	}
	other := *got
	other.Status = task.StatusFailed
	data, err = m.Encoded(&other)
	want, _ := json.Marshal(&other)
	if err != nil || string(data) != string(want) {
		t.Errorf("Encoded(another result) = %s, %v; want %s", data, err, want)
	}
}

func TestIdempotencyNewInterrupted(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, data      string
		innerErr        error
		wantSideEffects bool
	}{
		// A CREATE or ACTION cut off in flight is answered (outcome
		// unknown) in TestIdempotencyCanceledCreateIsAnswered; one that
		// never left (waiting for the budget) is released as safe.
		{"CREATE not sent", createTask, fmt.Errorf("%w (%w)", context.Canceled, codes.ErrNotSent), false},
		{"GET", getTask, context.Canceled, false},
		{"malformed", `{"operation":"CREATE","bogus":1}`, context.Canceled, false},
		// An inner Func that answers nothing (a bug: Classify never does)
		// leaves the task unanswered, so its claim is released too.
		{"no result", createTask, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
			next := &fakeNext{err: c.innerErr, send: c.wantSideEffects}
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // shutdown: the store calls must still get through
			got, err := handler.Idempotency(store, idemCfg)(next.fn)(ctx, msg(c.data))
			if got != nil || !errors.Is(err, c.innerErr) || (c.innerErr == nil && err != nil) {
				t.Fatalf("got %v, %v; want no result and error %v", got, err, c.innerErr)
			}
			// The store keeps or drops the record by the mark; Abort
			// names the attempt either way.
			wantMarks := 0
			if c.wantSideEffects {
				wantMarks = 1
			}
			if len(store.marks) != wantMarks {
				t.Errorf("MarkSent calls %v, want %d", store.marks, wantMarks)
			}
			if diff := cmp.Diff([]int{1}, store.aborts); diff != "" || len(store.finished) != 0 {
				t.Errorf("Abort(attempt) calls (-want +got):\n%s; Finish calls %d, want 0", diff, len(store.finished))
			}
			if store.deadCtxAtFinishAbort {
				t.Error("Abort got a canceled context")
			}
		})
	}
}

func TestIdempotencyRefusesWithoutClaim(t *testing.T) {
	t.Parallel()
	storeErr := errors.New("taskstore: begin: dial tcp: connection refused")
	cases := []struct {
		name    string
		store   *fakeStore
		wantErr error
	}{
		{"store down", &fakeStore{beginErr: storeErr}, storeErr},
		{"unknown state", &fakeStore{claim: taskstore.Claim{State: 99}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			next := &fakeNext{r: succeeded()}
			got, err := handler.Idempotency(c.store, idemCfg)(next.fn)(context.Background(), msg(createTask))
			if got != nil || err == nil || (c.wantErr != nil && !errors.Is(err, c.wantErr)) {
				t.Fatalf("got %v, %v; want no result and error %v", got, err, c.wantErr)
			}
			if next.calls != 0 || len(c.store.finished)+len(c.store.aborts) != 0 {
				t.Errorf("inner calls %d, Finish %d, Abort %d; want none", next.calls, len(c.store.finished), len(c.store.aborts))
			}
		})
	}
}

// TestIdempotencyCanceledCreateIsAnswered: a CREATE or ACTION cut off by
// shutdown may have reached Twilio; it is answered now, outcome unknown,
// and recorded, so no later delivery (even to a fresh memory store after a
// restart) sends it again.
func TestIdempotencyCanceledCreateIsAnswered(t *testing.T) {
	t.Parallel()
	for _, data := range []string{createTask, actionTask} {
		store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
		next := &fakeNext{err: context.Canceled, send: true}
		got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(data))
		if err != nil || got == nil || got.Error == nil || got.Error.Code != codes.DeadlineExceeded || got.Error.Retryable {
			t.Fatalf("got %+v, %v; want FAILED DEADLINE_EXCEEDED, not retryable", got, err)
		}
		if len(store.finished) != 1 || len(store.aborts) != 0 || len(store.marks) != 1 {
			t.Errorf("Finish calls %d, Abort calls %d, MarkSent calls %d; want 1, 0 and 1",
				len(store.finished), len(store.aborts), len(store.marks))
		}
	}
	// Cut off before its request was announced (still waiting for the
	// budget): nothing left, so it is released for a redelivery.
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
	next := &fakeNext{err: context.Canceled}
	if got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(createTask)); got != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("unsent CREATE: got %+v, %v; want no result and the cancellation", got, err)
	}
	if len(store.finished) != 0 || len(store.aborts) != 1 {
		t.Errorf("unsent CREATE: Finish calls %d, Abort calls %d; want 0 and 1", len(store.finished), len(store.aborts))
	}
}

// TestIdempotencyUnprocessedUnmarks: a create Twilio answered 429 is
// unmarked, so a shutdown while it waits for its retry nacks it (safe to
// run again) instead of answering an unknown outcome.
func TestIdempotencyUnprocessedUnmarks(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}}
	throttledThenStopped := func(ctx context.Context, _ *handler.Message) (*task.Result, error) {
		if err := sendmark.Sending(ctx); err != nil {
			return nil, err
		}
		sendmark.Unprocessed(ctx) // the 429
		return nil, context.Canceled
	}
	got, err := handler.Idempotency(store, idemCfg)(throttledThenStopped)(context.Background(), msg(createTask))
	if got != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %+v, %v; want no result (nacked)", got, err)
	}
	if diff := cmp.Diff([]int{1}, store.unmarks); diff != "" || len(store.aborts) != 1 {
		t.Errorf("Unmark(attempt) calls (-want +got):\n%s; Abort calls %d, want 1", diff, len(store.aborts))
	}
}

// TestIdempotencyAbandonedUnsentRuns: a CREATE whose earlier attempt never
// announced a request (its worker died while it waited for the budget) is
// safe to run again, and is run.
func TestIdempotencyAbandonedUnsentRuns(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.Abandoned, Attempt: 2}}
	next := &fakeNext{r: succeeded(), send: true}
	got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(createTask))
	if err != nil || got != next.r || next.calls != 1 {
		t.Fatalf("got %v, %v after %d calls; want the inner result", got, err, next.calls)
	}
	if diff := cmp.Diff([]int{2}, store.marks); diff != "" {
		t.Errorf("MarkSent(attempt) calls (-want +got):\n%s", diff)
	}
}

// TestIdempotencyMarkRefused: when the store refuses the sent mark (the
// lease was lost, or the store is down) the request is not sent and the
// task is released for a redelivery.
func TestIdempotencyMarkRefused(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, markErr: taskstore.ErrLeaseLost}
	next := &fakeNext{r: succeeded(), send: true}
	got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(createTask))
	if got != nil || !errors.Is(err, taskstore.ErrLeaseLost) || !errors.Is(err, codes.ErrNotSent) {
		t.Fatalf("got %v, %v; want no result and a not-sent error naming the lost lease", got, err)
	}
	if len(store.finished) != 0 || len(store.aborts) != 1 {
		t.Errorf("Finish calls %d, Abort calls %d; want 0 and 1", len(store.finished), len(store.aborts))
	}
}

// TestIdempotencyMarkRefusedFullChain: through the real chain a refused
// mark becomes a classified FAILED result; it must still not be recorded
// or published (another attempt may hold the task), only nacked.
func TestIdempotencyMarkRefusedFullChain(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.Abandoned, Attempt: 2}, markErr: taskstore.ErrLeaseLost}
	ops := &fakeOps{do: func(ctx context.Context, _ *task.Task) (task.Output, error) {
		if err := sendmark.Sending(ctx); err != nil { // as the HTTP transport does
			return task.Output{}, fmt.Errorf("not sending: %w (%w)", err, codes.ErrNotSent)
		}
		return task.Output{Payload: map[string]any{"Sid": "SM1"}}, nil
	}}
	h := handler.Chain(handler.New(ops, clock), handler.Log(zap.NewNop()), handler.Idempotency(store, idemCfg),
		handler.Classify(), handler.Timeout(time.Second), handler.Recover())
	got, err := h(context.Background(), msg(createTask))
	if got != nil || err == nil {
		t.Fatalf("got %+v, %v; want no result and an error (nack)", got, err)
	}
	if len(store.finished) != 0 || len(store.aborts) != 1 {
		t.Errorf("Finish calls %d, Abort calls %d; want 0 and 1", len(store.finished), len(store.aborts))
	}
}

// TestIdempotencyLeaseLostWhileRunning: an attempt whose renewal found the
// lease lost answers only through the store. Having sent nothing, it
// nacks; having sent a create, it publishes only what the store recorded
// (here Finish fails, so it nacks too, and keeps the mark).
func TestIdempotencyLeaseLostWhileRunning(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		data   string
		send   bool
		innerR *task.Result
		inner  error
		finish error
	}{
		{"read, nothing sent", getTask, false, succeeded(), nil, nil},
		{"create sent, result not recorded", createTask, true, succeeded(), nil, errors.New("redis: connection refused")},
		// The shutdown would be answered "outcome unknown", if recorded.
		{"create sent, cut off by shutdown, not recorded", createTask, true, nil, context.Canceled, errors.New("redis: connection refused")},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, renewErr: taskstore.ErrLeaseLost,
				finishErr: c.finish, renewed: make(chan struct{}, 1), finishing: make(chan struct{}, 1)}
			cfg, fc := onFakeClock(store)
			g := newGate(c.send, c.innerR, c.inner)
			done := goHandle(handler.Idempotency(store, cfg)(g.fn), msg(c.data))
			waitSignal(t, g.started, "start")
			tick(t, fc, store, leaseT0.Add(10*time.Second)) // the renewal meets the lost lease
			close(g.release)
			var o outcome
			if c.send {
				waitSignal(t, store.finishing, "Finish") // the run and its renewals are over
				o = await(t, fc, done)
			} else {
				o = result(t, done)
			}
			if o.r != nil || o.err == nil {
				t.Fatalf("got %+v, %v; want no result and an error (nack)", o.r, o.err)
			}
			// Sent nothing: released, never answered. Sent: the mark stays.
			if sentNothing := !c.send; len(store.aborts) != b2i(sentNothing) || (sentNothing && len(store.finished) != 0) {
				t.Errorf("Abort calls %d, Finish calls %d; want %d Aborts and no Finish unless sent",
					len(store.aborts), len(store.finished), b2i(sentNothing))
			}
		})
	}
}

// TestIdempotencyRenewsLease: a running attempt renews its lease every
// third of it (10 s of the default 30 s), naming its attempt, and stops
// renewing when it ends.
func TestIdempotencyRenewsLease(t *testing.T) {
	t.Parallel()
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.Abandoned, Attempt: 3}, renewed: make(chan struct{}, 1)}
	cfg, fc := onFakeClock(store)
	g := newGate(false, succeeded(), nil)
	done := goHandle(handler.Idempotency(store, cfg)(g.fn), msg(getTask))
	waitSignal(t, g.started, "start")
	for i := 1; i <= 3; i++ {
		tick(t, fc, store, leaseT0.Add(time.Duration(i)*10*time.Second))
	}
	close(g.release)
	if o := result(t, done); o.err != nil || o.r == nil {
		t.Fatalf("got %+v, %v; want the inner result", o.r, o.err)
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second}
	if got := since(store.renewedAt); !slices.Equal(got, want) || !slices.Equal(store.renews, []int{3, 3, 3}) {
		t.Errorf("Renew(attempt) %v at %v; want attempt 3 at %v", store.renews, got, want)
	}
	if n := fc.Pending(); n != 0 {
		t.Errorf("%d timers pending after the attempt ended; want the renewal ticker stopped", n)
	}
}

func TestIdempotencyStoreFailsAfterRun(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.WarnLevel)
	finishErr, abortErr := errors.New("finish failed"), errors.New("abort failed")

	// The task ran: its result is still answered (the lease is surely
	// held), after Finish was tried 4 times, and the failure logged.
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, finishErr: finishErr,
		finishing: make(chan struct{}, 1)}
	cfg, fc := onFakeClock(store)
	cfg.Logger = zap.New(core)
	next := &fakeNext{r: succeeded()}
	done := goHandle(handler.Idempotency(store, cfg)(next.fn), msg(createTask))
	waitSignal(t, store.finishing, "Finish") // the run and its renewals are over
	if o := await(t, fc, done); o.err != nil || o.r != next.r || len(store.finished) != 4 {
		t.Errorf("Finish failure: got %v, %v after %d Finish calls; want the inner result after 4", o.r, o.err, len(store.finished))
	}
	if logs.FilterMessageSnippet("not recorded").Len() != 1 {
		t.Errorf("log = %v, want one warning about the unrecorded result", logs.All())
	}

	store = &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, abortErr: abortErr}
	next = &fakeNext{err: context.Canceled}
	_, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(getTask))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, abortErr) {
		t.Errorf("Abort failure: err = %v, want both the cancellation and the store error", err)
	}
}

// TestIdempotencyFinishLosesRace: when another attempt recorded its result
// first (this one had lost its lease), the earlier result is the answer,
// so the task never gets two different ones.
func TestIdempotencyFinishLosesRace(t *testing.T) {
	t.Parallel()
	earlier := `{"taskId":"task-1","entity":"Messages","operation":"CREATE","status":"FAILED",` +
		`"error":{"code":"DEADLINE_EXCEEDED","message":"outcome unknown","retryable":false},` +
		`"deliveryAttempt":1,"startedAt":"2024-03-01T10:20:00Z","finishedAt":"2024-03-01T10:20:01Z"}`
	store := &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, earlier: []byte(earlier)}
	next := &fakeNext{r: succeeded()}
	got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(createTask))
	if err != nil || got == nil || got.Status != task.StatusFailed || got.Error == nil ||
		got.Error.Code != codes.DeadlineExceeded || got.DeliveryAttempt != 2 {
		t.Fatalf("got %+v, %v; want the earlier FAILED result with this delivery's attempt 2", got, err)
	}
	// A retried Finish that finds this attempt's own result (the first
	// reply was lost) keeps it.
	own, _ := json.Marshal(succeeded())
	store = &fakeStore{claim: taskstore.Claim{State: taskstore.New, Attempt: 1}, earlier: own}
	next = &fakeNext{r: succeeded()}
	if got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), msg(createTask)); err != nil || got != next.r {
		t.Errorf("own result found: got %+v, %v; want this attempt's result", got, err)
	}
}

func TestIdempotencyWithoutTaskID(t *testing.T) {
	t.Parallel()
	store := &fakeStore{beginErr: errors.New("must not be called")}
	next := &fakeNext{r: succeeded()}
	m := &handler.Message{Data: []byte(getTask)}
	if got, err := handler.Idempotency(store, idemCfg)(next.fn)(context.Background(), m); err != nil || got != next.r {
		t.Errorf("got %v, %v; want the inner result, the store bypassed", got, err)
	}
}

// TestIdempotencyFullChain runs the documented chain over a real Memory
// store: a redelivered CREATE is answered from the store, and a CREATE
// interrupted by shutdown is answered with its unknown outcome, both
// without a second call to Twilio.
func TestIdempotencyFullChain(t *testing.T) {
	t.Parallel()
	ops := &fakeOps{do: func(ctx context.Context, _ *task.Task) (task.Output, error) {
		if err := sendmark.Sending(ctx); err != nil { // as the HTTP transport does
			return task.Output{}, err
		}
		return task.Output{Payload: map[string]any{"Sid": "SM1"}}, ctx.Err()
	}}
	h := handler.Chain(handler.New(ops, clock), handler.Log(zap.NewNop()),
		handler.Idempotency(taskstore.NewMemory(nil), idemCfg),
		handler.Classify(), handler.Timeout(time.Second), handler.Recover())

	first, err := h(context.Background(), msg(createTask))
	if err != nil || first.Status != task.StatusSucceeded {
		t.Fatalf("first delivery: %+v, %v; want SUCCEEDED", first, err)
	}
	again, err := h(context.Background(), msg(createTask))
	if err != nil || !cmp.Equal(mustJSON(t, first), mustJSON(t, again)) {
		t.Errorf("redelivery: %+v, %v; want the first result again", again, err)
	}

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if r, err := h(canceled, withAttr(msg(createTask), "taskId", "task-2")); err != nil || r.Error == nil ||
		r.Error.Code != codes.DeadlineExceeded {
		t.Fatalf("interrupted delivery: %+v, %v; want FAILED DEADLINE_EXCEEDED (outcome unknown)", r, err)
	}
	for range 2 { // the answer is recorded: the same on every later delivery
		r, err := h(context.Background(), withAttr(msg(createTask), "taskId", "task-2"))
		if err != nil || r.Error == nil || r.Error.Code != codes.DeadlineExceeded || r.TaskID != "task-2" {
			t.Fatalf("redelivery after interruption: %+v, %v; want FAILED DEADLINE_EXCEEDED for task-2", r, err)
		}
	}
	if n := len(ops.calls()); n != 2 {
		t.Errorf("Twilio calls = %d, want 2 (one per task id)", n)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
