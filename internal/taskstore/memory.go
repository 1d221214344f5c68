package taskstore

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"
)

// Memory is a Store held in the worker's own memory, for a single worker
// process: its records are lost when the process exits and are not seen by
// other replicas (use Redis for a pool). It is safe for concurrent use.
// Build it with NewMemory; the zero value is not usable.
//
// # Two tiers
//
// Memory keeps the most recently written records in full: attempt, lease,
// sent marks and the result JSON, about 100 bytes plus the result each,
// within WithLimits' bounds. The result is kept compacted when it has the
// shape of the worker's results (see storedForm): a CREATE's 250 bytes or
// so in about 46, whatever its task id. A record leaves that tier, least
// recently written first, when either bound is exceeded and it holds no
// live lease.
// It then becomes a tombstone of about 26 bytes: its id's 128-bit hash,
// its attempt count and whether it may have sent (done, or marked by
// MarkSent and not withdrawn), in a FIFO of WithTombstones' size. For a
// tombstoned id:
//
//   - Begin answers Abandoned, with Sent when it may have sent, and grants
//     a lease to an attempt numbered above the record's, so that a lapsed
//     attempt still running cannot pass for the new one. The id has a full
//     record again.
//   - Finish stores the result like a first one (the earlier result, if
//     any, is lost) and returns nil.
//   - Renew, MarkSent and Unmark answer ErrLeaseLost: a tombstone holds no
//     lease, since a live lease is never evicted.
//   - Abort by the record's own attempt forgets a tombstone that never
//     sent, as it would delete the full record (New next). Otherwise it
//     changes nothing: the tombstone holds no lease to give up, and may
//     stand for a mark or a result that must not be forgotten.
//
// The trade-off: a redelivery that finds the full record gets the task's
// first answer again; one that finds only a tombstone loses that answer and
// gets a fresh run (reads, and creates whose attempts stopped before
// sending) or the unknown-outcome answer (creates and actions that are
// done or marked: a done task counts as having sent); one
// older than both tiers finds nothing, is New, and a CREATE would be sent
// again. Under sustained load a task stays in full for about maxBytes ÷
// (its stored result + 100 B) tasks, then as a tombstone for maxTombstones
// more: size them so that covers the subscription's redelivery window at
// the task rate. The defaults keep about 23 s of CREATE results at 2 500
// tasks a second in full and 5 minutes more of tombstones, in about 8 and
// 19 MB.
//
// A record with a live lease is never evicted, whatever the bounds, so a
// running attempt always meets InProgress rather than a second lease.
// Expired records and tombstones (past their ttl or retention) are
// forgotten, as the contract says: when next looked at, or when they reach
// the front of their tier, even under the bounds.
//
// Records are keyed by a 128-bit hash of the task id, not by the id (see
// key): two ids would have to collide for one to be answered with the
// other's record.
type Memory struct {
	now   func() time.Time
	epoch time.Time // instants are kept as int64 nanoseconds since it
	opts  options
	hash  hasher

	mu         sync.Mutex
	entries    []entry // the full tier; free ones are chained from free
	index      index   // key → position in entries
	oldest     int32   // the least recently written record, none when empty
	newest     int32
	free       int32
	count      int
	bytes      int
	tombs      *tombstones
	topAttempt int32 // the largest attempt count ever granted, for fencing
	slots      int   // positions the full tier may use: maxRef+1 (tests lower it)
	closed     bool
}

var _ Store = (*Memory)(nil)

// entry is one task's record in the full tier: 64 bytes, in one slice, so a
// record costs no allocation of its own besides its result. The list of
// records in write order runs through prev and next, as positions.
type entry struct {
	key        key
	result     string // the result once done, in its stored form (see storedForm): a string is 8 bytes smaller than a slice
	leaseUntil int64  // the lease is live while now is before it (MinInt64: never leased)
	expires    int64  // the record is gone from this instant on
	prev, next int32
	attempt    int32
	flags      uint8
}

// entry.flags
const (
	flagDone       uint8 = 1 << iota
	flagSent             // the current attempt's mark (MarkSent, not withdrawn by Unmark)
	flagSentBefore       // an earlier attempt's mark, or a tombstone's
)

