package taskstore

import (
	"math"
	"time"
)

// tombstones is the memory store's second tier: the keys of records that
// left the full tier, each with its attempt count and whether a request of
// it may have reached Twilio, so that Begin answers Abandoned (with Sent
// when it may have) rather than New. It is a FIFO ring of at most max
// positions with an index from key to position: 16 bytes of key, 1 of
// attempt count and flag and 4 of expiry per tombstone, plus 4 to 8 of
// index. The ring is allocated a chunk at a time
// as it fills, and a chunk the ring has left is freed, so an idle store
// gives the memory back once its tombstones expire.
//
// A tombstone taken back by Begin or Finish leaves a hole in the ring,
// which still counts against max until the ring's head passes it.
type tombstones struct {
	max    int
	chunks []*tombChunk // chunk c holds positions [c*tombChunkLen, (c+1)*tombChunkLen)
	head   int          // the oldest position in use
	n      int          // positions in use, holes included
	index  index        // key → position, for live tombstones only
}

// tombChunkLen positions are allocated together.
const tombChunkLen = 4096

// tombChunk is part of the ring, in three slices rather than one of
// structs, which would pad each tombstone to 24 bytes.
type tombChunk struct {
	keys     []key
	attempts []uint8  // tombSent | the record's attempt count, saturated at maxTombAttempt
	expires  []uint32 // when the record would have expired, in whole seconds (see tombExpiry)
}

const (
	// tombSent flags a tombstone whose record may have sent.
	tombSent = 0x80
	// maxTombAttempt is the largest attempt count a tombstone keeps;
	// Memory fences a record revived from a saturated one above every
	// attempt it ever granted instead.
	maxTombAttempt = tombSent - 1
)

func newTombstones(max int) *tombstones {
	t := &tombstones{max: max, chunks: make([]*tombChunk, (max+tombChunkLen-1)/tombChunkLen)}
	t.index = newIndex(t.keyAt)
	return t
}

// keyAt returns the key written at pos.
func (t *tombstones) keyAt(pos uint32) key {
	return t.chunks[pos/tombChunkLen].keys[pos%tombChunkLen]
}

// len returns the number of live tombstones (holes not counted).
func (t *tombstones) len() int { return t.index.n }

// add remembers k with its record's attempt count, whether it may have
// sent, and the instant it would have expired. The oldest position makes
// room when the ring is full.
func (t *tombstones) add(k key, attempt int32, sent bool, expires, now int64) {
	t.expire(now)
	if t.n == t.max {
		t.pop()
	}
	pos := (t.head + t.n) % t.max
	c := t.chunk(pos)
	off := pos % tombChunkLen
	c.keys[off], c.attempts[off] = k, uint8(min(attempt, maxTombAttempt))
	if sent {
		c.attempts[off] |= tombSent
	}
	c.expires[off] = tombExpiry(expires)
	t.n++
	t.index.put(k, uint32(pos))
}

// take removes k's tombstone and returns its attempt count and sent flag;
// ok is false when k has none, or it expired.
func (t *tombstones) take(k key, now int64) (attempt int32, sent, ok bool) {
	t.expire(now)
	slot, found := t.index.find(k)
	if !found {
		return 0, false, false
	}
	pos := int(t.index.ref(slot))
	t.index.remove(slot)
	c, off := t.chunks[pos/tombChunkLen], pos%tombChunkLen
	if t.expired(pos, now) {
		return 0, false, false
	}
	a := c.attempts[off]
	return int32(a &^ tombSent), a&tombSent != 0, true
}

// forget removes k's tombstone if it holds exactly attempt and never sent,
// as Abort deletes such a record from the full tier.
func (t *tombstones) forget(k key, attempt int32) {
	slot, found := t.index.find(k)
	if !found {
		return
	}
	pos := t.index.ref(slot)
	if a := t.chunks[pos/tombChunkLen].attempts[pos%tombChunkLen]; a < maxTombAttempt && int32(a) == attempt {
		t.index.remove(slot)
	}
}

// chunk returns the chunk holding pos, allocating it when the ring first
// reaches it.
func (t *tombstones) chunk(pos int) *tombChunk {
	c := &t.chunks[pos/tombChunkLen]
	if *c == nil {
		size := min(tombChunkLen, t.max-pos/tombChunkLen*tombChunkLen)
		*c = &tombChunk{keys: make([]key, size), attempts: make([]uint8, size), expires: make([]uint32, size)}
	}
	return *c
}

// expire drops the oldest positions while they have expired. Later ones
// that expired (a shorter ttl) go when looked up, or when they are oldest.
func (t *tombstones) expire(now int64) {
	for t.n > 0 && t.expired(t.head, now) {
		t.pop()
	}
}

// expired reports whether the tombstone at pos has expired at now.
func (t *tombstones) expired(pos int, now int64) bool {
	return int64(t.chunks[pos/tombChunkLen].expires[pos%tombChunkLen])*int64(time.Second) <= now
}

// tombExpiry rounds an instant up to whole seconds after the store's epoch,
// to fit 136 years in 4 bytes: a tombstone may outlive its record by less
// than a second, never expire before it.
func tombExpiry(ns int64) uint32 {
	if ns <= 0 {
		return 0
	}
	secs := ns / int64(time.Second) // rounded up below without overflowing
	if ns%int64(time.Second) != 0 {
		secs++
	}
	return uint32(min(secs, math.MaxUint32))
}

// pop drops the oldest position: its tombstone, unless it is a hole or the
// key was tombstoned again since (the index then names a newer position).
func (t *tombstones) pop() {
	pos := t.head
	if slot, found := t.index.find(t.keyAt(uint32(pos))); found && int(t.index.ref(slot)) == pos {
		t.index.remove(slot)
	}
	t.head = (t.head + 1) % t.max
	t.n--
	left := pos / tombChunkLen
	newest := (t.head + t.n - 1) % t.max
	if t.n == 0 || (t.head/tombChunkLen != left && newest/tombChunkLen != left) {
		t.chunks[left] = nil // no position in use is in it any more
	}
}
