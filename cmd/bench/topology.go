package main

import (
	"context"
	"fmt"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"

	"github.com/connectorworks/twilio-worker/internal/harness"
)

// project is the Pub/Sub project of every topic and subscription; the
// emulator accepts any.
const project = "bench-project"

// topology names one run's topics and subscriptions, all fresh so that no
// run sees another's tasks or results.
type topology struct {
	*harness.Topology
	taskTopic, taskSub     string
	resultTopic, resultSub string
}

// newTopology creates a run's topics and subscriptions. The task
// subscription has a 60 s ack deadline and no retry policy: the emulator
// never redelivers, under a retry policy, a nacked message whose lease had
// expired (README, "Chaos"), and a benchmark must not lose tasks that way.
func newTopology(ctx context.Context, c *pubsub.Client) (*topology, error) {
	h := harness.NewTopology(c)
	name := func(kind, prefix string) string { return h.Name(project, kind, "bench", prefix) }
	tp := &topology{Topology: h,
		taskTopic: name("topics", "tasks"), taskSub: name("subscriptions", "tasks"),
		resultTopic: name("topics", "results"), resultSub: name("subscriptions", "results")}
	if err := h.Topics(ctx, tp.taskTopic, tp.resultTopic); err != nil {
		return tp, err
	}
	return tp, h.Subscriptions(ctx,
		&pubsubpb.Subscription{Name: tp.taskSub, Topic: tp.taskTopic, AckDeadlineSeconds: 60},
		&pubsubpb.Subscription{Name: tp.resultSub, Topic: tp.resultTopic, AckDeadlineSeconds: 60})
}

// taskIDs returns the run's task ids.
func (tp *topology) taskIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench-%s-%06d", tp.ID, i+1)
	}
	return ids
}
