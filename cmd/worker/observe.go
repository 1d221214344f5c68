package main

import (
	"context"
	"errors"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/metrics"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// newMetrics builds the worker's metrics, labelling tasks with the
// catalogue's entity and action names only.
func newMetrics() *metrics.Metrics {
	c := entities.NewCatalogue()
	return metrics.New(append(append([]string(nil), c.Names()...), c.ActionNames()...))
}

// countTasks wraps the whole handler chain: it sees every task's final
// result and duration. A task without a result (nacked) counts as NACKED.
func countTasks(h handler.Func, m *metrics.Metrics) handler.Func {
	return func(ctx context.Context, msg *handler.Message) (*task.Result, error) {
		start := time.Now()
		m.TaskStarted()
		res, err := h(ctx, msg)
		switch {
		case err != nil || res == nil:
			m.TaskDone("unknown", "unknown", "NACKED", "", time.Since(start))
		case res.Error != nil:
			m.TaskDone(res.Entity, res.Operation, res.Status, string(res.Error.Code), time.Since(start))
		default:
			m.TaskDone(res.Entity, res.Operation, res.Status, "", time.Since(start))
		}
		return res, err
	}
}

// countingStore counts the task store's calls by operation and result.
type countingStore struct {
	taskstore.Store
	m *metrics.Metrics
}

func countStore(s taskstore.Store, m *metrics.Metrics) taskstore.Store {
	return &countingStore{Store: s, m: m}
}

func (s *countingStore) count(op string, err error) {
	switch {
	case err == nil:
		s.m.StoreOp(op, "ok")
	case errors.Is(err, taskstore.ErrLeaseLost):
		s.m.StoreOp(op, "lease_lost")
	default:
		s.m.StoreOp(op, "error")
	}
}

func (s *countingStore) Begin(ctx context.Context, id string, lease time.Duration) (taskstore.Claim, error) {
	c, err := s.Store.Begin(ctx, id, lease)
	s.count("begin", err)
	return c, err
}

func (s *countingStore) Finish(ctx context.Context, id string, result []byte, ttl time.Duration) ([]byte, error) {
	earlier, err := s.Store.Finish(ctx, id, result, ttl)
	s.count("finish", err)
	return earlier, err
}

func (s *countingStore) Renew(ctx context.Context, id string, attempt int, lease time.Duration) error {
	err := s.Store.Renew(ctx, id, attempt, lease)
	s.count("renew", err)
	return err
}

func (s *countingStore) MarkSent(ctx context.Context, id string, attempt int, lease time.Duration) error {
	err := s.Store.MarkSent(ctx, id, attempt, lease)
	s.count("mark_sent", err)
	return err
}

func (s *countingStore) Unmark(ctx context.Context, id string, attempt int, lease time.Duration) error {
	err := s.Store.Unmark(ctx, id, attempt, lease)
	s.count("unmark", err)
	return err
}

func (s *countingStore) Abort(ctx context.Context, id string, attempt int) error {
	err := s.Store.Abort(ctx, id, attempt)
	s.count("abort", err)
	return err
}
