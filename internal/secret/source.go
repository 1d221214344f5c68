package secret

import (
	"context"
	"sync"
	"time"
)

// Source is a secret that can change while the worker runs: a Secret
// Manager version such as versions/latest, re-read when the party it is
// for (Twilio, a proxy) refuses it. Re-reads are rate limited, so a wrong
// secret cannot turn every refused request into a Secret Manager call.
// Safe for concurrent use.
type Source struct {
	mu       sync.Mutex
	cur      String
	fetch    func(context.Context) (String, error) // nil: the value never changes
	interval time.Duration
	last     time.Time // of the last re-read; zero: none yet
	now      func() time.Time
	fetching chan struct{} // closed when the re-read in progress ends
}

// Static returns a Source that always holds v.
func Static(v String) *Source { return &Source{cur: v} }

// NewSource returns a Source holding initial, re-read with fetch at most
// once per interval. The first re-read may come at once: reading the
// initial value does not count.
func NewSource(initial String, fetch func(context.Context) (String, error), interval time.Duration) *Source {
	return &Source{cur: initial, fetch: fetch, interval: interval, now: time.Now}
}

// Get returns the current value.
func (s *Source) Get() String {
	if s == nil {
		return String{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// Refresh is called after used was refused. It returns the value to try
// next and true when it differs from used: another caller already read a
// new one, or a re-read (when the interval allows one) found one. It
// returns false when the value is what was refused, or on a failed
// re-read (the error says why, without the value).
func (s *Source) Refresh(ctx context.Context, used String) (String, bool, error) {
	if s == nil || s.fetch == nil {
		return s.Get(), false, nil
	}
	s.mu.Lock()
	for s.fetching != nil { // one re-read at a time: wait for it
		ch := s.fetching
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return used, false, ctx.Err()
		}
		s.mu.Lock()
	}
	if s.cur != used {
		v := s.cur
		s.mu.Unlock()
		return v, true, nil
	}
	if !s.last.IsZero() && s.now().Sub(s.last) < s.interval {
		s.mu.Unlock()
		return used, false, nil
	}
	s.last = s.now()
	ch := make(chan struct{})
	s.fetching = ch
	s.mu.Unlock()

	v, err := s.fetch(ctx)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetching = nil
	close(ch)
	if err != nil || v.IsZero() {
		return used, false, err
	}
	s.cur = v
	return v, v != used, nil
}
