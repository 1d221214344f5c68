package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
)

// project is the Pub/Sub project of every topic and subscription; the
// emulator accepts any.
const project = "bench-project"

// topology names one run's topics and subscriptions, all fresh so that no
// run sees another's tasks or results.
type topology struct {
	id                     string
	taskTopic, taskSub     string
	resultTopic, resultSub string
	client                 *pubsub.Client
	// what was created, for delete
	createdTopics, createdSubs []string
}

// newTopology creates a run's topics and subscriptions. The task
// subscription has a 60 s ack deadline and no retry policy: the emulator
// never redelivers, under a retry policy, a nacked message whose lease had
// expired (README, "Chaos"), and a benchmark must not lose tasks that way.
func newTopology(ctx context.Context, c *pubsub.Client) (*topology, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	name := func(kind, prefix string) string {
		return "projects/" + project + "/" + kind + "/bench-" + prefix + "-" + id
	}
	tp := &topology{id: id, client: c,
		taskTopic: name("topics", "tasks"), taskSub: name("subscriptions", "tasks"),
		resultTopic: name("topics", "results"), resultSub: name("subscriptions", "results")}
	for _, topic := range []string{tp.taskTopic, tp.resultTopic} {
		if _, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
			return tp, fmt.Errorf("create topic %s: %w", topic, err)
		}
		tp.createdTopics = append(tp.createdTopics, topic)
	}
	for _, s := range []*pubsubpb.Subscription{
		{Name: tp.taskSub, Topic: tp.taskTopic, AckDeadlineSeconds: 60},
		{Name: tp.resultSub, Topic: tp.resultTopic, AckDeadlineSeconds: 60},
	} {
		if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, s); err != nil {
			return tp, fmt.Errorf("create subscription %s: %w", s.Name, err)
		}
		tp.createdSubs = append(tp.createdSubs, s.Name)
	}
	return tp, nil
}

// delete removes what newTopology created, so that rounds do not pile up
// messages in the emulator's memory. Errors are ignored: the emulator
// forgets everything when it stops anyway.
func (tp *topology) delete(ctx context.Context) {
	for _, s := range tp.createdSubs {
		_ = tp.client.SubscriptionAdminClient.DeleteSubscription(ctx, &pubsubpb.DeleteSubscriptionRequest{Subscription: s})
	}
	for _, t := range tp.createdTopics {
		_ = tp.client.TopicAdminClient.DeleteTopic(ctx, &pubsubpb.DeleteTopicRequest{Topic: t})
	}
}

// taskIDs returns the run's task ids.
func (tp *topology) taskIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench-%s-%06d", tp.id, i+1)
	}
	return ids
}
