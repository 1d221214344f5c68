package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"go.uber.org/zap"
	grpccodes "google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/connectorworks/twilio-worker/internal/codes"

	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// maxOutstandingBytes bounds the task data a worker holds at once.
const maxOutstandingBytes = 32 << 20

// publishTimeout bounds waiting for Pub/Sub to accept one result: the
// publisher's own bound on each bundle's Publish call, retries included
// (its PublishSettings.Timeout), so waiting for a result needs no timer of
// its own.
const publishTimeout = 60 * time.Second

// resultPublisher is the part of *pubsub.Publisher the adapter uses.
type resultPublisher interface {
	Publish(ctx context.Context, msg *pubsub.Message) *pubsub.PublishResult
}

var _ resultPublisher = (*pubsub.Publisher)(nil)

// adapter connects a Pub/Sub subscription to a handler.Func. It is the only
// place that acks or nacks (docs/architecture.md, decision 4): ack once
// the result is published; nack when the handler returns no result
// (shutdown) or the publish fails, so the task is redelivered and still
// gets its one result.
type adapter struct {
	handle handler.Func
	pub    resultPublisher
	log    *zap.Logger
	// base is the parent of every task's context. Shutdown does not cancel
	// it, so a task already started is not cut in half; only the end of the
	// shutdown grace does (see serve).
	base context.Context
}

// receive is the Subscriber.Receive callback; safe for concurrent use.
func (a *adapter) receive(_ context.Context, m *pubsub.Message) {
	defer func() {
		if p := recover(); p != nil { // last resort: the chain has its own Recover
			a.log.Error("panic in receive callback", zap.Any("panic", p), zap.String("message_id", m.ID))
			m.Nack()
		}
	}()
	// Shutdown cancels msgCtx; a task already started runs on until its
	// own deadline or the end of the shutdown grace.
	ctx := a.base
	hm := &handler.Message{ID: m.ID, Data: m.Data, Attributes: m.Attributes}
	if m.DeliveryAttempt != nil {
		hm.DeliveryAttempt = *m.DeliveryAttempt
	}
	res, err := a.handle(ctx, hm)
	if err != nil || res == nil {
		a.log.Debug("task not answered; nacking", zap.String("message_id", m.ID), zap.Error(err))
		m.Nack()
		return
	}
	err = a.publish(ctx, hm, res)
	if unpublishable(err) {
		// Redelivery would fail the same way forever: answer with a small
		// FAILED result that says why instead.
		err = a.publish(ctx, hm, tooLarge(res, err))
	}
	if err != nil {
		a.log.Error("publishing result failed; nacking the task", zap.String("task_id", res.TaskID), zap.Error(err))
		m.Nack()
		return
	}
	m.Ack()
}

// unpublishable reports publish errors that no retry can fix: the result
// itself is too large or malformed for Pub/Sub.
func unpublishable(err error) bool {
	return errors.Is(err, pubsub.ErrOversizedMessage) || status.Code(err) == grpccodes.InvalidArgument ||
		(err != nil && strings.Contains(err.Error(), "exceeds bundle byte limit"))
}

// tooLarge replaces a result Pub/Sub refused with a FAILED one that fits.
func tooLarge(res *task.Result, cause error) *task.Result {
	small := *res
	small.Status, small.Payload, small.NextPageToken = task.StatusFailed, nil, ""
	small.Error = &task.ErrorInfo{Code: codes.InvalidArgument, Message: fmt.Sprintf(
		"the result could not be published (%v); Pub/Sub messages hold at most 10 MB: for LIST, ask for a "+
			"smaller listEntitiesPageSize", cause)}
	if res.Status == task.StatusFailed && res.Error != nil {
		small.Error.Message += "; the task had failed with " + string(res.Error.Code)
	}
	return &small
}

func (a *adapter) publish(ctx context.Context, m *handler.Message, res *task.Result) error {
	data, err := m.Encoded(res)
	if err != nil {
		return err
	}
	// Not cancelled by the end of the shutdown grace: a result that is ready
	// is published (the publisher flushes it anyway), and reporting a
	// failure for it would nack a task that was in fact answered. The
	// publisher gives up on it after publishTimeout (see serve).
	ctx = context.WithoutCancel(ctx)
	_, err = a.pub.Publish(ctx, &pubsub.Message{Data: data, Attributes: handler.ResultAttributes(m, res)}).Get(ctx)
	return err
}

// receiveSettings sizes flow control from the rate budget: the worker holds
// what the budget can serve soon, the tasks allowed to run (runningTasks:
// the in-flight cap's bound and 40 ms of budget) plus 50 ms of budget
// queued behind them (at least 64 tasks), bounded in bytes too. In
// cmd/bench at 100 nodes, a fifth of a second queued (with a tenth running)
// held 17 MB more and ran no faster; half a second held 20 MB more again
// (each held message is a waiting goroutine of the client).
// Pub/Sub refills a freed slot within milliseconds, so the queue never runs
// dry; holding more only costs memory (each task held is two goroutines of
// the client and its state: ~45 KB, measured) and delays the other workers
// of a pool, which could run those tasks now. Leases are
// extended while a task waits for the limiter or for Twilio, up to the
// longest a task can take; a message held longer than that belongs to a
// stuck or dead worker and is redelivered.
func receiveSettings(cfg *Config) pubsub.ReceiveSettings {
	lc := limiterConfig(cfg)
	rps := int(lc.RPS)
	s := pubsub.DefaultReceiveSettings
	s.MaxOutstandingMessages = max(rps/20+runningTasks(cfg), 64)
	// Task, store calls, a wait on another attempt and two publishes.
	s.MaxExtension = cfg.TaskTimeout + cfg.ShutdownGrace + 4*time.Minute
	// A task message may be 10 MB; a larger one is admitted as if it were
	// this size, alone.
	s.MaxOutstandingBytes = maxOutstandingBytes
	// Short lease extensions: messages this worker holds but never starts
	// (streamed ahead of flow control when it stops or dies) return to the
	// subscription within ~15 s instead of a minute; tasks in progress keep
	// theirs by being re-extended.
	s.MaxDurationPerAckExtension = 15 * time.Second
	// One StreamingPull stream delivers about 2 000 messages/s on the
	// emulator (docs/maintainers.md §2.1): one stream per 500 requests/s of
	// budget, plus one, so that the streams never hold the budget back.
	s.NumGoroutines = 1 + (rps+499)/500
	if cfg.Local {
		// pstest hands out about 100 messages/s per stream.
		s.NumGoroutines = localStreams
	}
	// No ShutdownOptions timeout: with one, pubsub/v2 returns from Receive
	// while the final acks are still being sent asynchronously, and closing
	// the client then loses them (tasks answered twice). serve bounds the
	// shutdown itself by cancelling the tasks' base context.
	s.ShutdownOptions = nil
	return s
}
