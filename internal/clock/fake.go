package clock

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Fake is a Clock for tests: its time stands still until Advance moves it,
// and Advance fires every timer, ticker and AfterFunc that falls due on the
// way, in order, before it returns. A test that must not advance before the
// code under test has started its timer waits for that with BlockUntil.
// It is safe for concurrent use, though one goroutine should advance it.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	pending []*fakeTimer
	seq     uint64        // orders timers due at the same instant by creation
	changed chan struct{} // closed and replaced whenever pending changes
}

var _ Clock = (*Fake)(nil)

// NewFake returns a Fake that reads start until advanced.
func NewFake(start time.Time) *Fake {
	return &Fake{now: start, changed: make(chan struct{})}
}

// fakeTimer is a timer (period 0) or a ticker; exactly one of ch and f is
// set.
type fakeTimer struct {
	clock  *Fake
	when   time.Time
	period time.Duration
	seq    uint64
	ch     chan time.Time
	f      func()
}

// Now returns the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires once the clock has advanced by d; one
// with d <= 0 fires at once, as time.NewTimer's does.
func (c *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{clock: c, ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.Now()
		return t
	}
	c.add(t, d)
	return t
}

// NewTicker returns a ticker that ticks every d of fake time. Like
// time.NewTicker, it panics when d is not positive.
func (c *Fake) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	t := &fakeTimer{clock: c, period: d, ch: make(chan time.Time, 1)}
	c.add(t, d)
	return fakeTicker{t}
}

// AfterFunc arranges for Advance to call f once the clock has advanced by
// d. f runs on Advance's goroutine, so its effects are visible when Advance
// returns; with d <= 0 it runs at once on a goroutine of its own, as
// time.AfterFunc's would.
func (c *Fake) AfterFunc(d time.Duration, f func()) Timer {
	t := &fakeTimer{clock: c, f: f}
	if d <= 0 {
		go f()
		return t
	}
	c.add(t, d)
	return t
}

// Advance moves the clock forward by d, firing what falls due in order of
// due time; a callback or receiver sees Now at the instant its timer was
// due. A ticker that falls due several times ticks for each, and, as with
// time.Ticker, a tick its receiver has not taken yet is dropped.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for c.fireNext(target) {
	}
	c.mu.Lock()
	if target.After(c.now) {
		c.now = target
	}
	c.mu.Unlock()
}

// fireNext fires the earliest timer due by target, if any, and reports
// whether there was one. It fires without holding c.mu, so that an
// AfterFunc callback may use the clock.
func (c *Fake) fireNext(target time.Time) bool {
	c.mu.Lock()
	if len(c.pending) == 0 || c.pending[0].when.After(target) {
		c.mu.Unlock()
		return false
	}
	t := c.pending[0]
	c.now = t.when
	if t.period > 0 {
		t.when = t.when.Add(t.period)
		c.sort()
	} else {
		c.removeLocked(t)
	}
	now := c.now
	c.mu.Unlock()
	if t.f != nil {
		t.f()
		return true
	}
	select {
	case t.ch <- now:
	default: // the receiver has not taken the last one
	}
	return true
}

// BlockUntil waits until at least n timers, tickers or AfterFuncs are
// pending (started and neither fired nor stopped), or ctx ends.
func (c *Fake) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		have, changed := len(c.pending), c.changed
		c.mu.Unlock()
		if have >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("clock: %d timers pending, waited for %d: %w", have, n, context.Cause(ctx))
		}
	}
}

// Pending returns how many timers, tickers and AfterFuncs are pending.
func (c *Fake) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// Next returns the instant the earliest pending timer falls due, and false
// when none is pending.
func (c *Fake) Next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return time.Time{}, false
	}
	return c.pending[0].when, true
}

func (c *Fake) add(t *fakeTimer, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t.when, t.seq = c.now.Add(d), c.seq
	c.pending = append(c.pending, t)
	c.sort()
	c.notifyLocked()
}

// removeLocked drops t from pending and reports whether it was there.
func (c *Fake) removeLocked(t *fakeTimer) bool {
	i := slices.Index(c.pending, t)
	if i < 0 {
		return false
	}
	c.pending = slices.Delete(c.pending, i, i+1)
	c.notifyLocked()
	return true
}

// sort keeps pending in firing order: by due time, then by creation.
func (c *Fake) sort() {
	slices.SortFunc(c.pending, func(a, b *fakeTimer) int {
		if k := a.when.Compare(b.when); k != 0 {
			return k
		}
		return cmp.Compare(a.seq, b.seq)
	})
}

func (c *Fake) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	return t.clock.removeLocked(t)
}

// fakeTicker is a fakeTimer with a period, seen as a Ticker.
type fakeTicker struct{ t *fakeTimer }

func (k fakeTicker) C() <-chan time.Time { return k.t.ch }
func (k fakeTicker) Stop()               { k.t.Stop() }
