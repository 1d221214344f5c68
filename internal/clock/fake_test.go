package clock_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/clock"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// fired reports whether c holds a value, and which, without waiting: the
// Fake delivers inside Advance, so there is nothing to wait for.
func fired(c <-chan time.Time) (time.Time, bool) {
	select {
	case at := <-c:
		return at, true
	default:
		return time.Time{}, false
	}
}

func TestFakeTimerFiresWhenDue(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	tm := c.NewTimer(10 * time.Second)
	c.Advance(10*time.Second - time.Nanosecond)
	if at, ok := fired(tm.C()); ok {
		t.Fatalf("fired at %v, a nanosecond early", at.Sub(t0))
	}
	c.Advance(time.Nanosecond)
	if at, ok := fired(tm.C()); !ok || !at.Equal(t0.Add(10*time.Second)) {
		t.Fatalf("fired %v at t0+%v; want it to fire at t0+10s", ok, at.Sub(t0))
	}
	if tm.Stop() {
		t.Error("Stop after firing reported a pending timer")
	}
	if c.Pending() != 0 {
		t.Errorf("%d timers pending after firing, want 0", c.Pending())
	}
	if now := c.Now(); !now.Equal(t0.Add(10 * time.Second)) {
		t.Errorf("Now = t0+%v, want t0+10s", now.Sub(t0))
	}
}

func TestFakeTimerStopped(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	tm := c.NewTimer(time.Second)
	if !tm.Stop() {
		t.Fatal("Stop of a pending timer reported none")
	}
	c.Advance(time.Hour)
	if _, ok := fired(tm.C()); ok {
		t.Error("a stopped timer fired")
	}
	if _, ok := fired(c.NewTimer(0).C()); !ok {
		t.Error("NewTimer(0) did not fire at once")
	}
}

// TestFakeTicker: a ticker ticks every period; like time.Ticker it keeps
// the first tick its receiver has not taken and drops the rest.
func TestFakeTicker(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	tk := c.NewTicker(time.Second)
	c.Advance(time.Second)
	if at, ok := fired(tk.C()); !ok || !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("first tick %v at t0+%v, want one at t0+1s", ok, at.Sub(t0))
	}
	c.Advance(3 * time.Second)
	if at, ok := fired(tk.C()); !ok || !at.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("after 3 untaken ticks got %v at t0+%v, want the one at t0+2s", ok, at.Sub(t0))
	}
	if at, ok := fired(tk.C()); ok {
		t.Fatalf("a second buffered tick at t0+%v; untaken ticks must be dropped", at.Sub(t0))
	}
	if next, ok := c.Next(); !ok || !next.Equal(t0.Add(5*time.Second)) {
		t.Errorf("next tick at t0+%v (%v), want t0+5s", next.Sub(t0), ok)
	}
	tk.Stop()
	c.Advance(time.Minute)
	if _, ok := fired(tk.C()); ok || c.Pending() != 0 {
		t.Errorf("a stopped ticker ticked, or is still pending (%d)", c.Pending())
	}
}

// TestFakeAfterFuncOrder: callbacks run in due order within one Advance,
// each seeing Now at its own instant, and one they schedule runs too if it
// falls due before the Advance ends.
func TestFakeAfterFuncOrder(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	var got []time.Duration
	record := func() { got = append(got, c.Now().Sub(t0)) }
	c.AfterFunc(3*time.Second, record)
	c.AfterFunc(time.Second, func() {
		record()
		c.AfterFunc(time.Second, record) // due at t0+2s
	})
	stopped := c.AfterFunc(2500*time.Millisecond, record)
	if !stopped.Stop() {
		t.Fatal("Stop of a pending AfterFunc reported none")
	}
	c.Advance(5 * time.Second)
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("callbacks ran at %v, want %v", got, want)
	}
	if now := c.Now(); !now.Equal(t0.Add(5 * time.Second)) {
		t.Errorf("Now after Advance(5s) = t0+%v", now.Sub(t0))
	}
}

func TestFakeBlockUntil(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-c.NewTimer(time.Minute).C()
	}()
	if err := c.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the goroutine never received its timer")
	}

	short, stop := context.WithCancel(t.Context())
	stop()
	if err := c.BlockUntil(short, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("BlockUntil with nothing pending and a canceled ctx = %v, want context.Canceled", err)
	}
}

// TestReal: the real clock is package time's.
func TestReal(t *testing.T) {
	t.Parallel()
	c := clock.Real()
	before := time.Now()
	if now := c.Now(); now.Before(before) {
		t.Errorf("Real().Now() = %v, before time.Now() %v", now, before)
	}
	ran := make(chan struct{})
	c.AfterFunc(0, func() { close(ran) })
	<-ran
	<-c.NewTimer(0).C()
	tk := c.NewTicker(time.Millisecond)
	<-tk.C()
	tk.Stop()
	if tm := c.NewTimer(time.Hour); !tm.Stop() {
		t.Error("Stop of a pending real timer reported none")
	}
}
