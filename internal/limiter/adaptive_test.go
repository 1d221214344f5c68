package limiter

import (
	"context"
	"io"
	"math"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestAdaptiveCap(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	cases := []struct {
		name    string
		rps     float64
		latency time.Duration
		lo, hi  int
		want    int
	}{
		// 1.5 × 1 250 × 0.17 s = 319: a slow Twilio needs the bound.
		{"nodes 50 at 150 ms, bound 300", 1250, 150 * ms, 10, 300, 300},
		{"nodes 50 at 150 ms, bound 100", 1250, 150 * ms, 10, 100, 100},
		{"nodes 50 at 40 ms", 1250, 40 * ms, 10, 300, 113},
		{"nodes 100 answering at once", 2500, 0, 10, 100, 75},
		{"nodes 100 at 2 ms", 2500, 2 * ms, 10, 100, 83},
		{"halved by a 429", 625, 150 * ms, 10, 300, 160},
		{"one node, floor", 25, 100 * ms, 10, 100, 10},
		{"one node, slow list pages", 25, 3 * time.Second, 10, 100, 100},
		{"no rate limit", math.Inf(1), 150 * ms, 10, 100, 100},
		{"zero rate", 0, 150 * ms, 10, 100, 100},
		{"NaN rate", math.NaN(), 150 * ms, 10, 100, 100},
		{"absurd latency", 2500, time.Duration(math.MaxInt64 / 2), 10, 100, 100},
	}
	for _, tc := range cases {
		if got := adaptiveCap(tc.rps, tc.latency, tc.lo, tc.hi); got != tc.want {
			t.Errorf("%s: adaptiveCap(%v, %v, %d, %d) = %d, want %d", tc.name, tc.rps, tc.latency, tc.lo, tc.hi, got, tc.want)
		}
	}
}

// TestAdaptiveEstimate steps the estimate through periods on a fake
// clock: the first period's mean replaces the guess, a slower period moves
// it half-way up, a quicker one a tenth of the way down, and nothing moves
// before a period has passed.
func TestAdaptiveEstimate(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	now := t0
	var a adaptive
	// period feeds hold times d1 at now and just before a period has
	// passed, and d2 when it has, and returns the estimate then.
	period := func(d1, d2 time.Duration) time.Duration {
		t.Helper()
		if _, _, _, due := a.observe(now, now.Add(-d1)); due {
			t.Fatal("a period ended at its first observation")
		}
		now = now.Add(adaptPeriod - 1)
		if _, _, _, due := a.observe(now, now.Add(-d1)); due {
			t.Fatal("a period ended before adaptPeriod passed")
		}
		now = now.Add(1)
		est, _, _, due := a.observe(now, now.Add(-d2))
		if !due {
			t.Fatal("a period did not end after adaptPeriod")
		}
		now = now.Add(ms)
		return est
	}
	steps := []struct {
		d1, d2 time.Duration
		want   time.Duration
	}{
		{150 * ms, 150 * ms, 150 * ms}, // replaces the guess
		{300 * ms, 150 * ms, 200 * ms}, // mean 250: up by half of 100
		{100 * ms, 100 * ms, 190 * ms}, // mean 100: down by a tenth of 100
		{-ms, 30 * ms, 172 * ms},       // a negative hold (clock step) counts as 0: mean 10
	}
	for i, s := range steps {
		if got := period(s.d1, s.d2); got != s.want {
			t.Fatalf("period %d: estimate %v, want %v", i+1, got, s.want)
		}
	}
}

// rateBudget hands out tokens due at once, at a rate in force the test
// sets: the cap depends on the rate, not on the tokens.
type rateBudget struct {
	mu  sync.Mutex
	rps float64
}

func (b *rateBudget) Reserve(_ context.Context, now time.Time) (Token, error) {
	return Token{At: now}, nil
}
func (b *rateBudget) Cancel(Token, time.Time)                    {}
func (b *rateBudget) Penalize(time.Time, float64, time.Duration) {}
func (b *rateBudget) Limit() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rps
}
func (b *rateBudget) set(rps float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rps = rps
}

// latencyBase answers each request after latency on the fake clock: it
// moves the clock on, as a Twilio that slow would have.
// With concurrent set, it reports that many requests in flight for the
// account (ConcurrencyHeader).
type latencyBase struct {
	clock      *fakeClock
	latency    time.Duration
	concurrent string
}

func (b *latencyBase) RoundTrip(req *http.Request) (*http.Response, error) {
	b.clock.Advance(b.latency)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: req}
	if b.concurrent != "" {
		resp.Header.Set(ConcurrencyHeader, b.concurrent)
	}
	return resp, nil
}

