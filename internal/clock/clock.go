// Package clock is the time source of the waits that matter to the
// worker's guarantees: task leases and their renewal, the wait for another
// attempt at a task, and the slow-down after Twilio's 429. Code that takes a
// Clock can be tested on a Fake, which moves only when the test says so and
// fires what falls due on the spot, instead of on short real durations and
// sleeps that make a test slow on a quiet machine and flaky on a busy one.
package clock

import "time"

// Clock reads the time and starts timers. Real is the one of package time;
// tests use a Fake. Implementations are safe for concurrent use.
type Clock interface {
	Now() time.Time
	// NewTimer is time.NewTimer.
	NewTimer(d time.Duration) Timer
	// NewTicker is time.NewTicker: d must be positive.
	NewTicker(d time.Duration) Ticker
	// AfterFunc is time.AfterFunc: f runs once d has passed, unless the
	// returned Timer is stopped first; that Timer's C is nil.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a *time.Timer seen through an interface.
type Timer interface {
	// C delivers the time once the timer fires.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it did.
	Stop() bool
}

// Ticker is a *time.Ticker seen through an interface.
type Ticker interface {
	// C delivers the ticks; like time.Ticker, it drops ticks a slow
	// receiver has not taken.
	C() <-chan time.Time
	Stop()
}

// Real returns the clock of package time.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

func (realClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return realTimer{time.AfterFunc(d, f)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }
