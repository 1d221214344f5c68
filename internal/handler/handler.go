package handler

import (
	"context"
	"sync"

	"github.com/connectorworks/twilio-worker/internal/task"
)

// Message is one task message, independent of the transport. Data is the
// task JSON (docs/contract.md §1), Attributes the message attributes (may be nil),
// and DeliveryAttempt the transport's delivery counter, 0 when unknown.
type Message struct {
	ID              string
	Data            []byte
	Attributes      map[string]string
	DeliveryAttempt int

	// decoded caches Task's answer: several layers need the task, and
	// decoding is a good part of a task's CPU.
	decoded struct {
		once sync.Once
		t    *task.Task
		err  error
	}
	// encoded is the JSON recorded for a result (see Encoded).
	encoded struct {
		r    *task.Result
		data []byte
	}
}

// Encoded returns r as JSON: the very bytes the task store recorded when r
// is the result Idempotency recorded for this message, so the result is
// marshalled once, not twice; otherwise r.JSON(). The middleware
// and the adapter run on one goroutine per message, one after the other.
func (m *Message) Encoded(r *task.Result) ([]byte, error) {
	if r != nil && m.encoded.r == r {
		return m.encoded.data, nil
	}
	return r.JSON()
}

// recordEncoded remembers data as r's JSON for Encoded. r must not change
// afterwards; a published result is final.
func (m *Message) recordEncoded(r *task.Result, data []byte) {
	m.encoded.r, m.encoded.data = r, data
}

// Task returns Data decoded by task.Decode, decoding it only the first
// time. Callers must treat the Task as read-only.
func (m *Message) Task() (*task.Task, error) {
	m.decoded.once.Do(func() {
		m.decoded.t, m.decoded.err = task.Decode(m.Data)
		if m.decoded.t != nil {
			m.decoded.t.ID = m.TaskID()
		}
	})
	return m.decoded.t, m.decoded.err
}

// TaskID returns the task's id as the contract defines it: the "taskId"
// attribute when present and non-empty, otherwise the message id.
func (m *Message) TaskID() string {
	if id := m.Attributes[task.AttrTaskID]; id != "" {
		return id
	}
	return m.ID
}

// Func handles one message. It returns the Result to publish, or an error
// when there is nothing to publish; see the package documentation for which
// errors survive the full chain. A Func must not retain m after returning.
type Func func(ctx context.Context, m *Message) (*task.Result, error)

// Middleware decorates a Func with one concern (logging, classification,
// deadlines, panics).
type Middleware func(Func) Func

// Chain wraps h in mw so that mw[0] is the outermost layer: it runs first
// and sees the final outcome. Chain(h) returns h.
func Chain(h Func, mw ...Middleware) Func {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
