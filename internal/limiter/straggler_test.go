package limiter

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestAgesCountsByDeparture: requests in flight are counted by the period
// they left in; a period the ring has forgotten keeps its requests in the
// older count, and removing a request from it takes it from there.
func TestAgesCountsByDeparture(t *testing.T) {
	t.Parallel()
	var g ages
	g.add(0)
	g.add(0)
	g.add(3)
	if got := g.atOrBefore(2); got != 2 {
		t.Errorf("left in period 2 or before: %d, want 2", got)
	}
	if got := g.atOrBefore(3); got != 3 {
		t.Errorf("left in period 3 or before: %d, want 3", got)
	}
	g.add(agesRing) // reuses period 0's bucket: its two move to old
	if got := g.atOrBefore(0); got != 2 {
		t.Errorf("after the ring wrapped, left in period 0 or before: %d, want the two in old", got)
	}
	if got := g.atOrBefore(agesRing - 1); got != 3 {
		t.Errorf("after the ring wrapped, before period %d: %d, want 3", agesRing, got)
	}
	g.add(1)
	g.add(agesRing + 1)
	if got := g.atOrBefore(0); got != 0 {
		t.Errorf("up to period 0 once old holds period 1 too: %d, want 0 (when each of old left is "+
			"forgotten, so none may be counted before period 1)", got)
	}
	g.add(0) // recorded late: period 0's bucket holds period 64 now
	if got := g.atOrBefore(agesRing); got != 6 {
		t.Errorf("with a late departure: %d in flight up to period %d, want 6", got, agesRing)
	}
	g.remove(0) // its bucket is gone: taken from old
	g.remove(0)
	g.remove(0)
	g.remove(1)
	g.remove(3)
	if got := g.atOrBefore(agesRing + 1); got != 2 {
		t.Errorf("after five finished: %d in flight, want 2", got)
	}
	g.remove(agesRing)
	g.remove(agesRing + 1)
	if got := g.atOrBefore(agesRing + 1); got != 0 || g.old != 0 {
		t.Errorf("after all finished: %d in flight (%d in old), want 0", got, g.old)
	}
}

// hangingBase answers at once, on the fake clock's time as latencyBase
// does, except requests whose context carries hangKey: those it holds
// until release is closed.
type hangingBase struct {
	latencyBase
	release chan struct{}
	hanging atomic.Int32
}

type hangKey struct{}

func (b *hangingBase) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context().Value(hangKey{}) != nil {
		b.hanging.Add(1)
		<-b.release
	}
	return b.latencyBase.RoundTrip(req)
}

// stragglerSetup returns a transport whose cap has adapted down to its
// floor of 4 (1 ms answers at 100 requests/s), and n requests hanging in
// it, started in goroutines; release ends them.
func stragglerSetup(t *testing.T, maxInFlight, n int) (*Transport, *fakeClock, *hangingBase) {
	t.Helper()
	clock := &fakeClock{t: t0}
	base := &hangingBase{latencyBase: latencyBase{clock: clock, latency: time.Millisecond}, release: make(chan struct{})}
	tr := NewTransport(base, Config{RPS: 100, MaxInFlight: maxInFlight, MinInFlight: 4, Budget: &rateBudget{rps: 100}})
	tr.now = clock.Now
	if got := sendFor(t, tr, clock, time.Second); got != 4 {
		t.Fatalf("cap after quick answers %d, want the floor 4", got)
	}
	hang := context.WithValue(t.Context(), hangKey{}, true)
	for range n {
		go func() {
			req, _ := http.NewRequestWithContext(hang, http.MethodGet, "http://twilio.test/", nil)
			if resp, err := tr.RoundTrip(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	t.Cleanup(func() { close(base.release) })
	deadline := time.Now().Add(5 * time.Second)
	for int(base.hanging.Load()) < min(n, 4) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := int(base.hanging.Load()); got < min(n, 4) {
		t.Fatalf("%d requests hanging, want %d", got, min(n, 4))
	}
	return tr, clock, base
}

// TestStragglersFreeTheCap: when every slot of an adapted cap is held by a
// request that hangs, a new request still goes out once those have hung
// longer than a straggler's time, although none of them finishes: a
// hanging request counts against the bound, not against the slots the
// rate needs. Before, the new request waited for a hanging one to end.
func TestStragglersFreeTheCap(t *testing.T) {
	t.Parallel()
	tr, clock, _ := stragglerSetup(t, 20, 4)
	clock.Advance(time.Second) // the four have hung for a second
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	resp, err := send(t, tr, ctx)
	if err != nil {
		t.Fatalf("a request behind four stragglers: %v; want it sent", err)
	}
	resp.Body.Close()
	if got := tr.Stats().Cap; got < 5 || got > 20 {
		t.Errorf("cap %d with four stragglers, want 5 to 20", got)
	}
}

// TestStragglersKeepTheBound: stragglers never take the cap above
// MaxInFlight, the account's limit: with as many hanging as it allows, a
// new request waits.
func TestStragglersKeepTheBound(t *testing.T) {
	t.Parallel()
	tr, clock, base := stragglerSetup(t, 6, 6)
	deadline := time.Now().Add(5 * time.Second)
	for clock.Advance(time.Second); base.hanging.Load() < 6 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // the watcher lets the last two in
	}
	if got := base.hanging.Load(); got != 6 {
		t.Fatalf("%d hanging, want all 6 of the bound", got)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	if _, err := send(t, tr, ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a seventh request: %v; want it held back by the bound until its deadline", err)
	}
	if s := tr.Stats(); s.Cap > 6 || s.InFlight > 6 {
		t.Errorf("cap %d, in flight %d; want both within the bound 6", s.Cap, s.InFlight)
	}
}
