package limiter

import (
	"math"
	"slices"
	"testing"
	"time"
)

type penalty struct {
	at     time.Duration // after t0
	factor float64
	d      time.Duration
}

// phase is a stretch of a simulation that must run at rps: no one-second
// window above it, and at least 99 % of it achieved. Requests queued when the
// rate changes keep their instants, so a phase starts once the closed loop's
// 20 queued requests have drained at the previous rate.
type phase struct {
	from, to time.Duration // after t0
	rps      int
}

func TestPenalizeLowersThenRecovers(t *testing.T) {
	t.Parallel()
	cfg := ForNodes(2) // 50 requests/s
	// The closed loop's senders: 20 requests queued for tokens, as the
	// phases below assume.
	const senders = 20
	cases := []struct {
		name      string
		penalties []penalty
		phases    []phase
	}{
		{
			name:      "halve for 3s",
			penalties: []penalty{{2 * time.Second, 0.5, 3 * time.Second}},
			phases:    []phase{{0, 2 * sec, 50}, {2500 * ms, 5 * sec, 25}, {6 * sec, 10 * sec, 50}},
		},
		{
			// The 20 requests queued at 10/s when the milder penalty
			// comes keep their turn until about 5s.
			name: "deeper, then milder before the first ends",
			penalties: []penalty{
				{2 * time.Second, 0.2, 2 * time.Second},
				{3 * time.Second, 0.6, 3 * time.Second},
			},
			phases: []phase{{2500 * ms, 4900 * ms, 10}, {5200 * ms, 6 * sec, 30}, {7 * sec, 12 * sec, 50}},
		},
		{
			name: "repeated 429s extend the penalty",
			penalties: []penalty{
				{2 * time.Second, 0.5, time.Second},
				{2500 * ms, 0.5, time.Second},
				{3 * time.Second, 0.5, time.Second},
			},
			phases: []phase{{2500 * ms, 4 * sec, 25}, {5 * sec, 10 * sec, 50}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPacer(cfg.RPS, cfg.Burst)
			pending := tc.penalties
			got := closedLoop(t, p, senders, 600, func(now time.Time) {
				for len(pending) > 0 && !now.Before(t0.Add(pending[0].at)) {
					pen := pending[0]
					p.penalize(t0.Add(pen.at), pen.factor, pen.d)
					pending = pending[1:]
				}
			})
			if most := busiest(got); most > 50 {
				t.Errorf("busiest window overall: %d requests, budget 50", most)
			}
			for _, ph := range tc.phases {
				checkPhase(t, got, ph)
			}
		})
	}
}

const (
	ms  = time.Millisecond
	sec = time.Second
)

func checkPhase(t *testing.T, instants []time.Time, ph phase) {
	t.Helper()
	from, to := t0.Add(ph.from), t0.Add(ph.to)
	in := slices.DeleteFunc(slices.Clone(instants), func(at time.Time) bool {
		return at.Before(from) || !at.Before(to)
	})
	if len(in) < 2 {
		t.Fatalf("[%v, %v): %d requests, simulation too short", ph.from, ph.to, len(in))
	}
	if most := busiest(in); most > ph.rps {
		t.Errorf("[%v, %v): busiest window %d, want ≤ %d", ph.from, ph.to, most, ph.rps)
	}
	if r := achieved(in); r < 0.99*float64(ph.rps) {
		t.Errorf("[%v, %v): achieved %.2f requests/s, want ≥ 99%% of %d", ph.from, ph.to, r, ph.rps)
	}
}

func TestPenalizeArguments(t *testing.T) {
	t.Parallel()
	full := 50 * (1 - rateSlack)
	cases := []struct {
		name   string
		factor float64
		d      time.Duration
		want   float64
	}{
		{"halve", 0.5, sec, full / 2},
		{"factor above 1 cannot raise the rate", 3, sec, full},
		{"factor clamped to minPenalty", 0, sec, full * minPenalty},
		{"negative factor clamped", -1, sec, full * minPenalty},
		{"NaN factor ignored", math.NaN(), sec, full},
		{"zero duration ignored", 0.5, 0, full},
		{"negative duration ignored", 0.5, -sec, full},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPacer(50, 1)
			p.penalize(t0, tc.factor, tc.d)
			if got := float64(p.limit()); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("limit after penalize(%v, %v) = %v, want %v", tc.factor, tc.d, got, tc.want)
			}
		})
	}
}

func TestPenalizeWithoutRateLimit(t *testing.T) {
	t.Parallel()
	p := newPacer(0, 0)
	p.penalize(t0, 0.5, sec)
	for i := range 1000 {
		if d := p.reserve(t0).DelayFrom(t0); d != 0 {
			t.Fatalf("request %d waits %v with no rate limit", i, d)
		}
	}
}

// TestPenalizeThroughTransport drives Penalize and recovery with the
// injected clock: recovery happens on the first request at or after the end
// of the penalty.
func TestPenalizeThroughTransport(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: t0}
	tr := NewTransport(&fakeBase{}, ForNodes(2))
	tr.now = clock.Now
	full := 50 * (1 - rateSlack)
	steps := []struct {
		advance time.Duration
		penal   bool // call Penalize(0.5, 1s) at this step
		want    float64
	}{
		{0, true, full / 2},
		{999 * time.Millisecond, false, full / 2},
		{time.Millisecond, false, full},
		{time.Second, true, full / 2},
		{2 * time.Second, false, full},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		if s.penal {
			tr.Penalize(0.5, time.Second)
		} else {
			mustSend(t, tr).Body.Close()
		}
		if got := float64(tr.pace.limit()); got != s.want {
			t.Errorf("step %d (t0+%v): limit %v, want %v", i, clock.Now().Sub(t0), got, s.want)
		}
	}
}
