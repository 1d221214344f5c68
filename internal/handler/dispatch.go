package handler

import (
	"context"
	"reflect"
	"time"

	"github.com/connectorworks/twilio-worker/internal/task"
)

// Ops is what the handler needs from the entity layer. Implementations must
// be safe for concurrent use.
type Ops interface {
	// Canonical returns the catalogue's name for entity, matched
	// case-insensitively, and whether the entity exists.
	Canonical(entity string) (name string, ok bool)
	// Do runs one validated task. It must honour ctx's deadline. Errors are
	// *codes.Error when the executor can name the problem (an unknown entity
	// is NOT_FOUND), otherwise raw Twilio or transport errors; Classify maps
	// both.
	Do(ctx context.Context, t *task.Task) (task.Output, error)
}

// New returns the core Func: decode and validate the task, run it with
// ops.Do, and build its Result. now supplies the timestamps (nil means
// time.Now).
//
// The Func always returns a non-nil Result. On success the error is nil and
// Status is SUCCEEDED; a nil Payload becomes {}. On failure (malformed task
// or ops.Do error) Status is FAILED and the error is returned alongside the
// partial Result, whose Error is left for Classify to fill.
func New(ops Ops, now func() time.Time) Func {
	if now == nil {
		now = time.Now
	}
	return func(ctx context.Context, m *Message) (*task.Result, error) {
		r := &task.Result{TaskID: m.TaskID(), DeliveryAttempt: m.DeliveryAttempt, StartedAt: stamp(now())}
		t, err := m.Task()
		r.Entity, r.Operation = task.Clip(t.Entity), task.Clip(t.Operation)
		if name, ok := canonical(ops, t.Entity); ok {
			r.Entity = name
		}
		if err == nil {
			var out task.Output
			if out, err = ops.Do(ctx, t); err == nil {
				r.Status, r.Payload, r.NextPageToken = task.StatusSucceeded, nonNil(out.Payload), out.NextPageToken
			}
		}
		r.FinishedAt = stamp(now())
		if err != nil {
			r.Status = task.StatusFailed
		}
		return r, err
	}
}

func canonical(ops Ops, entity string) (string, bool) {
	if entity == "" {
		return "", false
	}
	return ops.Canonical(entity)
}

// stamp formats t as the contract's RFC 3339 UTC timestamp.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// nonNil makes a nil payload, or a nil slice or map inside the interface,
// marshal as {} or [] rather than null: the contract promises an object or
// an array on success, and a LIST that found nothing still answers [].
func nonNil(p any) any {
	if p == nil {
		return map[string]any{}
	}
	v := reflect.ValueOf(p)
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return reflect.MakeSlice(v.Type(), 0, 0).Interface()
		}
	case reflect.Map:
		if v.IsNil() {
			return reflect.MakeMap(v.Type()).Interface()
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return map[string]any{}
		}
	}
	return p
}

// fallbackResult is the Result for a message whose handler produced none (a
// panic, or a middleware that returned only an error): it names the task as
// far as the message itself allows, without the catalogue.
func fallbackResult(m *Message, started time.Time) *task.Result {
	t, _ := m.Task()
	return &task.Result{
		TaskID:          m.TaskID(),
		Entity:          task.Clip(t.Entity),
		Operation:       task.Clip(t.Operation),
		Status:          task.StatusFailed,
		DeliveryAttempt: m.DeliveryAttempt,
		StartedAt:       stamp(started),
		FinishedAt:      stamp(time.Now()),
	}
}
