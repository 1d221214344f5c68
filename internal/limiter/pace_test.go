package limiter

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// t0 is the fixed instant every simulation starts at.
var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// due reserves one token at now and returns the instant it is due.
func due(t *testing.T, p *pacer, now time.Time) time.Time {
	t.Helper()
	r := p.reserve(now)
	if !r.OK() {
		t.Fatalf("reserve(%v) refused a token", now.Sub(t0))
	}
	return now.Add(r.DelayFrom(now))
}

// busiest returns the largest number of instants in any half-open window
// [s, s+1s). Windows that start at an instant are enough: any other window
// slides right to its first instant without losing one.
func busiest(ts []time.Time) int {
	ts = slices.SortedFunc(slices.Values(ts), time.Time.Compare)
	most, j := 0, 0
	for i := range ts {
		for j < len(ts) && ts[j].Before(ts[i].Add(time.Second)) {
			j++
		}
		most = max(most, j-i)
	}
	return most
}

// achieved returns the rate of the instants between the first and the last.
func achieved(ts []time.Time) float64 {
	first, last := slices.MinFunc(ts, time.Time.Compare), slices.MaxFunc(ts, time.Time.Compare)
	return float64(len(ts)-1) / last.Sub(first).Seconds()
}

// load returns the instants at which n requests ask for a token: arrivals
// that do not depend on when tokens come.
type load func(n int, rps float64) []time.Time

// allAtOnce: n requests arrive together, a queue the limiter must spread.
func allAtOnce(n int, _ float64) []time.Time {
	return slices.Repeat([]time.Time{t0}, n)
}

// bursty: clumps of 3×rps arrivals at random instants, separated by idle
// spells long enough to refill the bucket, so windows straddle idle→busy.
func bursty(n int, rps float64) []time.Time {
	rng := rand.New(rand.NewPCG(1, 2))
	at, out := t0, make([]time.Time, 0, n)
	for len(out) < n {
		for range min(int(3*rps), n-len(out)) {
			at = at.Add(time.Duration(rng.Float64() / (3 * rps) * float64(time.Second)))
			out = append(out, at)
		}
		at = at.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
	}
	return out
}

// skewed: arrivals at twice the budget whose clock readings are up to 2 ms
// out of order, as when goroutines read the clock before taking the lock.
func skewed(n int, rps float64) []time.Time {
	rng := rand.New(rand.NewPCG(3, 4))
	out := make([]time.Time, n)
	for i := range out {
		at := time.Duration(float64(i) / (2 * rps) * float64(time.Second))
		out[i] = t0.Add(at - time.Duration(rng.IntN(2e6)))
	}
	return out
}

// closedLoop simulates w workers that each ask for the next token as soon
// as the previous one is due, the shape of a saturated worker whose Twilio
// answers instantly. It returns the due instants of n tokens. before is
// called with each request instant, before its reservation.
func closedLoop(t *testing.T, p *pacer, w, n int, before func(now time.Time)) []time.Time {
	t.Helper()
	ready := slices.Repeat([]time.Time{t0}, w)
	out := make([]time.Time, 0, n)
	for range n {
		i := slices.Index(ready, slices.MinFunc(ready, time.Time.Compare))
		if before != nil {
			before(ready[i])
		}
		ready[i] = due(t, p, ready[i])
		out = append(out, ready[i])
	}
	return out
}

func TestNoWindowAboveBudget(t *testing.T) {
	t.Parallel()
	const n = 10_000
	for _, nodes := range []int{1, 2, 3, 7, 50, 100} {
		budget := nodes * PerNode
		cfg := ForNodes(nodes)
		cases := []struct {
			name      string
			instants  func(*testing.T, *pacer) []time.Time
			saturated bool // the limiter, not the arrivals, sets the pace
		}{
			{"all at once", open(allAtOnce, n, cfg.RPS), true},
			{"closed loop", func(t *testing.T, p *pacer) []time.Time {
				return closedLoop(t, p, cfg.MaxInFlight, n, nil)
			}, true},
			{"bursty", open(bursty, n, cfg.RPS), false},
			{"skewed clock", open(skewed, n, cfg.RPS), true},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/nodes=%d", tc.name, nodes), func(t *testing.T) {
				t.Parallel()
				got := tc.instants(t, newPacer(cfg.RPS, cfg.Burst))
				if most := busiest(got); most > budget {
					t.Errorf("busiest one-second window has %d requests, budget %d", most, budget)
				}
				if r := achieved(got); tc.saturated && r < 0.99*float64(budget) {
					t.Errorf("achieved %.3f requests/s, want ≥ 99%% of %d", r, budget)
				}
			})
		}
	}
}

// open runs an open-loop load through a fresh pacer.
func open(l load, n int, rps float64) func(*testing.T, *pacer) []time.Time {
	return func(t *testing.T, p *pacer) []time.Time {
		out := l(n, rps)
		for i, at := range out {
			out[i] = due(t, p, at)
		}
		return out
	}
}

// TestBurstArithmetic pins the claim in Config.Burst: burst b lets a window
// see b + r − 1 requests, which is why ForNodes uses 1.
func TestBurstArithmetic(t *testing.T) {
	t.Parallel()
	for _, burst := range []int{1, 2, 5, 20} {
		p := newPacer(50, burst)
		got := open(allAtOnce, 1000, 50)(t, p)
		if most, want := busiest(got), burst+50-1; most != want {
			t.Errorf("burst %d: busiest window %d, want %d", burst, most, want)
		}
	}
}
