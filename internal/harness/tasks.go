package harness

import (
	"context"
	"encoding/json"
	"fmt"

	"cloud.google.com/go/pubsub/v2"
)

// Numbers of the tasks: a valid recipient, and Twilio's test sender that
// always succeeds, so that every failure comes from an injected fault.
const (
	TaskTo     = "+15558675310"
	TaskSender = "+15005550006"
)

// TaskData is the Messages CREATE task for id. The message body is the
// task id, so a simulator's rows say which task created them.
func TaskData(id string) []byte {
	data, _ := json.Marshal(map[string]any{ // cannot fail: strings only
		"entity": "Messages", "operation": "CREATE",
		"connectorInputPayload": map[string]string{"To": TaskTo, "Sender": TaskSender, "Body": id},
	})
	return data
}

// PublishTasks publishes one task per id, with its taskId attribute, in
// the publisher's batches, and waits until Pub/Sub has accepted all of
// them.
func PublishTasks(ctx context.Context, c *pubsub.Client, topic string, ids []string) error {
	pub := c.Publisher(topic)
	defer pub.Stop()
	results := make([]*pubsub.PublishResult, len(ids))
	for i, id := range ids {
		results[i] = pub.Publish(ctx, &pubsub.Message{Data: TaskData(id), Attributes: map[string]string{"taskId": id}})
	}
	for i, r := range results {
		if _, err := r.Get(ctx); err != nil {
			return fmt.Errorf("publish task %s: %w", ids[i], err)
		}
	}
	return nil
}
