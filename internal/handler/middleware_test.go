package handler_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

func msg(data string) *handler.Message {
	return &handler.Message{ID: "msg-1", Data: []byte(data), Attributes: map[string]string{"taskId": "task-1"}, DeliveryAttempt: 2}
}

func TestChainOrder(t *testing.T) {
	t.Parallel()
	var trace []string
	layer := func(name string) handler.Middleware {
		return func(next handler.Func) handler.Func {
			return func(ctx context.Context, m *handler.Message) (*task.Result, error) {
				trace = append(trace, name+">")
				r, err := next(ctx, m)
				trace = append(trace, "<"+name)
				return r, err
			}
		}
	}
	h := handler.Chain(func(context.Context, *handler.Message) (*task.Result, error) {
		trace = append(trace, "h")
		return &task.Result{}, nil
	}, layer("a"), layer("b"))
	if _, err := h(context.Background(), msg("{}")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a>", "b>", "h", "<b", "<a"}, trace); diff != "" {
		t.Errorf("call order (-want +got):\n%s", diff)
	}
}

func TestPanicBecomesInternal(t *testing.T) {
	t.Parallel()
	ops := &fakeOps{do: func(context.Context, *task.Task) (task.Output, error) { panic("kaboom") }}
	got, err := fullChain(ops)(context.Background(), msg(getTask))
	if err != nil {
		t.Fatalf("chain returned error %v; want a FAILED result", err)
	}
	if got.Status != task.StatusFailed || got.Error == nil || got.Error.Code != codes.Internal {
		t.Fatalf("result = %+v, want FAILED INTERNAL", got)
	}
	if want := "internal error: panic: kaboom"; got.Error.Message != want {
		t.Errorf("message = %q, want %q (no stack)", got.Error.Message, want)
	}
	// The fallback result names the task from the message alone.
	if got.TaskID != "task-1" || got.Operation != "GET" || got.Entity != "messages" || got.DeliveryAttempt != 2 {
		t.Errorf("result names %q %q %q attempt %d, want task-1 messages GET 2", got.TaskID, got.Entity, got.Operation, got.DeliveryAttempt)
	}
	for _, ts := range []string{got.StartedAt, got.FinishedAt} {
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "Z") {
			t.Errorf("timestamp %q is not RFC 3339 UTC", ts)
		}
	}
}

// A panic with an error value is still a bug, even when the value is
// context.Canceled, which Classify would otherwise pass through.
func TestRecoverPanicWithCanceled(t *testing.T) {
	t.Parallel()
	h := handler.Recover()(func(context.Context, *handler.Message) (*task.Result, error) { panic(context.Canceled) })
	r, err := h(context.Background(), msg(getTask))
	if r == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("Recover = %v, %v; want a result and an INTERNAL error that is not context.Canceled", r, err)
	}
	if ce, ok := codes.As(err); !ok || ce.Code != codes.Internal {
		t.Errorf("error = %v, want codes.Internal", err)
	}
}

func TestCanceledIsPassedThrough(t *testing.T) {
	t.Parallel()
	for name, do := range map[string]func(context.Context, *task.Task) (task.Output, error){
		"ctx.Err": func(ctx context.Context, _ *task.Task) (task.Output, error) { return task.Output{}, ctx.Err() },
		"wrapped": func(ctx context.Context, _ *task.Task) (task.Output, error) {
			return task.Output{}, &url.Error{Op: "Post", URL: "u", Err: ctx.Err()}
		},
		"codes cause": func(ctx context.Context, _ *task.Task) (task.Output, error) {
			return task.Output{}, &codes.Error{Code: codes.Unavailable, Message: "x", Err: ctx.Err()}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r, err := fullChain(&fakeOps{do: do})(ctx, msg(getTask))
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error = %v, want context.Canceled", err)
			}
			if r != nil {
				t.Errorf("result = %+v, want none: an interrupted task is nacked, not answered", r)
			}
		})
	}
}

func TestClassifyWithoutResult(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		code codes.Code
		msg  string
	}{
		{"neither result nor error", nil, codes.Internal, "returned no result"},
		{"error only", codes.Errorf(codes.NotFound, "gone"), codes.NotFound, "gone"},
	}
	for _, tt := range tests {
		h := handler.Classify()(func(context.Context, *handler.Message) (*task.Result, error) { return nil, tt.err })
		r, err := h(context.Background(), msg(`{"entity":"Calls","operation":"list"}`))
		if err != nil || r == nil {
			t.Fatalf("%s: Classify = %v, %v; want a result", tt.name, r, err)
		}
		if r.Status != task.StatusFailed || r.Error.Code != tt.code || !strings.Contains(r.Error.Message, tt.msg) {
			t.Errorf("%s: result %+v error %+v, want FAILED %s containing %q", tt.name, r, r.Error, tt.code, tt.msg)
		}
		if r.TaskID != "task-1" || r.Entity != "Calls" || r.Operation != "LIST" {
			t.Errorf("%s: result names %q %q %q", tt.name, r.TaskID, r.Entity, r.Operation)
		}
	}
}

