package limiter

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeBudget hands out tokens due at once; the first stale of them are
// used late (its clock jumps past Within before the transport reads it).
type fakeBudget struct {
	clock *fakeClock
	stale int

	mu       sync.Mutex
	reserved int
	penalty  float64
}

func (b *fakeBudget) Reserve(_ context.Context, now time.Time) (Token, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reserved++
	if b.reserved <= b.stale {
		b.clock.Advance(5 * time.Millisecond) // the goroutine "stalls"
	}
	return Token{At: now, Within: time.Millisecond}, nil
}

func (b *fakeBudget) Cancel(Token, time.Time) {}

func (b *fakeBudget) Penalize(_ time.Time, factor float64, _ time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.penalty = factor
}

func (b *fakeBudget) Limit() float64 { return 42 }

// TestSharedBudgetDropsStaleTokens: a token used later than its Within is
// dropped and another taken, so departures stay as spaced as the grants.
func TestSharedBudgetDropsStaleTokens(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	b := &fakeBudget{clock: clock, stale: 2}
	tr := NewTransport(&fakeBase{}, Config{RPS: 50, Burst: 1, Budget: b})
	tr.now = clock.Now
	if tr.window != nil {
		t.Error("a shared budget must not keep a per-process window")
	}
	mustSend(t, tr).Body.Close()
	if b.reserved != 3 || tr.Stats().StaleTokens != 2 {
		t.Errorf("reserved %d tokens, %d stale; want 3 and 2", b.reserved, tr.Stats().StaleTokens)
	}
	tr.Penalize(0.5, time.Second)
	if b.penalty != 0.5 || tr.Limit() != 42 {
		t.Errorf("Penalize and Limit must reach the shared budget: penalty %v, limit %v", b.penalty, tr.Limit())
	}
}

// TestOnWait: the wait for a token is reported.
func TestOnWait(t *testing.T) {
	tr := NewTransport(&fakeBase{}, Config{RPS: 20, Burst: 1})
	var waits []time.Duration
	tr.OnWait(func(d time.Duration) { waits = append(waits, d) })
	mustSend(t, tr).Body.Close()
	mustSend(t, tr).Body.Close()
	if len(waits) != 2 || waits[1] < 40*time.Millisecond {
		t.Errorf("waits %v: want two, the second about 50 ms", waits)
	}
}
