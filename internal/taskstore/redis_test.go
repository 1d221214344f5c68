package taskstore_test

import (
	"crypto/rand"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// redisAddr returns REDIS_ADDR (host:port of a Redis server the tests may
// write to). Without it the Redis tests skip locally and fail when
// REQUIRE_REDIS=1 (scripts/test.sh and CI), so a missing server cannot pass
// for a green run.
func redisAddr(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		if os.Getenv("REQUIRE_REDIS") == "1" {
			t.Fatal("REQUIRE_REDIS=1 but REDIS_ADDR is empty; scripts/test.sh starts redis-server and sets it")
		}
		t.Skip("REDIS_ADDR is empty; run redis-server and set REDIS_ADDR=host:port to test the Redis store")
	}
	return addr
}

// uniquePrefix keeps each test's keys apart from every other test's and
// run's on a shared server.
func uniquePrefix() string { return "twilio-worker-test:" + rand.Text() + ":" }

func openRedis(t *testing.T, opts ...taskstore.Option) fixture {
	t.Helper()
	base := []taskstore.Option{taskstore.WithKeyPrefix(uniquePrefix()), taskstore.WithRetention(time.Minute)}
	s, err := taskstore.NewRedis(ctx, "redis://"+redisAddr(t)+"/0", append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return fixture{store: s, after: func(d time.Duration, cond func() bool) bool {
		time.Sleep(d)
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if cond() {
				return true
			}
		}
		return cond()
	}}
}

func TestRedisConformance(t *testing.T) {
	redisAddr(t)
	t.Parallel()
	runConformance(t, openRedis)
}

// rawClient reads the store's keys directly, to check the documented layout.
func rawClient(t *testing.T) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: redisAddr(t)})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestRedisLayout(t *testing.T) {
	addr := redisAddr(t)
	t.Parallel()
	prefix := uniquePrefix()
	s, err := taskstore.NewRedis(ctx, "redis://"+addr, taskstore.WithKeyPrefix(prefix), taskstore.WithRetention(time.Hour))
	must(t, err)
	defer s.Close()
	raw, key := rawClient(t), prefix+"t1"

	begin(t, s, "t1", 30*time.Second, taskstore.New, 1)
	h := raw.HGetAll(ctx, key).Val()
	serverNow, err := raw.Time(ctx).Result()
	must(t, err)
	leaseUntil, _ := strconv.ParseInt(h["lease_until"], 10, 64)
	if h["state"] != "started" || h["attempt"] != "1" || h["sent"] != "0" || h["sent_before"] != "0" {
		t.Errorf("started record = %v, want state started, attempt 1, sent 0, sent_before 0", h)
	}
	must(t, s.MarkSent(ctx, "t1", 1, 30*time.Second))
	if sent := raw.HGet(ctx, key, "sent").Val(); sent != "1" {
		t.Errorf("sent = %q after MarkSent, want 1", sent)
	}
	if left := time.UnixMilli(leaseUntil).Sub(serverNow); left < 25*time.Second || left > 31*time.Second {
		t.Errorf("lease_until is %v from the server's clock, want about 30s", left)
	}
	if ttl := raw.PTTL(ctx, key).Val(); ttl < 59*time.Minute || ttl > time.Hour {
		t.Errorf("started record TTL = %v, want the retention (1h)", ttl)
	}

	finish(t, s, "t1", []byte(`{"status":"SUCCEEDED"}`), 10*time.Minute)
	h = raw.HGetAll(ctx, key).Val()
	if h["state"] != "done" || h["result"] != `{"status":"SUCCEEDED"}` || h["lease_until"] != "" || h["attempt"] != "1" {
		t.Errorf("done record = %v, want state done, the result, attempt 1, no lease", h)
	}
	if ttl := raw.PTTL(ctx, key).Val(); ttl < 9*time.Minute || ttl > 10*time.Minute {
		t.Errorf("done record TTL = %v, want Finish's ttl (10m)", ttl)
	}
}

func TestRedisPrefixesAreIndependent(t *testing.T) {
	addr := redisAddr(t)
	t.Parallel()
	a, err := taskstore.NewRedis(ctx, "redis://"+addr, taskstore.WithKeyPrefix(uniquePrefix()))
	must(t, err)
	defer a.Close()
	b, err := taskstore.NewRedis(ctx, "redis://"+addr, taskstore.WithKeyPrefix(uniquePrefix()))
	must(t, err)
	defer b.Close()
	begin(t, a, "t1", time.Minute, taskstore.New, 1)
	begin(t, b, "t1", time.Minute, taskstore.New, 1)
}

// Two stores on one server and prefix are one store: what a pool of
// workers relies on.
func TestRedisSharedBetweenClients(t *testing.T) {
	addr := redisAddr(t)
	t.Parallel()
	prefix := uniquePrefix()
	a, err := taskstore.NewRedis(ctx, "redis://"+addr, taskstore.WithKeyPrefix(prefix))
	must(t, err)
	defer a.Close()
	b, err := taskstore.NewRedis(ctx, "redis://"+addr, taskstore.WithKeyPrefix(prefix))
	must(t, err)
	defer b.Close()
	begin(t, a, "t1", time.Minute, taskstore.New, 1)
	begin(t, b, "t1", time.Minute, taskstore.InProgress, 1)
	finish(t, a, "t1", []byte(`"r"`), time.Minute)
	begin(t, b, "t1", time.Minute, taskstore.Done, 1)
}

// A started record written before the sent mark existed has no sent field:
// it may be a create that reached Twilio, so it must count as sent.
func TestRedisRecordWithoutSentField(t *testing.T) {
	addr := redisAddr(t)
	t.Parallel()
	prefix := uniquePrefix()
	s, err := taskstore.NewRedis(ctx, "redis://"+addr, taskstore.WithKeyPrefix(prefix))
	must(t, err)
	defer s.Close()
	raw := rawClient(t)
	must(t, raw.HSet(ctx, prefix+"old", "state", "started", "attempt", 1, "lease_until", 0).Err())
	if c := begin(t, s, "old", time.Minute, taskstore.Abandoned, 2); !c.Sent {
		t.Error("a record without a sent field was reported not sent")
	}
	must(t, s.Abort(ctx, "old", 2))
	begin(t, s, "old", time.Minute, taskstore.Abandoned, 3) // kept, not deleted
}
