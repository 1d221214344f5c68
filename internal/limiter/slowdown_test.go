package limiter

import (
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/clock"
)

// slowdownStep is one step of a Slowdown test: advance the fake clock, then
// either report a 429 or send a request (a penalty that has run out ends on
// the next request), then expect the transport at want × the full rate.
type slowdownStep struct {
	advance time.Duration
	hit     bool
	want    float64
}

// TestSlowdown runs the 429 schedule on a fake clock shared by the
// Slowdown and the Transport, so every instant is exact: half the budget
// for 10 s, three quarters for 10 s, then the full budget, each 429
// starting over.
func TestSlowdown(t *testing.T) {
	t.Parallel()
	const ns = time.Nanosecond
	cases := []struct {
		name  string
		steps []slowdownStep
	}{
		{"one 429", []slowdownStep{
			{0, false, 1}, {0, true, 0.5},
			{SlowdownStep - ns, false, 0.5}, {ns, false, 0.75},
			{SlowdownStep - ns, false, 0.75}, {ns, false, 1},
			{time.Minute, false, 1},
		}},
		{"a 429 in the first step starts over", []slowdownStep{
			{0, true, 0.5}, {5 * time.Second, true, 0.5},
			{5 * time.Second, false, 0.5}, // the first 429's second step must not come
			{5*time.Second - ns, false, 0.5}, {ns, false, 0.75},
			{SlowdownStep, false, 1},
		}},
		{"a 429 in the second step starts over", []slowdownStep{
			{0, true, 0.5}, {15 * time.Second, false, 0.75}, {0, true, 0.5},
			{SlowdownStep - ns, false, 0.5}, {ns, false, 0.75},
			{SlowdownStep - ns, false, 0.75}, {ns, false, 1},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runSlowdown(t, tc.steps)
		})
	}
}

func runSlowdown(t *testing.T, steps []slowdownStep) {
	t.Helper()
	fc := clock.NewFake(t0)
	// A burst of 10: requests a nanosecond apart get a token at once, so
	// no step waits in real time for the next one.
	tr := NewTransport(&fakeBase{}, Config{RPS: 50, Burst: 10})
	tr.now = fc.Now
	s := NewSlowdown(tr, fc)
	full := 50 * (1 - rateSlack)
	for i, st := range steps {
		fc.Advance(st.advance)
		if st.hit {
			s.Throttled()
		} else {
			mustSend(t, tr).Body.Close()
		}
		if got := float64(tr.pace.limit()); got != full*st.want {
			t.Errorf("step %d (t0+%v): limit %v, want %v × %v", i, fc.Now().Sub(t0), got, st.want, full)
		}
	}
	if n := fc.Pending(); n > 1 {
		t.Errorf("%d steps pending; each 429 must replace the schedule, not add one", n)
	}
}