func (e *entry) is(f uint8) bool { return e.flags&f != 0 }

// maySend reports whether a request of this task may have reached Twilio;
// a done task counts, as its result does not say.
func (e *entry) maySend() bool { return e.flags != 0 }

// none marks the end of the write-order list and of the free chain.
const none int32 = -1

// entryOverhead is what a full record costs besides its result: the entry,
// its index slot, and the slack of the slices they live in. It counts
// against maxBytes, so that maxBytes bounds the tier's heap.
const entryOverhead = 100

// NewMemory returns an empty Memory store that reads the time from now (nil
// means time.Now). It honours WithRetention, WithLimits and WithTombstones.
func NewMemory(now func() time.Time, opts ...Option) *Memory {
	if now == nil {
		now = time.Now
	}
	s := &Memory{now: now, epoch: now(), opts: buildOptions(opts), hash: newHasher(), slots: maxRef + 1}
	s.reset()
	return s
}

// reset empties the store.
func (s *Memory) reset() {
	s.entries, s.oldest, s.newest, s.free, s.count, s.bytes = nil, none, none, none, 0, 0
	s.index = newIndex(s.keyAt)
	s.tombs = newTombstones(s.opts.maxTombstones)
}

// keyAt returns the key of the record at i.
func (s *Memory) keyAt(i uint32) key { return s.entries[i].key }

// clock returns the current instant as nanoseconds since the store's epoch:
// a monotonic reading when the clock gives one, as time.Now does.
func (s *Memory) clock() int64 { return int64(s.now().Sub(s.epoch)) }

// Begin implements Store.
func (s *Memory) Begin(_ context.Context, taskID string, lease time.Duration) (Claim, error) {
	if err := checkArgs("begin", taskID, lease); err != nil {
		return Claim{}, err
	}
	claim, form, err := s.begin(s.hash.key(taskID), lease)
	if claim.State == Done {
		claim.Result = expandResult(taskID, form) // after unlocking: other calls need not wait for it
	}
	return claim, err
}

// begin is Begin for k, locked; a Done claim comes with its result's
// stored form.
func (s *Memory) begin(k key, lease time.Duration) (_ Claim, form string, _ error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Claim{}, "", ErrClosed
	}
	now := s.clock()
	i, state := s.live(k, now), Abandoned
	if i == none {
		var revived bool
		var err error
		if i, revived, err = s.create(k, now); err != nil {
			return Claim{}, "", err
		} else if !revived {
			state = New
		}
	}
	e := &s.entries[i]
	switch {
	case e.is(flagDone):
		return Claim{State: Done, Attempt: int(e.attempt)}, e.result, nil
	case now < e.leaseUntil:
		return Claim{State: InProgress, Attempt: int(e.attempt)}, "", nil
	}
	e.attempt++
	s.topAttempt = max(s.topAttempt, e.attempt)
	if e.is(flagSent) {
		e.flags = e.flags&^flagSent | flagSentBefore
	}
	e.leaseUntil = after(now, lease)
	e.expires = after(now, max(s.opts.retention, lease))
	claim := Claim{State: state, Attempt: int(e.attempt), Sent: e.is(flagSentBefore)}
	s.written(i, now)
	return claim, "", nil
}

// Renew implements Store.
func (s *Memory) Renew(_ context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend("renew", taskID, attempt, lease, 0, 0)
}

// MarkSent implements Store.
func (s *Memory) MarkSent(_ context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend("mark sent", taskID, attempt, lease, flagSent, 0)
}

// Unmark implements Store.
func (s *Memory) Unmark(_ context.Context, taskID string, attempt int, lease time.Duration) error {
	return s.extend("unmark", taskID, attempt, lease, 0, flagSent)
}

