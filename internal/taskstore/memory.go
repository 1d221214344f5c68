package taskstore

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Memory is a Store held in the worker's own memory, for a single worker
// process: its records are lost when the process exits and are not seen by
// other replicas (use Redis for a pool). It is safe for concurrent use.
//
// Memory is bounded: at most WithLimits' entry count and about its byte
// count (task ids plus stored results) are kept. Beyond either bound the
// least recently written records are evicted first, whatever their state,
// so under sustained load a record lives for at least bound ÷ task rate;
// size the bounds so that covers the subscription's redelivery window.
// Expired records are dropped when next looked at or when eviction reaches
// them. Build it with NewMemory; the zero value is not usable.
type Memory struct {
	now  func() time.Time
	opts options

	mu      sync.Mutex
	entries map[string]*entry
	order   *list.List // of *entry, least recently written first
	bytes   int
	closed  bool
}

var _ Store = (*Memory)(nil)

// entry is one task's record.
type entry struct {
	id         string
	done       bool
	result     []byte
	attempt    int
	sent       bool      // the current attempt's mark (MarkSent, not withdrawn by Unmark)
	sentBefore bool      // an earlier attempt's mark
	leaseUntil time.Time // the lease is live while now is before it
	expires    time.Time // the record is gone from this instant on
	size       int       // counted against maxBytes
	elem       *list.Element
}

// entryOverhead approximates the bookkeeping bytes of one record, so that
// many tiny records still count against maxBytes.
const entryOverhead = 128

// NewMemory returns an empty Memory store that reads the time from now (nil
// means time.Now). It honours WithRetention and WithLimits.
func NewMemory(now func() time.Time, opts ...Option) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, opts: buildOptions(opts), entries: map[string]*entry{}, order: list.New()}
}

// Begin implements Store.
func (s *Memory) Begin(_ context.Context, taskID string, lease time.Duration) (Claim, error) {
	if err := checkArgs("begin", taskID, lease); err != nil {
		return Claim{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Claim{}, ErrClosed
	}
	now := s.now()
	e, state := s.live(taskID, now), Abandoned
	switch {
	case e == nil:
		e, state = &entry{id: taskID}, New
	case e.done:
		return Claim{State: Done, Result: clone(e.result), Attempt: e.attempt}, nil
	case now.Before(e.leaseUntil):
		return Claim{State: InProgress, Attempt: e.attempt}, nil
	}
	e.attempt++
	e.sentBefore, e.sent = e.sentBefore || e.sent, false
	e.leaseUntil = now.Add(lease)
	e.expires = now.Add(max(s.opts.retention, lease))
	s.written(e)
	return Claim{State: state, Attempt: e.attempt, Sent: e.sentBefore}, nil
}

// Renew implements Store.
func (s *Memory) Renew(_ context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend("renew", taskID, attempt, lease, nil)
}

// MarkSent implements Store.
func (s *Memory) MarkSent(_ context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend("mark sent", taskID, attempt, lease, func(e *entry) { e.sent = true })
}

// Unmark implements Store.
func (s *Memory) Unmark(_ context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend("unmark", taskID, attempt, lease, func(e *entry) { e.sent = false })
}

// extend renews attempt's live lease and applies change (nil: none).
func (s *Memory) extend(op, taskID string, attempt int, lease time.Duration, change func(*entry)) error {
	if err := checkArgs(op, taskID, lease); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	now := s.now()
	e := s.live(taskID, now)
	if e == nil || e.done || e.attempt != attempt || !now.Before(e.leaseUntil) {
		return ErrLeaseLost
	}
	e.leaseUntil = now.Add(lease)
	e.expires = now.Add(max(s.opts.retention, lease))
	if change != nil {
		change(e)
	}
	return nil
}

// Finish implements Store.
func (s *Memory) Finish(_ context.Context, taskID string, result []byte, ttl time.Duration) ([]byte, error) {
	if err := checkArgs("finish", taskID, ttl); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	now := s.now()
	e := s.live(taskID, now)
	if e == nil {
		// The started record expired or was evicted; the result is still
		// worth keeping.
		e = &entry{id: taskID}
	} else if e.done {
		return clone(e.result), nil // the first result wins
	}
	e.done, e.result, e.leaseUntil, e.expires = true, clone(result), time.Time{}, now.Add(ttl)
	s.written(e)
	return nil, nil
}

// Abort implements Store.
func (s *Memory) Abort(_ context.Context, taskID string, attempt int) error {
	if err := checkID("abort", taskID); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	now := s.now()
	switch e := s.live(taskID, now); {
	case e == nil || e.done || e.attempt != attempt:
	case e.sent || e.sentBefore:
		e.leaseUntil = now // expired: the next Begin reports Abandoned
	default:
		s.remove(e)
	}
	return nil
}

// Close implements Store: it drops every record, and later calls return
// ErrClosed.
func (s *Memory) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed, s.entries, s.bytes = true, nil, 0
	s.order.Init()
	return nil
}

// Len returns the number of records held, expired ones included until they
// are dropped. It is meant for tests and metrics.
func (s *Memory) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// live returns taskID's record, or nil when there is none or it expired
// (dropping it then).
func (s *Memory) live(taskID string, now time.Time) *entry {
	e := s.entries[taskID]
	if e != nil && !now.Before(e.expires) {
		s.remove(e)
		return nil
	}
	return e
}

// written stores e as the most recently written record and evicts the
// least recently written ones while a bound is exceeded. e itself is never
// evicted here, so an oversized result still serves its redeliveries.
func (s *Memory) written(e *entry) {
	size := len(e.id) + len(e.result) + entryOverhead
	s.bytes += size - e.size
	e.size = size
	if e.elem == nil {
		e.elem = s.order.PushBack(e)
		s.entries[e.id] = e
	} else {
		s.order.MoveToBack(e.elem)
	}
	s.evict(e)
}

// evict brings the store back under its bounds, oldest records first, but
// never forgets a task in a way that could send it twice: a record whose
// lease is live is skipped, and under byte pressure a done record first
// loses only its result bytes and becomes a started record with a lapsed
// lease, marked sent, so a redelivery finds it Abandoned with Sent (an
// unknown-outcome answer for a CREATE, a fresh run for a read) instead of
// New.
func (s *Memory) evict(keep *entry) {
	now := s.now()
	for el := s.order.Front(); el != nil && (s.order.Len() > s.opts.maxEntries || s.bytes > s.opts.maxBytes); {
		old := el.Value.(*entry)
		el = el.Next()
		switch {
		case old == keep || (!old.done && now.Before(old.leaseUntil)):
			continue
		case s.bytes > s.opts.maxBytes && old.result != nil:
			s.bytes -= len(old.result)
			old.size -= len(old.result)
			old.result, old.done, old.leaseUntil, old.sentBefore = nil, false, time.Time{}, true
		default:
			s.remove(old)
		}
	}
}

func (s *Memory) remove(e *entry) {
	s.order.Remove(e.elem)
	delete(s.entries, e.id)
	s.bytes -= e.size
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
