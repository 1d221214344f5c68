package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
)

// Topology creates one run's topics and subscriptions and remembers them,
// so that Delete removes exactly what the run created and repeated runs do
// not pile up messages on a long-lived emulator.
type Topology struct {
	Client *pubsub.Client
	ID     string // names the run: RunID's 12 hex digits

	topics, subs []string
}

// NewTopology starts a run's topology on c with a fresh ID.
func NewTopology(c *pubsub.Client) *Topology { return &Topology{Client: c, ID: RunID()} }

// Name is the full name of a topic or subscription of this run:
// projects/PROJECT/KIND/TOOL-PREFIX-ID (kind "topics" or "subscriptions").
func (t *Topology) Name(project, kind, tool, prefix string) string {
	return "projects/" + project + "/" + kind + "/" + tool + "-" + prefix + "-" + t.ID
}

// Topics creates the topics named.
func (t *Topology) Topics(ctx context.Context, names ...string) error {
	for _, name := range names {
		if _, err := t.Client.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: name}); err != nil {
			return fmt.Errorf("create topic %s: %w", name, err)
		}
		t.topics = append(t.topics, name)
	}
	return nil
}

// Subscriptions creates the subscriptions given.
func (t *Topology) Subscriptions(ctx context.Context, subs ...*pubsubpb.Subscription) error {
	for _, s := range subs {
		if _, err := t.Client.SubscriptionAdminClient.CreateSubscription(ctx, s); err != nil {
			return fmt.Errorf("create subscription %s: %w", s.Name, err)
		}
		t.subs = append(t.subs, s.Name)
	}
	return nil
}

// Delete removes what was created, subscriptions first. Errors are
// ignored: the emulator forgets everything when it stops anyway.
func (t *Topology) Delete(ctx context.Context) {
	for _, s := range t.subs {
		_ = t.Client.SubscriptionAdminClient.DeleteSubscription(ctx, &pubsubpb.DeleteSubscriptionRequest{Subscription: s})
	}
	for _, name := range t.topics {
		_ = t.Client.TopicAdminClient.DeleteTopic(ctx, &pubsubpb.DeleteTopicRequest{Topic: name})
	}
}

// RunID returns 12 random hex digits that name a run.
func RunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
