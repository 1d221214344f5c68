// Package poolbudget keeps the rate budget of a pool of worker replicas in
// Redis, so that however many replicas run (and whichever join, leave or
// die) their Twilio requests together stay within one budget of nodes × 25
// requests/s (docs/architecture.md, decision 9). It implements
// limiter.Budget.
//
// Each token is one Lua script run on the server (GCRA, see scripts.go),
// timed by the server's clock, so replicas' clock skew does not matter. A
// token a request reserves but does not use is not given back: the pool
// is then a little slower, never faster.
package poolbudget

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/limiter"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

const (
	// Slack is the fraction of the budget the pool gives up. A request
	// leaves after a round trip to Redis and a sleep, on a goroutine that
	// may wake late; Lateness bounds that, and the slack keeps r grants
	// spaced 1/(1 − Slack) s > 1 s + Lateness apart, so no one-second
	// window of departures holds more than the budget r. On a loaded
	// 2-core machine wake-ups were measured up to 20 ms late, a few
	// percent of them over 10 ms: 1.5 % of the rate (15 ms) keeps most
	// tokens usable, and a later request takes a new token rather than
	// crowd a window. (2.5 % and 24 ms held the window too, but left the
	// pool under 95 % of its budget once a replica was killed.)
	Slack = 0.015
	// Lateness is how far behind its grant a request may leave (the
	// uncertainty of the grant's instant on this clock included); a later
	// one drops its token and takes another.
	Lateness = 15 * time.Millisecond

	// Backoff bounds while the budget store does not answer.
	firstBackoff = 50 * time.Millisecond
	maxBackoff   = 2 * time.Second
	// logEvery: an unreachable store is logged once per this, not per
	// request.
	logEvery = time.Minute
	// A replica holds at most max(minAhead, aheadSpan of the budget) tokens
	// not yet due: few, since a replica that dies wastes them.
	minAhead  = 2
	aheadSpan = 20 * time.Millisecond
	// callTimeout bounds one call when the request has no deadline.
	callTimeout = 5 * time.Second
)

// Budget is a rate budget shared through Redis. Build it with Open; it is
// safe for concurrent use.
type Budget struct {
	client   *redis.Client
	key      string
	rate     float64 // full rate, less Slack, in requests/s
	log      *zap.Logger
	permille atomic.Int64 // penalty factor last seen, in thousandths
	down     atomic.Bool  // the last call failed (cheap check on every token)
	clock    clockMap
	// calls lets one reserve call at a time go to Redis: the budget needs
	// only its rate in calls, and queueing here rather than in the
	// connection pool keeps round trips short, which keeps the mapping of
	// grants to this clock precise and tokens usable.
	calls chan struct{}
	// ahead caps the tokens this replica holds before they are due: a
	// replica that dies wastes no more than these, and replicas share the
	// queue evenly rather than by who asked first.
	ahead chan struct{}

	mu        sync.Mutex
	failing   error     // last failure; nil once the store answers again
	loggedAt  time.Time // last time an unreachable store was logged
	failCount uint64    // calls that failed since the last log line
}

var _ limiter.Budget = (*Budget)(nil)

// Key is the budget's Redis key for an account and connection: replicas
// that share both share the budget.
func Key(accountSID, connection string) string {
	if connection == "" {
		connection = "_"
	}
	return "twilio-worker:" + accountSID + ":" + connection + ":budget"
}

// Open connects to the Redis server at rawURL (redis://…, rediss://…) and
// checks that it answers. rps is the pool's whole budget. Errors never
// contain the URL's password.
func Open(ctx context.Context, rawURL, key string, rps float64, log *zap.Logger) (*Budget, error) {
	o, err := taskstore.RedisOptions(rawURL)
	if err != nil {
		return nil, err
	}
	c := redis.NewClient(o)
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis at %s does not answer: %w", taskstore.Redact(rawURL), taskstore.Scrub(err, o.Password))
	}
	b := &Budget{client: c, key: key, rate: rps * (1 - Slack), log: log, calls: make(chan struct{}, 1),
		ahead: make(chan struct{}, max(minAhead, int(math.Ceil(rps*aheadSpan.Seconds()))))}
	b.permille.Store(1000)
	return b, nil
}

// Reserve implements limiter.Budget: one script run per token. While the
// store does not answer it retries with backoff, sending nothing, until
// the store answers or ctx's deadline is too near; then it fails with
// context.DeadlineExceeded and codes.ErrNotSent.
func (b *Budget) Reserve(ctx context.Context, _ time.Time) (limiter.Token, error) {
	select {
	case b.ahead <- struct{}{}:
	case <-ctx.Done():
		return limiter.Token{}, fmt.Errorf("limiter: waiting for a token: %w (%w)", ctx.Err(), codes.ErrNotSent)
	}
	tok, err := b.reserve(ctx)
	if err != nil {
		<-b.ahead
		return tok, err
	}
	time.AfterFunc(time.Until(tok.At), func() { <-b.ahead })
	return tok, nil
}

