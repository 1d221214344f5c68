package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// requireRedis returns the Redis address the tests use; like the emulator,
// it is required in CI (REQUIRE_REDIS=1) and optional locally.
func requireRedis(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		if os.Getenv("REQUIRE_REDIS") == "1" {
			t.Fatal("REQUIRE_REDIS=1 but REDIS_ADDR is not set: start redis-server (scripts/test.sh does)")
		}
		t.Skip("no Redis (set REDIS_ADDR, or run scripts/test.sh)")
	}
	return addr
}

func messagesWithBody(sim *twiliosim.Server, body string) int {
	n := 0
	for _, r := range sim.Rows("messages") {
		if r["body"] == body {
			n++
		}
	}
	return n
}

// TestEndToEndRedeliveryRepublishes: the same task delivered twice (a
// publisher retry, a redelivery) creates one message and gets the same
// result twice.
func TestEndToEndRedeliveryRepublishes(t *testing.T) {
	requireEmulator(t)
	for _, store := range []string{"memory://", "redis://" + requireRedis(t) + "/0"} {
		t.Run(strings.SplitN(store, ":", 2)[0], func(t *testing.T) {
			sim, simURL := simulator(t, twiliosim.Config{})
			tp := newTopology(t)
			id := "dup-" + randomID()
			task := fmt.Sprintf(`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15558675310","Sender":"+15005550006","Body":%q}}`, id)
			w := startWorker(t, tp, simURL, "--task-store", store)
			tp.publish(t, id, task, nil)
			first, _ := tp.collect(t, 1, 30*time.Second)
			tp.publish(t, id, task, nil)
			second, _ := tp.collect(t, 1, 30*time.Second)
			a, b := fmt.Sprint(first[id].Raw["connectorOutputPayload"]), fmt.Sprint(second[id].Raw["connectorOutputPayload"])
			if first[id].Result.Status != "SUCCEEDED" || a != b {
				t.Errorf("results differ: %v / %v", first[id].Raw, second[id].Raw)
			}
			if n := messagesWithBody(sim, id); n != 1 {
				t.Errorf("%d messages created for one task, want 1", n)
			}
			if err := w.stop(t, 30*time.Second); err != nil {
				t.Errorf("exit: %v", err)
			}
		})
	}
}

// TestEndToEndDeadLetter: a task that can never be answered (another
// attempt holds it in the shared store) is nacked each time and reaches
// the dead-letter topic after the subscription's 5 attempts; results of
// other tasks carry their deliveryAttempt.
func TestEndToEndDeadLetter(t *testing.T) {
	requireEmulator(t)
	redisAddr := requireRedis(t)
	_, simURL := simulator(t, twiliosim.Config{})
	tp := newTopology(t)
	dlTopic, dlSub := tp.withDeadLetter(t)
	stuck := "stuck-" + randomID()
	store, err := taskstore.Open(context.Background(), "redis://"+redisAddr+"/0", time.Now,
		taskstore.WithKeyPrefix("twilio-worker:"+e2eAccount+":task:")) // the worker's prefix
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Begin(context.Background(), stuck, time.Hour); err != nil {
		t.Fatal(err)
	}
	w := startWorker(t, tp, simURL, "--task-store", "redis://"+redisAddr+"/0", "--in-progress-wait", "1s")
	tp.publish(t, stuck, `{"entity":"Recordings","operation":"LIST"}`, nil)
	tp.publish(t, "fine", `{"entity":"Recordings","operation":"LIST"}`, nil)
	got, _ := tp.collect(t, 1, 30*time.Second)
	if r := got["fine"]; r.Result.DeliveryAttempt != 1 {
		t.Errorf("deliveryAttempt = %d, want 1 (the subscription has a dead-letter policy): %v", r.Result.DeliveryAttempt, r.Raw)
	}
	m := receiveOne(t, tp.client, dlSub, 90*time.Second)
	if m == nil || m.Attributes["taskId"] != stuck || m.Attributes["CloudPubSubDeadLetterSourceDeliveryCount"] != "5" {
		t.Fatalf("dead-lettered message = %+v, want task %s after 5 attempts (topic %s)", m, stuck, dlTopic)
	}
	if _, answered := got[stuck]; answered {
		t.Error("the stuck task was answered although another attempt held it")
	}
	if err := w.stop(t, 30*time.Second); err != nil {
		t.Errorf("exit: %v", err)
	}
}

// withDeadLetter gives the task subscription a dead-letter policy (the
// emulator's minimum of 5 attempts) and returns the topic and a
// subscription on it.
func (tp *topology) withDeadLetter(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	id := randomID()
	topic := "projects/" + e2eProject + "/topics/dead-" + id
	sub := "projects/" + e2eProject + "/subscriptions/dead-" + id
	if _, err := tp.client.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
		t.Fatal(err)
	}
	if _, err := tp.client.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{Name: sub, Topic: topic}); err != nil {
		t.Fatal(err)
	}
	_, err := tp.client.SubscriptionAdminClient.UpdateSubscription(ctx, &pubsubpb.UpdateSubscriptionRequest{
		Subscription: &pubsubpb.Subscription{Name: tp.taskSub,
			DeadLetterPolicy: &pubsubpb.DeadLetterPolicy{DeadLetterTopic: topic, MaxDeliveryAttempts: 5},
			RetryPolicy: &pubsubpb.RetryPolicy{MinimumBackoff: durationpb.New(100 * time.Millisecond),
				MaximumBackoff: durationpb.New(time.Second)}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"dead_letter_policy", "retry_policy"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return topic, sub
}

func receiveOne(t *testing.T, c *pubsub.Client, sub string, within time.Duration) *pubsub.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var got *pubsub.Message
	err := c.Subscriber(sub).Receive(ctx, func(_ context.Context, m *pubsub.Message) {
		m.Ack()
		got = m
		cancel()
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}
