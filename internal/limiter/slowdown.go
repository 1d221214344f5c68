package limiter

import (
	"sync"
	"time"

	"github.com/connectorworks/twilio-worker/internal/clock"
)

// SlowdownStep is how long each step of a Slowdown lasts.
const SlowdownStep = 10 * time.Second

// The factors of the Slowdown's two steps.
const (
	slowdownFirst  = 0.5
	slowdownSecond = 0.75
)

// Slowdown is the adaptive slow-down after Twilio's 429 (20429, its
// concurrency limit): half the budget for SlowdownStep, then three quarters
// for as long again, then the full budget, so the pace recovers in steps
// instead of jumping back into the limit it just hit. Each 429 starts the
// schedule over. Build it with NewSlowdown; it is safe for concurrent use.
type Slowdown struct {
	target *Transport
	clock  clock.Clock

	mu     sync.Mutex
	second clock.Timer // starts the second step; nil when none is due
	gen    uint64      // counts Throttled calls, so a stale step never applies
}

// NewSlowdown returns the Slowdown of t, timed by c (nil: clock.Real()).
func NewSlowdown(t *Transport, c clock.Clock) *Slowdown {
	if c == nil {
		c = clock.Real()
	}
	return &Slowdown{target: t, clock: c}
}

// Throttled starts the schedule over; call it on every 429.
func (s *Slowdown) Throttled() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	gen := s.gen
	if s.second != nil {
		s.second.Stop()
	}
	s.target.Penalize(slowdownFirst, SlowdownStep)
	s.second = s.clock.AfterFunc(SlowdownStep, func() { s.secondStep(gen) })
}

// secondStep eases the penalty to three quarters, unless a later 429 has
// started the schedule over since the step was scheduled (Stop cannot
// recall a callback already running).
func (s *Slowdown) secondStep(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		return
	}
	s.second = nil
	s.target.Penalize(slowdownSecond, SlowdownStep)
}