// extend renews attempt's live lease, sets the flags in set and clears
// those in clear. A tombstone holds no lease, so it answers ErrLeaseLost
// like a record that is gone.
func (s *Memory) extend(op, taskID string, attempt int, lease time.Duration, set, clear uint8) error {
	if err := checkArgs(op, taskID, lease); err != nil {
		return err
	}
	k := s.hash.key(taskID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	now := s.clock()
	i := s.live(k, now)
	if i == none {
		return ErrLeaseLost
	}
	e := &s.entries[i]
	if e.is(flagDone) || int(e.attempt) != attempt || now >= e.leaseUntil {
		return ErrLeaseLost
	}
	e.leaseUntil = after(now, lease)
	e.expires = after(now, max(s.opts.retention, lease))
	e.flags = e.flags&^clear | set
	s.written(i, now)
	return nil
}

// Finish implements Store. It encodes the result before locking the store
// and expands an earlier one after unlocking it.
func (s *Memory) Finish(_ context.Context, taskID string, result []byte, ttl time.Duration) ([]byte, error) {
	if err := checkArgs("finish", taskID, ttl); err != nil {
		return nil, err
	}
	earlier, done, err := s.finish(s.hash.key(taskID), storedForm(taskID, result), ttl)
	if !done {
		return nil, err
	}
	return expandResult(taskID, earlier), nil // the first result wins
}

// finish is Finish for k, locked, with the result's stored form; done
// reports that k already had a result, whose form it returns.
func (s *Memory) finish(k key, form string, ttl time.Duration) (earlier string, done bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", false, ErrClosed
	}
	now := s.clock()
	i := s.live(k, now)
	switch {
	case i == none:
		// The started record expired or was evicted (a tombstone, whose
		// result if any is lost): this result is the first one still
		// known, and worth keeping.
		if i, _, err = s.create(k, now); err != nil {
			return "", false, err
		}
	case s.entries[i].is(flagDone):
		return s.entries[i].result, true, nil
	}
	e := &s.entries[i]
	e.flags |= flagDone
	e.result = form
	e.expires = after(now, ttl)
	s.bytes += len(form)
	s.written(i, now)
	return "", false, nil
}

// Abort implements Store.
func (s *Memory) Abort(_ context.Context, taskID string, attempt int) error {
	if err := checkID("abort", taskID); err != nil {
		return err
	}
	k := s.hash.key(taskID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	now := s.clock()
	i := s.live(k, now)
	if i == none {
		s.tombs.forget(k, int32(min(attempt, maxTombAttempt)))
		return nil
	}
	switch e := &s.entries[i]; {
	case e.is(flagDone) || int(e.attempt) != attempt:
	case e.maySend():
		e.leaseUntil = now // expired: the next Begin reports Abandoned
	default:
		s.drop(i)
	}
	return nil
}

// Close implements Store: it drops every record, and later calls return
// ErrClosed.
func (s *Memory) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.reset()
	return nil
}

// Len returns the number of records held in full, expired ones included
// until they are dropped. It is meant for tests and metrics.
func (s *Memory) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Tombstones returns the number of tombstones held (see Memory), expired
// ones included until they are dropped. It is meant for tests and metrics.
func (s *Memory) Tombstones() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tombs.len()
}

// live returns the position of k's record, or none when there is none or
// it expired (dropping it then).
func (s *Memory) live(k key, now int64) int32 {
	slot, found := s.index.find(k)
	if !found {
		return none
	}
	i := int32(s.index.ref(slot))
	if now >= s.entries[i].expires {
		s.drop(i)
		return none
	}
	return i
}

// create adds a record for k, which has none in the full tier. A tombstone
// of k becomes the record's history: its attempt count, and a mark when it
// may have sent, so that the next Begin reports Abandoned (revived), with
// Sent then. The caller fills in the rest and calls written.
func (s *Memory) create(k key, now int64) (i int32, revived bool, err error) {
	// The slot first: a tombstone taken for a record that then finds no
	// room would lose its sent mark.
	if i = s.slot(now); i == none {
		return none, false, errFull
	}
	attempt, sent, revived := s.tombs.take(k, now)
	if attempt >= maxTombAttempt {
		// The tombstone lost count: fence above every attempt ever
		// granted, so that no lapsed attempt can pass for the new one.
		attempt = s.topAttempt
	}
	e := entry{key: k, leaseUntil: math.MinInt64, prev: none, next: none, attempt: attempt}
	if sent {
		e.flags = flagSentBefore
	}
	s.entries[i] = e
	s.index.put(k, uint32(i))
	s.count++
	s.bytes += entryOverhead
	return i, revived, nil
}

