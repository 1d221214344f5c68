package handler_test

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// fakeOps is a recording fake: a small catalogue, a behaviour switch (do),
// and the tasks that reached it.
type fakeOps struct {
	do func(ctx context.Context, t *task.Task) (task.Output, error)

	mu    sync.Mutex
	tasks []task.Task
}

var _ handler.Ops = (*fakeOps)(nil)

func (f *fakeOps) Canonical(entity string) (string, bool) {
	for _, name := range []string{"Messages", "Calls", "Recordings", "Feedback"} {
		if strings.EqualFold(name, entity) {
			return name, true
		}
	}
	return "", false
}

func (f *fakeOps) Do(ctx context.Context, t *task.Task) (task.Output, error) {
	f.mu.Lock()
	f.tasks = append(f.tasks, *t)
	f.mu.Unlock()
	if f.do == nil {
		return task.Output{}, nil
	}
	return f.do(ctx, t)
}

func (f *fakeOps) calls() []task.Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]task.Task(nil), f.tasks...)
}

// clock is a fixed instant in a non-UTC zone, so tests see the conversion.
func clock() time.Time {
	return time.Date(2024, 3, 1, 11, 20, 0, 123_000_000, time.FixedZone("CET", 3600))
}

const clockStamp = "2024-03-01T10:20:00.123Z"

func returns(out task.Output, err error) func(context.Context, *task.Task) (task.Output, error) {
	return func(context.Context, *task.Task) (task.Output, error) { return out, err }
}

func fails(err error) func(context.Context, *task.Task) (task.Output, error) {
	return returns(task.Output{}, err)
}
