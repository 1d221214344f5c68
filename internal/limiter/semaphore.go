package limiter

import (
	"container/list"
	"context"
	"sync"
)

// semaphore is the in-flight cap: a counting semaphore whose size can change
// while slots are held. A channel of fixed capacity cannot shrink or grow,
// and the cap in force follows Twilio's latency (see adaptive).
//
// Waiters are served first come, first served, and a newcomer never takes a
// slot while someone waits: under a binding cap the oldest task goes next,
// as it did with the channel. Shrinking never takes back a slot already
// held; it only stops granting until fewer than size are held.
//
// Invariant, under mu: waiters is non-empty only while held >= size, so a
// slot that becomes free is always handed to the first waiter at once and no
// wake-up can be lost.
type semaphore struct {
	mu      sync.Mutex
	size    int
	held    int
	waiters list.List // of chan struct{}, closed when the slot is granted
}

func newSemaphore(size int) *semaphore {
	return &semaphore{size: size}
}

// tryAcquire takes a slot if one is free and nobody waits for it.
func (s *semaphore) tryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held < s.size && s.waiters.Len() == 0 {
		s.held++
		return true
	}
	return false
}

// acquire takes a slot, waiting in line for it, or returns ctx's error when
// ctx ends first; then it holds no slot.
func (s *semaphore) acquire(ctx context.Context) error {
	s.mu.Lock()
	if s.held < s.size && s.waiters.Len() == 0 {
		s.held++
		s.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	elem := s.waiters.PushBack(ready)
	s.mu.Unlock()

	select {
	case <-ready:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-ready:
		// Granted while ctx ended: the slot is ours, so hand it on rather
		// than lose it.
		s.held--
		s.grant()
	default:
		s.waiters.Remove(elem)
	}
	return ctx.Err()
}

// release gives back a slot and hands it to the first waiter, if the size
// allows.
func (s *semaphore) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held--
	s.grant()
}

// resize sets the number of slots. Growing serves waiters at once;
// shrinking leaves held slots alone.
func (s *semaphore) resize(size int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.size = size
	s.grant()
}

// counts returns the slots held and the size.
func (s *semaphore) counts() (held, size int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held, s.size
}

// grant hands free slots to waiters in order. The caller holds mu.
func (s *semaphore) grant() {
	for s.held < s.size && s.waiters.Len() > 0 {
		ready := s.waiters.Remove(s.waiters.Front()).(chan struct{})
		s.held++
		close(ready)
	}
}
