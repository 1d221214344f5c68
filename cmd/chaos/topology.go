package main

import (
	"context"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/connectorworks/twilio-worker/internal/harness"
)

// taskAckDeadline is the task subscription's ack deadline in seconds; the
// worker extends the leases of the tasks it holds.
const taskAckDeadline = 30

// topology names the run's topics and subscriptions, all fresh: a task
// topic whose subscription has the run's retry and dead-letter policies, a
// result topic, and a subscription on each of the result and dead-letter
// topics for the run to read.
type topology struct {
	*harness.Topology
	taskTopic, taskSub     string
	resultTopic, resultSub string
	deadTopic, deadSub     string
}

// newTopology creates the run's topics and subscriptions on the emulator.
func newTopology(ctx context.Context, c *pubsub.Client, cfg config) (*topology, error) {
	h := harness.NewTopology(c)
	name := func(kind, prefix string) string { return h.Name(project, kind, "chaos", prefix) }
	tp := &topology{Topology: h,
		taskTopic: name("topics", "tasks"), taskSub: name("subscriptions", "tasks"),
		resultTopic: name("topics", "results"), resultSub: name("subscriptions", "results"),
		deadTopic: name("topics", "dead"), deadSub: name("subscriptions", "dead")}
	if err := h.Topics(ctx, tp.taskTopic, tp.resultTopic, tp.deadTopic); err != nil {
		return tp, err
	}
	return tp, h.Subscriptions(ctx,
		&pubsubpb.Subscription{Name: tp.taskSub, Topic: tp.taskTopic, AckDeadlineSeconds: taskAckDeadline,
			DeadLetterPolicy: &pubsubpb.DeadLetterPolicy{DeadLetterTopic: tp.deadTopic, MaxDeliveryAttempts: int32(cfg.maxAttempts)},
			RetryPolicy:      retryPolicy(cfg)},
		&pubsubpb.Subscription{Name: tp.resultSub, Topic: tp.resultTopic, AckDeadlineSeconds: 60},
		&pubsubpb.Subscription{Name: tp.deadSub, Topic: tp.deadTopic, AckDeadlineSeconds: 60})
}

// retryPolicy is the task subscription's retry policy; nil (redeliver at
// once) when --max-backoff is 0. The emulator never redelivers a nacked
// message under a retry policy once that message's lease has expired
// (see the README's chaos section), which is what a SIGKILL produces.
func retryPolicy(cfg config) *pubsubpb.RetryPolicy {
	if cfg.maxBackoff == 0 {
		return nil
	}
	return &pubsubpb.RetryPolicy{MinimumBackoff: durationpb.New(cfg.minBackoff), MaximumBackoff: durationpb.New(cfg.maxBackoff)}
}
