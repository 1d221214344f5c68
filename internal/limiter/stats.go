package limiter

import "sync"

// Stats are counters of a [Transport] since it was built.
type Stats struct {
	// Started counts requests handed to the wrapped transport.
	Started uint64
	// InFlight counts requests handed to the wrapped transport whose
	// response body is not yet closed or read to EOF (failed requests end
	// at once).
	InFlight int
	// MaxInFlight is the highest InFlight seen. It never exceeds
	// Config.MaxInFlight when that is positive.
	MaxInFlight int
	// Cap is the in-flight cap in force (0 when uncapped): Config.MaxInFlight,
	// or less when it adapts (Config.MinInFlight). InFlight may exceed it for
	// a while after it shrank, as held slots are never taken back.
	Cap int
	// WaitingForSlot counts requests waiting now for an in-flight slot:
	// a queue that grows while Twilio answers slowly.
	WaitingForSlot int
	// StaleTokens counts tokens of a shared budget that were dropped
	// because their request woke too late to use them (Token.Within).
	StaleTokens uint64
}

// Stats returns a snapshot of t's counters. It is safe for concurrent use.
func (t *Transport) Stats() Stats {
	t.stats.mu.Lock()
	s := t.stats.Stats
	t.stats.mu.Unlock()
	if t.slots != nil {
		_, s.Cap = t.slots.counts()
	}
	return s
}

// stats guards the counters with a mutex rather than atomics because
// InFlight and MaxInFlight must move together.
type stats struct {
	mu sync.Mutex
	Stats
}

func (s *stats) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Started++
	s.InFlight++
	s.MaxInFlight = max(s.MaxInFlight, s.InFlight)
}

func (s *stats) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.InFlight--
}

func (s *stats) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.InFlight
}

// waitingNow returns WaitingForSlot.
func (s *stats) waitingNow() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.WaitingForSlot
}

// waiting adds delta to WaitingForSlot.
func (s *stats) waiting(delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.WaitingForSlot += delta
}

func (s *stats) stale() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.StaleTokens++
}
