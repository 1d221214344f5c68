package poolbudget_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/limiter"
	"github.com/connectorworks/twilio-worker/internal/poolbudget"
	"github.com/connectorworks/twilio-worker/internal/redistest"
)

func open(t *testing.T, addr, key string, rps float64) *poolbudget.Budget {
	t.Helper()
	b, err := poolbudget.Open(context.Background(), "redis://"+addr+"/0", key, rps, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// testKey keeps each test's budget apart from every other run's.
func testKey() string { return poolbudget.Key("AC"+strings.ToLower(rand.Text()), "test") }

// okBase answers every request at once.
type okBase struct{}

func (okBase) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

// TestPoolSharesOneBudget: three limiters (three replicas) at nodes 2
// share one budget of 50 requests/s: no one-second window of all their
// departures holds more than 50, and together they reach at least 95 % of
// it while every one of them has work queued.
func TestPoolSharesOneBudget(t *testing.T) {
	addr := redistest.Addr(t)
	key := testKey()
	const nodes, budget = 2, 50
	var mu sync.Mutex
	var sent []time.Time
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for range 3 {
		cfg := limiter.ForNodes(nodes)
		cfg.Budget = open(t, addr, key, cfg.RPS)
		tr := limiter.NewTransport(okBase{}, cfg)
		t.Cleanup(func() { t.Logf("stats %+v", tr.Stats()) })
		tr.OnDeparture(func(_ *http.Request, at time.Time) {
			mu.Lock()
			sent = append(sent, at)
			mu.Unlock()
		})
		for range cfg.MaxInFlight {
			wg.Go(func() { sendUntil(ctx, tr) })
		}
	}
	<-ctx.Done()
	stopped := time.Now()
	wg.Wait()
	sort.Slice(sent, func(i, j int) bool { return sent[i].Before(sent[j]) })
	if len(sent) < 2 {
		t.Fatalf("only %d requests left", len(sent))
	}
	busiest := busiestWindow(sent)
	// The mean over the time every replica had requests queued: from the
	// first departure until the senders stopped asking.
	queued := 0
	for _, at := range sent {
		if at.Before(stopped) {
			queued++
		}
	}
	mean := float64(queued-1) / stopped.Sub(sent[0]).Seconds()
	t.Logf("%d requests; busiest one-second window %d (budget %d); mean %.2f/s", len(sent), busiest, budget, mean)
	if busiest > budget {
		t.Errorf("busiest one-second window of the pool had %d requests, budget is %d", busiest, budget)
	}
	if mean < 0.95*budget {
		t.Errorf("the pool reached %.2f requests/s with work queued, want at least %.2f", mean, 0.95*budget)
	}
}

// sendUntil sends requests back to back until stop ends; each request
// has a deadline of its own, far enough for the pool's queue.
func sendUntil(stop context.Context, tr *limiter.Transport) {
	for stop.Err() == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.twilio.com/x", nil)
		resp, err := tr.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		cancel()
	}
}

func busiestWindow(ts []time.Time) int {
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= time.Second {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// TestPenaltyReachesThePool: a 429 seen by one replica slows the others.
func TestPenaltyReachesThePool(t *testing.T) {
	addr := redistest.Addr(t)
	key := testKey()
	a, b := open(t, addr, key, 50), open(t, addr, key, 50)
	a.Penalize(time.Now(), 0.5, 5*time.Second)
	tok1 := reserve(t, b, 0)
	tok2 := reserve(t, b, 0)
	if got := b.Limit(); got != 25 {
		t.Errorf("the other replica's budget in force is %v, want 25", got)
	}
	// Two grants at half of 50/s (less the slack) are at least 40 ms apart.
	if gap := tok2.At.Sub(tok1.At); gap < 39*time.Millisecond {
		t.Errorf("grants %v apart under the penalty, want about 40 ms", gap)
	}
}

func reserve(t *testing.T, b *poolbudget.Budget, within time.Duration) limiter.Token {
	t.Helper()
	ctx := context.Background()
	if within > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, within)
		defer cancel()
	}
	tok, err := b.Reserve(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestTokenAfterDeadlineIsNotTaken: a request whose token would come after
// its deadline fails as not sent, and leaves the token to the next.
func TestTokenAfterDeadlineIsNotTaken(t *testing.T) {
	b := open(t, redistest.Addr(t), testKey(), 2)
	first := reserve(t, b, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := b.Reserve(ctx, time.Now())
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, codes.ErrNotSent) {
		t.Fatalf("Reserve past the deadline: %v, want DeadlineExceeded and ErrNotSent", err)
	}
	// At 2/s (less the slack) the next grant is ~508 ms after the first,
	// not a second: the refused request took nothing.
	if gap := reserve(t, b, 0).At.Sub(first.At); gap > 800*time.Millisecond {
		t.Errorf("next grant %v after the first: the refused request took a token", gap)
	}
}

// TestUnreachableStoreSendsNothing: while Redis is down Reserve waits and
// fails as not sent at the deadline (never a local fallback), Check
// reports it, and tokens come again once Redis is back.
func TestUnreachableStoreSendsNothing(t *testing.T) {
	srv := redistest.Start(t)
	b := open(t, srv.Addr, testKey(), 50)
	reserve(t, b, 0)
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := b.Reserve(ctx, time.Now()); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, codes.ErrNotSent) {
		t.Fatalf("Reserve with Redis down: %v, want DeadlineExceeded and ErrNotSent", err)
	}
	if err := b.Check(context.Background()); err == nil {
		t.Error("Check passed with Redis down")
	}
	srv.Restart()
	reserve(t, b, 10*time.Second)
	if err := b.Check(context.Background()); err != nil {
		t.Errorf("Check after Redis came back: %v", err)
	}
}
