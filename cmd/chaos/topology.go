package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// taskAckDeadline is the task subscription's ack deadline in seconds; the
// worker extends the leases of the tasks it holds.
const taskAckDeadline = 30

// topology names the run's topics and subscriptions, all fresh: a task
// topic whose subscription has the run's retry and dead-letter policies, a
// result topic, and a subscription on each of the result and dead-letter
// topics for the run to read.
type topology struct {
	id                     string
	taskTopic, taskSub     string
	resultTopic, resultSub string
	deadTopic, deadSub     string
	client                 *pubsub.Client
	// what was created, in order, for delete
	createdTopics, createdSubs []string
}

// newTopology creates the run's topics and subscriptions on the emulator.
func newTopology(ctx context.Context, c *pubsub.Client, cfg config) (*topology, error) {
	id := randomID()
	name := func(kind, prefix string) string {
		return "projects/" + project + "/" + kind + "/chaos-" + prefix + "-" + id
	}
	tp := &topology{id: id, client: c,
		taskTopic: name("topics", "tasks"), taskSub: name("subscriptions", "tasks"),
		resultTopic: name("topics", "results"), resultSub: name("subscriptions", "results"),
		deadTopic: name("topics", "dead"), deadSub: name("subscriptions", "dead")}
	for _, topic := range []string{tp.taskTopic, tp.resultTopic, tp.deadTopic} {
		if _, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
			return tp, fmt.Errorf("create topic %s: %w", topic, err)
		}
		tp.createdTopics = append(tp.createdTopics, topic)
	}
	subs := []*pubsubpb.Subscription{
		{Name: tp.taskSub, Topic: tp.taskTopic, AckDeadlineSeconds: taskAckDeadline,
			DeadLetterPolicy: &pubsubpb.DeadLetterPolicy{DeadLetterTopic: tp.deadTopic, MaxDeliveryAttempts: int32(cfg.maxAttempts)},
			RetryPolicy:      retryPolicy(cfg)},
		{Name: tp.resultSub, Topic: tp.resultTopic, AckDeadlineSeconds: 60},
		{Name: tp.deadSub, Topic: tp.deadTopic, AckDeadlineSeconds: 60},
	}
	for _, s := range subs {
		if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, s); err != nil {
			return tp, fmt.Errorf("create subscription %s: %w", s.Name, err)
		}
		tp.createdSubs = append(tp.createdSubs, s.Name)
	}
	return tp, nil
}

// delete removes what newTopology created, so that repeated runs do not
// pile up subscriptions on a long-lived emulator. Errors are ignored: the
// emulator forgets everything when it stops anyway.
func (tp *topology) delete(ctx context.Context) {
	for _, s := range tp.createdSubs {
		_ = tp.client.SubscriptionAdminClient.DeleteSubscription(ctx, &pubsubpb.DeleteSubscriptionRequest{Subscription: s})
	}
	for _, t := range tp.createdTopics {
		_ = tp.client.TopicAdminClient.DeleteTopic(ctx, &pubsubpb.DeleteTopicRequest{Topic: t})
	}
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
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
