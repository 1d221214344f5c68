package limiter

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestNewWindowSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		rps   rate.Limit
		burst int
		want  int // 0: no window
	}{
		{50 * (1 - rateSlack), 1, 50},
		{37.5, 1, 38},
		{50, 5, 54},
		{50, 0, 50},
		{0.01, 1, 1},
		{0, 1, 0},
		{rate.Inf, 1, 0},
		{maxWindow + 1, 1, 0},
	}
	for _, tc := range cases {
		w := newWindow(tc.rps, tc.burst)
		got := 0
		if w != nil {
			got = len(w.ring)
		}
		if got != tc.want {
			t.Errorf("newWindow(%v, %d) remembers %d departures, want %d", tc.rps, tc.burst, got, tc.want)
		}
	}
}

func TestWindowAdmit(t *testing.T) {
	t.Parallel()
	w := newWindow(3, 1)
	const admit = -1
	steps := []struct {
		at      time.Duration // after t0
		waitOut time.Duration // departure whose span must pass, or admit
	}{
		{0, admit},
		{100 * ms, admit},
		{200 * ms, admit},
		{500 * ms, 0}, // 0, 100 and 200 ms are in the window
		{999 * ms, 0},
		{windowSpan, admit}, // the departure at t0 has left the window
		{1050 * ms, 100 * ms},
		{100*ms + windowSpan, admit},
		{100*ms + windowSpan, 200 * ms},
		{200*ms + windowSpan, admit},
		{5 * sec, admit},
		{5 * sec, admit},
		{5 * sec, admit},   // three at one instant is fine
		{5 * sec, 5 * sec}, // four is not

	}
	for i, s := range steps {
		want := time.Duration(0)
		if s.waitOut != admit {
			want = s.waitOut + windowSpan - s.at
		}
		if got := w.admit(t0.Add(s.at)); got != want {
			t.Errorf("step %d: admit(t0+%v) = %v, want %v", i, s.at, got, want)
		}
	}
}

// TestWindowAbsorbsLateness replays token grants whose requests leave late
// by random amounts, some by a long stall, as on a busy machine. Without the
// window some second holds more than the budget; with it none does, and the
// rate stays within 1 % of the budget.
func TestWindowAbsorbsLateness(t *testing.T) {
	t.Parallel()
	for _, nodes := range []int{2, 50} {
		cfg := ForNodes(nodes)
		budget := nodes * PerNode
		p := newPacer(cfg.RPS, cfg.Burst)
		grants := closedLoop(t, p, cfg.MaxInFlight, 10_000, nil)
		rng := rand.New(rand.NewPCG(5, 6))
		late := make([]time.Time, len(grants))
		for i, g := range grants {
			d := time.Duration(rng.IntN(300)) * time.Microsecond
			if rng.IntN(100) == 0 {
				d += time.Duration(rng.IntN(30)) * time.Millisecond // a stall
			}
			late[i] = g.Add(d)
		}
		if most := busiest(late); most <= budget {
			t.Fatalf("nodes=%d: premise: late departures fit the budget (%d ≤ %d)", nodes, most, budget)
		}
		left := replay(newWindow(p.full, cfg.Burst), late)
		if most := busiest(left); most > budget {
			t.Errorf("nodes=%d: busiest window %d with the window, budget %d", nodes, most, budget)
		}
		if r := achieved(left); r < 0.99*float64(budget) {
			t.Errorf("nodes=%d: achieved %.2f requests/s, want ≥ 99%% of %d", nodes, r, budget)
		}
	}
}

// replay passes requests arriving at the given instants through w one at a
// time, as w.gate does, and returns when each left.
func replay(w *window, arrivals []time.Time) []time.Time {
	arrivals = slices.SortedFunc(slices.Values(arrivals), time.Time.Compare)
	out := make([]time.Time, 0, len(arrivals))
	now := t0
	for _, at := range arrivals {
		now = later(now, at)
		for d := w.admit(now); d > 0; d = w.admit(now) {
			now = now.Add(d)
		}
		out = append(out, now)
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func TestWindowWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	w := newWindow(1, 1)
	clock := func() time.Time { return t0 } // frozen: the window never frees
	if _, err := w.wait(t.Context(), clock); err != nil {
		t.Fatalf("first wait: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 2)
	for range 2 { // one waits on the window, one on the gate
		go func() {
			_, err := w.wait(ctx, clock)
			errc <- err
		}()
	}
	cancel()
	for range 2 {
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("wait = %v, want context.Canceled", err)
		}
	}
	if n := len(w.gate); n != 0 {
		t.Errorf("gate still held by %d waiters", n)
	}
}