func TestClassifyClearsSuccessFields(t *testing.T) {
	t.Parallel()
	h := handler.Classify()(func(context.Context, *handler.Message) (*task.Result, error) {
		return &task.Result{TaskID: "t", Status: task.StatusSucceeded, Payload: []any{}, NextPageToken: "n"}, errors.New("late failure")
	})
	r, _ := h(context.Background(), msg("{}"))
	if r.Status != task.StatusFailed || r.Payload != nil || r.NextPageToken != "" {
		t.Errorf("result = %+v, want FAILED without payload or next-page token", r)
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	var deadline time.Time
	var has bool
	probe := func(ctx context.Context, _ *handler.Message) (*task.Result, error) {
		deadline, has = ctx.Deadline()
		return &task.Result{}, nil
	}
	handler.Timeout(0)(probe)(context.Background(), msg("{}"))
	if has {
		t.Errorf("Timeout(0) set a deadline %v; want none", deadline)
	}
	start := time.Now()
	handler.Timeout(time.Hour)(probe)(context.Background(), msg("{}"))
	end := time.Now()
	if !has || deadline.Before(start.Add(time.Hour)) || deadline.After(end.Add(time.Hour)) {
		t.Errorf("Timeout(1h): deadline %v (set %v), want one hour after the call", deadline, has)
	}
}

// TestTimeoutKeepsEarlierDeadline: a deadline already no later than Timeout's
// own is passed on in the same context (no context of its own); a later one
// is shortened.
func TestTimeoutKeepsEarlierDeadline(t *testing.T) {
	t.Parallel()
	var seen context.Context
	probe := func(ctx context.Context, _ *handler.Message) (*task.Result, error) {
		seen = ctx
		return &task.Result{}, nil
	}
	early, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	handler.Timeout(time.Hour)(probe)(early, msg("{}"))
	if seen != early {
		t.Errorf("Timeout(1h) under a 1 min deadline made a context of its own; want the caller's")
	}
	late, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	start := time.Now()
	handler.Timeout(time.Hour)(probe)(late, msg("{}"))
	if at, ok := seen.Deadline(); !ok || at.After(time.Now().Add(time.Hour)) || at.Before(start.Add(time.Hour)) {
		t.Errorf("Timeout(1h) under a 2 h deadline: deadline %v (set %v), want one hour after the call", at, ok)
	}
}

// TestNew checks the core Func alone: it hands back the partial result with
// the error, leaving classification to Classify.
func TestNew(t *testing.T) {
	t.Parallel()
	ops := &fakeOps{}
	r, err := handler.New(ops, clock)(context.Background(), msg(`{"entity":"calls","operation":"GET"}`))
	if ce, ok := codes.As(err); !ok || ce.Code != codes.InvalidArgument {
		t.Errorf("error = %v, want INVALID_ARGUMENT", err)
	}
	want := &task.Result{TaskID: "task-1", Entity: "Calls", Operation: "GET", Status: task.StatusFailed,
		DeliveryAttempt: 2, StartedAt: clockStamp, FinishedAt: clockStamp}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if n := len(ops.calls()); n != 0 {
		t.Errorf("Ops.Do called %d times for an invalid task", n)
	}

	boom := fmt.Errorf("boom")
	ops = &fakeOps{do: fails(boom)}
	m := msg(`{"entity":"calls","operation":"DELETE","entityId":"CA1"}`)
	m.Attributes = nil
	r, err = handler.New(ops, nil)(context.Background(), m)
	if !errors.Is(err, boom) || r == nil || r.Status != task.StatusFailed || r.TaskID != "msg-1" {
		t.Errorf("New = %+v, %v; want FAILED partial result for msg-1 and the Do error", r, err)
	}
	got := ops.calls()
	if len(got) != 1 || got[0].ID != "msg-1" || got[0].Entity != "calls" || got[0].EntityID != "CA1" {
		t.Errorf("Ops.Do received %+v, want one task with ID msg-1", got)
	}
}

// A *codes.Error without a message still yields a result a person can read.
func TestClassifyEmptyCodesMessage(t *testing.T) {
	t.Parallel()
	h := fullChain(&fakeOps{do: fails(&codes.Error{Code: codes.Unimplemented})})
	r, err := h(context.Background(), msg(getTask))
	if err != nil || r.Error == nil || r.Error.Code != codes.Unimplemented || !strings.Contains(r.Error.Message, "does not support") {
		t.Errorf("result = %+v, %v; want UNIMPLEMENTED with a non-empty message", r, err)
	}
}

// TestClassifyKeepsContext: a codes.Context (e.g. which rows a bulk update
// already changed) stays in front of the classified message.
func TestClassifyKeepsContext(t *testing.T) {
	t.Parallel()
	inner := &client.TwilioRestError{Status: 429, Code: 20429, Message: "Too Many Requests"}
	h := fullChain(&fakeOps{do: fails(&codes.Context{Msg: "2 of 5 rows were done (SM1, SM2)", Err: fmt.Errorf("wrapped: %w", inner)})})
	r, err := h(context.Background(), msg(getTask))
	if err != nil || r.Error == nil {
		t.Fatalf("got %+v, %v", r, err)
	}
	if r.Error.Code != codes.ResourceExhausted || r.Error.TwilioCode != 20429 || !r.Error.Retryable ||
		!strings.HasPrefix(r.Error.Message, "2 of 5 rows were done (SM1, SM2): Twilio error 20429") {
		t.Errorf("error = %+v", r.Error)
	}
}
