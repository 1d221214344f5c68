package handler_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// TestAdmitBoundsRunningTasks: no more than n tasks run the inner Func at
// once, every task still gets its own answer, and a task whose ctx ends
// while it waits for a turn fails with nothing sent.
func TestAdmitBoundsRunningTasks(t *testing.T) {
	t.Parallel()
	const n = 3
	var running, most atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	inner := func(_ context.Context, m *handler.Message) (*task.Result, error) {
		now := running.Add(1)
		for old := most.Load(); now > old && !most.CompareAndSwap(old, now); old = most.Load() {
		}
		started <- struct{}{}
		<-release
		running.Add(-1)
		return &task.Result{TaskID: m.ID}, nil
	}
	h := handler.Admit(n)(inner)
	var wg sync.WaitGroup
	ids := []string{"a", "b", "c", "d", "e", "f"}
	got := make([]string, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			r, err := h(context.Background(), &handler.Message{ID: id})
			if err == nil {
				got[i] = r.TaskID
			}
		})
	}
	for range n {
		waitSignal(t, started, "a task to start")
	}
	// A fourth task must not start while three run.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h(ctx, &handler.Message{ID: "late"}); !errors.Is(err, context.Canceled) || !errors.Is(err, codes.ErrNotSent) {
		t.Errorf("a task whose ctx ended while waiting: %v; want context.Canceled and ErrNotSent", err)
	}
	close(release)
	wg.Wait()
	if m := most.Load(); m != n {
		t.Errorf("at most %d tasks ran at once; want %d", m, n)
	}
	for i, id := range ids {
		if got[i] != id {
			t.Errorf("task %s answered %q", id, got[i])
		}
	}
}

// TestAdmitTurnsPanicsIntoErrors: a panic on a runner goroutine becomes the
// task's error (it would otherwise kill the process) and the runner's turn
// is given back.
func TestAdmitTurnsPanicsIntoErrors(t *testing.T) {
	t.Parallel()
	h := handler.Admit(1)(func(context.Context, *handler.Message) (*task.Result, error) { panic("boom") })
	for range 2 { // the second proves the turn came back
		if _, err := h(context.Background(), &handler.Message{ID: "x"}); err == nil {
			t.Fatal("a panicking task answered no error")
		}
	}
}
