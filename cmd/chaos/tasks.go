package main

import (
	"context"
	"encoding/json"
	"fmt"

	"cloud.google.com/go/pubsub/v2"
)

// Numbers of the tasks: a valid recipient, and Twilio's test sender that
// always succeeds, so that every failure comes from an injected fault.
const (
	taskTo     = "+15558675310"
	taskSender = "+15005550006"
)

// taskIDs returns the run's task ids. Each is also the message body its
// task asks Twilio to send, so the simulator's rows say which task
// created them.
func taskIDs(runID string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("chaos-%s-%05d", runID, i+1)
	}
	return ids
}

// taskData is the Messages CREATE task for id.
func taskData(id string) []byte {
	data, _ := json.Marshal(map[string]any{ // cannot fail: strings only
		"entity": "Messages", "operation": "CREATE",
		"connectorInputPayload": map[string]string{"To": taskTo, "Sender": taskSender, "Body": id},
	})
	return data
}

// publishTasks publishes one task per id, with its taskId attribute, in
// the publisher's batches, and waits until Pub/Sub has accepted all of
// them.
func publishTasks(ctx context.Context, c *pubsub.Client, topic string, ids []string) error {
	pub := c.Publisher(topic)
	defer pub.Stop()
	results := make([]*pubsub.PublishResult, len(ids))
	for i, id := range ids {
		results[i] = pub.Publish(ctx, &pubsub.Message{Data: taskData(id), Attributes: map[string]string{"taskId": id}})
	}
	for i, r := range results {
		if _, err := r.Get(ctx); err != nil {
			return fmt.Errorf("publish task %s: %w", ids[i], err)
		}
	}
	return nil
}
