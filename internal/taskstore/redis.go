package taskstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Redis is a Store kept in Redis (5.0 or later), shared by every worker
// that uses the same server and key prefix, and surviving their restarts.
// It is safe for concurrent use. Build it with NewRedis or Open; the zero
// value is not usable.
//
// Each task is one hash at KeyPrefix+taskID (see WithKeyPrefix):
//
//	state        "started" or "done"
//	attempt      attempts started so far
//	lease_until  started only: end of the lease, Unix milliseconds of the
//	             Redis server's clock (0 after Abort)
//	sent         started only: "1" while the current attempt's MarkSent
//	             stands (not withdrawn by Unmark), else "0"
//	sent_before  started only: "1" when an earlier attempt left a mark
//	result       done only: the result JSON
//
// A started record's key expires after the retention (WithRetention), a
// done record's after Finish's ttl. Every operation is one Lua script (see
// scripts.go), so each is atomic without transactions or locks. Leases are
// compared with the server's TIME, not the workers' clocks, which may
// disagree. Give the server a maxmemory-policy that does not evict these
// keys early (noeviction, or volatile-ttl), or evicted tasks will run again.
type Redis struct {
	client *redis.Client
	opts   options
}

var _ Store = (*Redis)(nil)

// NewRedis connects to the Redis server at rawURL,
// redis://[user:password@]host[:port][/db] or rediss:// for TLS (query
// options as go-redis's ParseURL documents them), and checks that it
// answers. Errors never contain the URL's password. It honours
// WithRetention and WithKeyPrefix.
//
// Every call is bounded by the client's own timeouts (go-redis defaults:
// dial 5 s, read and write 3 s; the URL's dial_timeout, read_timeout and
// write_timeout change them), so callers need not add a deadline.
//
// Commands are not retried by the client unless the URL sets max_retries:
// a Begin retried after a lost reply would find its own lease and report
// InProgress. A failed call is an error instead, and the caller nacks.
func NewRedis(ctx context.Context, rawURL string, opts ...Option) (*Redis, error) {
	o, err := redisOptions(rawURL)
	if err != nil {
		return nil, err
	}
	c := redis.NewClient(o)
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("taskstore: redis at %s does not answer: %w", redact(rawURL), scrub(err, o.Password))
	}
	return &Redis{client: c, opts: buildOptions(opts)}, nil
}

func redisOptions(rawURL string) (*redis.Options, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, urlError(rawURL, err)
	}
	if u, perr := url.Parse(rawURL); perr == nil && !u.Query().Has("max_retries") {
		o.MaxRetries = -1
	}
	// Maintenance notifications are a Redis Cloud feature; probing for
	// them on other servers only adds a round trip per connection.
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return o, nil
}

// Begin implements Store.
func (s *Redis) Begin(ctx context.Context, taskID string, lease time.Duration) (Claim, error) {
	if err := checkArgs("begin", taskID, lease); err != nil {
		return Claim{}, err
	}
	vals, err := beginScript.Run(ctx, s.client, []string{s.key(taskID)}, millis(lease), millis(s.opts.retention)).Slice()
	if err != nil {
		return Claim{}, fmt.Errorf("taskstore: begin %q: %w", clip(taskID), err)
	}
	c, ok := parseClaim(vals)
	if !ok {
		return Claim{}, fmt.Errorf("taskstore: begin %q: unexpected reply %v from the begin script", clip(taskID), vals)
	}
	return c, nil
}

// parseClaim decodes the begin script's reply {state, attempt, sent} or
// {"done", attempt, result}.
func parseClaim(vals []any) (Claim, bool) {
	if len(vals) != 3 {
		return Claim{}, false
	}
	name, _ := vals[0].(string)
	attempt, ok := vals[1].(int64)
	sent, isInt := vals[2].(int64)
	c := Claim{Attempt: int(attempt), Sent: sent == 1}
	ok = ok && (isInt || name == "done")
	switch name {
	case "new":
		c.State = New
	case "in_progress":
		c.State = InProgress
	case "abandoned":
		c.State = Abandoned
	case "done":
		result, isString := vals[2].(string)
		c.State, c.Result, ok = Done, []byte(result), ok && isString
	default:
		return Claim{}, false
	}
	return c, ok
}

// Finish implements Store.
func (s *Redis) Finish(ctx context.Context, taskID string, result []byte, ttl time.Duration) ([]byte, error) {
	if err := checkArgs("finish", taskID, ttl); err != nil {
		return nil, err
	}
	earlier, err := finishScript.Run(ctx, s.client, []string{s.key(taskID)}, result, millis(ttl)).Text()
	switch {
	case errors.Is(err, redis.Nil): // stored
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("taskstore: finish %q: %w", clip(taskID), err)
	}
	return []byte(earlier), nil
}

// Renew implements Store.
func (s *Redis) Renew(ctx context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend(ctx, "renew", taskID, attempt, lease, "")
}

// MarkSent implements Store.
func (s *Redis) MarkSent(ctx context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend(ctx, "mark sent", taskID, attempt, lease, "1")
}

// Unmark implements Store.
func (s *Redis) Unmark(ctx context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend(ctx, "unmark", taskID, attempt, lease, "0")
}

func (s *Redis) extend(ctx context.Context, op, taskID string, attempt int, lease time.Duration, mark string) error {
	if err := checkArgs(op, taskID, lease); err != nil {
		return err
	}
	held, err := extendScript.Run(ctx, s.client, []string{s.key(taskID)}, attempt, millis(lease), mark,
		millis(s.opts.retention)).Int()
	if err != nil {
		return fmt.Errorf("taskstore: %s %q: %w", op, clip(taskID), err)
	}
	if held != 1 {
		return ErrLeaseLost
	}
	return nil
}

// Abort implements Store.
func (s *Redis) Abort(ctx context.Context, taskID string, attempt int) error {
	if err := checkID("abort", taskID); err != nil {
		return err
	}
	if err := abortScript.Run(ctx, s.client, []string{s.key(taskID)}, attempt).Err(); err != nil {
		return fmt.Errorf("taskstore: abort %q: %w", clip(taskID), err)
	}
	return nil
}

// Close implements Store: it closes the connection pool.
func (s *Redis) Close() error { return s.client.Close() }

func (s *Redis) key(taskID string) string { return s.opts.keyPrefix + taskID }

// millis converts d to whole milliseconds for PEXPIRE and leases, rounding
// up so that a positive duration never becomes 0.
func millis(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}