// slot returns a free position in the full tier, evicting (expired
// records, then the oldest) to make one if the tier is at its size limit;
// none when every record holds a live lease.
func (s *Memory) slot(now int64) int32 {
	if s.free == none && len(s.entries) >= s.slots {
		s.evict(none, now, s.slots-1)
	}
	switch i := s.free; {
	case i != none:
		s.free = s.entries[i].next
		return i
	case len(s.entries) >= s.slots:
		return none
	default:
		s.entries = append(s.entries, entry{})
		return int32(len(s.entries) - 1)
	}
}

// after is the instant d after now, in the store's nanoseconds, saturating
// instead of wrapping: a RESULT_TTL of centuries must mean "kept", not
// "already expired".
func after(now int64, d time.Duration) int64 {
	if d > 0 && now > math.MaxInt64-int64(d) {
		return math.MaxInt64
	}
	return now + int64(d)
}

// errFull is what Begin and Finish return when the full tier cannot take
// another record: it would take 16 Mi live leases, as they are never
// evicted. The caller nacks, and the redelivery finds room.
var errFull = errors.New("taskstore: the memory store is full of running attempts; try again later")

// written makes i the most recently written record and evicts the least
// recently written ones while a bound is exceeded. i itself is never
// evicted here, so an oversized result still serves its redeliveries.
func (s *Memory) written(i int32, now int64) {
	if s.newest != i {
		s.unlink(i)
		s.link(i)
	}
	s.evict(i, now, s.opts.maxEntries)
}

// evict brings the full tier back under its bounds, oldest records first,
// and drops expired ones from its front even under them. It never forgets
// a task in a way that could send it twice: a record with a live lease is
// skipped (moved to the back, where it no longer holds up the scan), and
// the others leave a tombstone, which keeps their sent mark and fences
// their lapsed attempts off.
// It keeps at most limit records: the entry bound, or one fewer than the
// tier has positions when a record is about to be created in a full tier.
func (s *Memory) evict(keep int32, now int64, limit int) {
	for steps := s.count; steps > 0 && s.oldest != none; steps-- {
		i := s.oldest
		e := &s.entries[i]
		expired := now >= e.expires
		if !expired && s.count <= limit && s.bytes <= s.opts.maxBytes {
			return
		}
		switch {
		case expired:
		case i == keep || (!e.is(flagDone) && now < e.leaseUntil):
			s.unlink(i)
			s.link(i)
			continue
		default:
			s.tombs.add(e.key, e.attempt, e.maySend(), e.expires, now)
		}
		s.drop(i)
	}
}

// drop forgets record i.
func (s *Memory) drop(i int32) {
	e := &s.entries[i]
	if slot, found := s.index.find(e.key); found {
		s.index.remove(slot)
	}
	s.unlink(i)
	s.bytes -= entryOverhead + len(e.result)
	s.count--
	*e = entry{next: s.free} // the result's memory goes with it
	s.free = i
	if s.count == 0 {
		// Give the slice back too: an idle store holds nothing.
		s.entries, s.oldest, s.newest, s.free = nil, none, none, none
	}
}

// link appends i, not in the list, to the write order as its newest.
func (s *Memory) link(i int32) {
	e := &s.entries[i]
	e.prev, e.next = s.newest, none
	if s.newest != none {
		s.entries[s.newest].next = i
	} else {
		s.oldest = i
	}
	s.newest = i
}

// unlink takes i out of the write order (a no-op for a record not in it).
func (s *Memory) unlink(i int32) {
	e := &s.entries[i]
	switch {
	case e.prev != none:
		s.entries[e.prev].next = e.next
	case s.oldest == i:
		s.oldest = e.next
	default:
		return // not linked: a new record
	}
	if e.next != none {
		s.entries[e.next].prev = e.prev
	} else {
		s.newest = e.prev
	}
	e.prev, e.next = none, none
}
