package taskstore

// tombstones is the memory store's second tier: the keys of records that
// left the full tier while a request of theirs may have reached Twilio
// (done, or marked sent), so that Begin answers Abandoned with Sent for
// them rather than New. It is a FIFO ring of at most max positions with an
// index from key to position: 16 bytes of key and 1 of attempt count per
// tombstone, plus 4 to 8 of index. The ring is allocated a chunk at a time
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

// tombChunkLen positions share one chunk and one expiry.
const tombChunkLen = 4096

// tombChunk is part of the ring. Its tombstones expire together, when the
// latest of them would have: a tombstone may outlive its record's expiry by
// the time the ring takes to write a chunk, never expire before it.
type tombChunk struct {
	keys     []key
	attempts []uint8 // the record's attempt count, saturated at maxTombAttempt
	expires  int64
}

// maxTombAttempt is the largest attempt count a tombstone keeps; Memory
// fences a record revived from a saturated one above every attempt it
// ever granted instead.
const maxTombAttempt = 255

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

// add remembers k, a record that may have sent, with its attempt count and
// the instant it would have expired. The oldest position makes room when
// the ring is full.
func (t *tombstones) add(k key, attempt int32, expires, now int64) {
	t.expire(now)
	if t.n == t.max {
		t.pop()
	}
	pos := (t.head + t.n) % t.max
	c := t.chunk(pos)
	off := pos % tombChunkLen
	c.keys[off], c.attempts[off] = k, uint8(min(attempt, maxTombAttempt))
	c.expires = max(c.expires, expires)
	t.n++
	t.index.put(k, uint32(pos))
}

// take removes k's tombstone and returns its attempt count; ok is false
// when k has none, or it expired.
func (t *tombstones) take(k key, now int64) (attempt int32, ok bool) {
	t.expire(now)
	slot, found := t.index.find(k)
	if !found {
		return 0, false
	}
	pos := int(t.index.ref(slot))
	t.index.remove(slot)
	c := t.chunks[pos/tombChunkLen]
	if c.expires <= now {
		return 0, false
	}
	return int32(c.attempts[pos%tombChunkLen]), true
}

// chunk returns the chunk holding pos, allocating it when the ring first
// reaches it.
func (t *tombstones) chunk(pos int) *tombChunk {
	c := &t.chunks[pos/tombChunkLen]
	if *c == nil {
		size := min(tombChunkLen, t.max-pos/tombChunkLen*tombChunkLen)
		*c = &tombChunk{keys: make([]key, size), attempts: make([]uint8, size)}
	}
	return *c
}

// expire drops the oldest positions while their chunk has expired.
func (t *tombstones) expire(now int64) {
	for t.n > 0 && t.chunks[t.head/tombChunkLen].expires <= now {
		t.pop()
	}
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