func (b *Budget) reserve(ctx context.Context) (limiter.Token, error) {
	backoff := firstBackoff
	for {
		tok, retry, err := b.try(ctx)
		switch {
		case !retry:
			return tok, err
		case err == nil: // every answer so far came too slowly to place the grant
			if sleep(ctx, 5*time.Millisecond) == nil {
				continue
			}
		}
		if ctx.Err() != nil {
			return limiter.Token{}, fmt.Errorf("limiter: budget store: %w (%w)", ctx.Err(), codes.ErrNotSent)
		}
		b.failed(err)
		wait := time.Duration(rand.Int64N(int64(backoff))) + backoff/2
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return limiter.Token{}, fmt.Errorf("limiter: the budget store does not answer (%v): %w (%w)",
				err, context.DeadlineExceeded, codes.ErrNotSent)
		}
		if sleep(ctx, wait) != nil {
			return limiter.Token{}, fmt.Errorf("limiter: budget store: %w (%w)", ctx.Err(), codes.ErrNotSent)
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// try runs the reserve script once. retry is true when the store failed
// (err says how) or no reading of its clock is precise enough yet.
func (b *Budget) try(ctx context.Context) (tok limiter.Token, retry bool, err error) {
	maxWait := int64(-1)
	if dl, ok := ctx.Deadline(); ok {
		maxWait = max(time.Until(dl).Microseconds(), 0)
	} else {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, callTimeout)
		defer cancel()
	}
	select {
	case b.calls <- struct{}{}:
	case <-ctx.Done():
		return limiter.Token{}, true, ctx.Err()
	}
	sent := time.Now()
	vals, err := reserveScript.Run(ctx, b.client, []string{b.key}, b.rate, maxWait).Int64Slice()
	got := time.Now()
	<-b.calls
	if err != nil || len(vals) != 4 {
		return limiter.Token{}, true, fmt.Errorf("reserve: %v", orReply(err, vals))
	}
	b.answered()
	b.permille.Store(vals[3])
	off, uncertain := b.clock.sample(sent, got, vals[2])
	// The grant on this process's clock, from the best reading of the
	// server's clock so far: leave no earlier than its latest estimate,
	// and no later than Lateness after its earliest.
	grant := time.UnixMicro(vals[1]).Add(off).Sub(got)
	if vals[0] != 1 {
		return limiter.Token{}, false, fmt.Errorf("limiter: next token in %v, after the deadline: %w (%w)",
			grant, context.DeadlineExceeded, codes.ErrNotSent)
	}
	within := Lateness - 2*uncertain
	if within <= 0 {
		return limiter.Token{}, true, nil
	}
	return limiter.Token{At: got.Add(grant + uncertain), Within: within}, false, nil
}

func orReply(err error, vals []int64) any {
	if err != nil {
		return err
	}
	return fmt.Sprintf("unexpected reply %v", vals)
}

// Cancel implements limiter.Budget: tokens are not given back (see the
// package doc).
func (b *Budget) Cancel(limiter.Token, time.Time) {}

// Penalize implements limiter.Budget for the whole pool: the penalty is
// stored beside the budget, so every replica's next tokens follow it.
func (b *Budget) Penalize(_ time.Time, factor float64, d time.Duration) {
	if math.IsNaN(factor) || d <= 0 {
		return
	}
	factor = min(max(factor, 0.01), 1)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := penalizeScript.Run(ctx, b.client, []string{b.key}, factor, d.Microseconds()).Err(); err != nil {
		b.failed(fmt.Errorf("penalize: %w", err))
		return
	}
	b.permille.Store(int64(math.Round(factor * 1000)))
}

// Limit implements limiter.Budget: the pool's rate in force as this
// replica last saw it.
func (b *Budget) Limit() float64 {
	return b.rate / (1 - Slack) * float64(b.permille.Load()) / 1000
}

// Check reports whether the store answers now (for readiness).
func (b *Budget) Check(ctx context.Context) error {
	if err := b.client.Ping(ctx).Err(); err != nil {
		b.failed(err)
		return fmt.Errorf("the budget store does not answer: %w", err)
	}
	b.answered()
	return nil
}

// Close closes the connection pool.
func (b *Budget) Close() error { return b.client.Close() }

// failed records a failure of the store and logs it, once per logEvery.
func (b *Budget) failed(err error) {
	b.down.Store(true)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failing = err
	b.failCount++
	if now := time.Now(); now.Sub(b.loggedAt) >= logEvery {
		b.loggedAt = now
		b.log.Error("the budget store does not answer; sending nothing to Twilio until it does",
			zap.Uint64("failed_calls", b.failCount), zap.Error(err))
		b.failCount = 0
	}
}

// answered records that the store answers, logging the recovery once.
func (b *Budget) answered() {
	if !b.down.Load() {
		return
	}
	b.down.Store(false)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failing != nil {
		b.failing, b.loggedAt = nil, time.Time{}
		b.log.Info("the budget store answers again")
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