// sendFor sends requests through tr one after the other for d of clock's
// time, reading and closing each body, and returns the cap then in force.
func sendFor(t *testing.T, tr *Transport, clock *fakeClock, d time.Duration) int {
	t.Helper()
	for stop := clock.Now().Add(d); clock.Now().Before(stop); {
		resp := mustSend(t, tr)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return tr.Stats().Cap
}

// TestCapFollowsLatency drives a transport whose Twilio answers in 40 ms,
// then 150 ms, then 40 ms again, at 1 000 requests/s and, for a while,
// half that after a 429. The cap starts at the bound, then settles where
// Little's law with headroom puts it for each latency and rate.
func TestCapFollowsLatency(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: t0}
	base := &latencyBase{clock: clock}
	budget := &rateBudget{rps: 1000}
	tr := NewTransport(base, Config{RPS: 1000, MaxInFlight: 300, MinInFlight: 10, Budget: budget})
	tr.now = clock.Now
	if got := tr.Stats().Cap; got != 300 {
		t.Fatalf("cap before any response %d, want the bound 300", got)
	}
	ms := time.Millisecond
	steps := []struct {
		name    string
		rps     float64
		latency time.Duration
		d       time.Duration
		lo, hi  int // the cap in force afterwards
	}{
		// 1.5 × 1 000 × 60 ms = 90; the first period sets it exactly.
		{"40 ms", 1000, 40 * ms, 2 * time.Second, 90, 90},
		// 1.5 × 1 000 × 170 ms = 255, reached within seconds.
		{"150 ms", 1000, 150 * ms, 3 * time.Second, 253, 255},
		// A 429 halves the rate: 128.
		{"150 ms, rate halved", 500, 150 * ms, 3 * time.Second, 126, 128},
		// Back to 40 ms: down by a tenth a period, so within 10 s.
		{"40 ms again", 1000, 40 * ms, 10 * time.Second, 90, 92},
	}
	for _, s := range steps {
		budget.set(s.rps)
		base.latency = s.latency
		if got := sendFor(t, tr, clock, s.d); got < s.lo || got > s.hi {
			t.Fatalf("%s: cap %d, want %d to %d", s.name, got, s.lo, s.hi)
		}
	}
	if got := tr.Stats(); got.InFlight != 0 {
		t.Errorf("InFlight %d after every body was closed", got.InFlight)
	}
}

// TestFixedCapStays: without MinInFlight the cap is MaxInFlight whatever
// the latency.
func TestFixedCapStays(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: t0}
	tr := NewTransport(&latencyBase{clock: clock, latency: time.Millisecond},
		Config{MaxInFlight: 50, Budget: &rateBudget{rps: 1000}})
	tr.now = clock.Now
	for range 1000 {
		mustSend(t, tr).Body.Close()
	}
	if got := tr.Stats().Cap; got != 50 {
		t.Errorf("cap %d, want the fixed 50", got)
	}
}

// TestCapLeavesRoomForOthers: when Twilio reports more of the account's
// requests in flight than this transport's, the cap leaves room for the
// others within the bound; it gives that room back slowly as they report
// fewer, and at once when the reports stop for good.
func TestCapLeavesRoomForOthers(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: t0}
	// 1.5 × 1 000 × 160 ms = 240 needed: the bound, 100, is the cap.
	base := &latencyBase{clock: clock, latency: 150 * time.Millisecond}
	tr := NewTransport(base, Config{MaxInFlight: 100, MinInFlight: 10, Budget: &rateBudget{rps: 1000}})
	tr.now = clock.Now
	steps := []struct {
		name       string
		concurrent string
		d          time.Duration
		want       int
	}{
		{"no header", "", time.Second, 100},
		// 41 in flight, one of them this transport's: 40 others.
		{"40 others", "41", 300 * time.Millisecond, 60},
		// Down a tenth of the way, 40 → 37, in the first period with 10 alone.
		{"10 others", "11", 450 * time.Millisecond, 63},
		{"garbage", "many", time.Second, 63},
		{"reports stopped", "", 6 * time.Second, 100},
		{"more than the bound", "500", 300 * time.Millisecond, 10},
	}
	for _, s := range steps {
		base.concurrent = s.concurrent
		if got := sendFor(t, tr, clock, s.d); got != s.want {
			t.Fatalf("%s: cap %d, want %d", s.name, got, s.want)
		}
	}
}

// TestCapRecoversWhileReported: when Twilio keeps reporting fewer other
// clients, the cap comes all the way back, not to one below (the decay
// alone only approaches the report, and its ceiling stayed a slot high).
func TestCapRecoversWhileReported(t *testing.T) {
	clock := &fakeClock{t: t0}
	base := &latencyBase{clock: clock, latency: 150 * time.Millisecond}
	tr := NewTransport(base, Config{MaxInFlight: 100, MinInFlight: 10, Budget: &rateBudget{rps: 1000}})
	tr.now = clock.Now
	base.concurrent = "41" // 40 others
	sendFor(t, tr, clock, 300*time.Millisecond)
	base.concurrent = "4" // 3 others from now on
	if got := sendFor(t, tr, clock, 30*time.Second); got != 97 {
		t.Errorf("cap %d with 3 others reported, want 97", got)
	}
	base.concurrent = "1" // only this worker's request
	if got := sendFor(t, tr, clock, 30*time.Second); got != 100 {
		t.Errorf("cap %d with no others reported, want 100", got)
	}
}
