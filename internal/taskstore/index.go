package taskstore

import "hash/maphash"

// key is a task id's 128-bit hash. The memory store keys its records and
// tombstones by it instead of keeping the ids: 16 bytes whatever the id's
// length, and the same key in both tiers. Two of n ids share a key with
// probability about n²/2¹²⁹, about 10⁻²⁷ for a million ids.
type key [2]uint64

// hasher turns ids into keys: two 64-bit hashes with independent seeds.
// The seeds are random per process, like the store itself.
type hasher struct{ a, b maphash.Seed }

func newHasher() hasher { return hasher{maphash.MakeSeed(), maphash.MakeSeed()} }

func (h hasher) key(id string) key {
	return key{maphash.String(h.a, id), maphash.String(h.b, id)}
}

// index finds small integer refs (positions in a slice its owner keeps) by
// key: an open-addressing table of uint32 slots with linear probing. A slot
// costs 4 bytes, where a Go map from key to int32 costs about 30 a record;
// the keys themselves stay in the owner's slice, read back through keyOf.
// Each slot also holds 8 bits of its key (a tag), so that a probe past
// another key rarely reads that key: the reads are cache misses in a large
// store. Deleting shifts the rest of a probe run back, so there are no
// deletion markers and lookups stay short however many records come and go.
type index struct {
	slots []uint32 // tag<<refBits | ref+1 in an occupied slot, 0 in a free one
	n     int
	keyOf func(ref uint32) key
}

const (
	refBits = 24
	// maxRef bounds the refs an index holds: positions below 16 Mi.
	maxRef        = 1<<refBits - 2
	refMask       = 1<<refBits - 1
	minIndexSlots = 64
)

func newIndex(keyOf func(uint32) key) index { return index{keyOf: keyOf} }

// tag returns the bits of k a slot keeps: not those that chose the slot.
func tag(k key) uint32 { return uint32(k[1]>>(64-(32-refBits))) << refBits }

// find returns the slot holding k's ref and true, or the free slot where k
// would go and false (-1 when the table is empty).
func (x *index) find(k key) (slot int, found bool) {
	if len(x.slots) == 0 {
		return -1, false
	}
	mask, t := len(x.slots)-1, tag(k)
	for i := int(k[0]) & mask; ; i = (i + 1) & mask {
		switch s := x.slots[i]; {
		case s == 0:
			return i, false
		case s&^refMask == t && x.keyOf(s&refMask-1) == k:
			return i, true
		}
	}
}

// ref returns the ref held in an occupied slot.
func (x *index) ref(slot int) uint32 { return x.slots[slot]&refMask - 1 }

// put maps k to ref (at most maxRef), replacing the ref k had.
func (x *index) put(k key, ref uint32) {
	if 4*(x.n+1) > 3*len(x.slots) { // past 3/4 full probe runs grow long
		x.resize(max(2*len(x.slots), minIndexSlots))
	}
	slot, found := x.find(k)
	if !found {
		x.n++
	}
	x.slots[slot] = tag(k) | (ref + 1)
}

// remove frees an occupied slot. Each later entry of the probe run moves
// into the hole when the hole lies between its home slot and where it is,
// so that find still reaches it.
func (x *index) remove(slot int) {
	mask := len(x.slots) - 1
	hole := slot
	for i := (hole + 1) & mask; x.slots[i] != 0; i = (i + 1) & mask {
		if (i-x.home(x.slots[i], mask))&mask >= (i-hole)&mask {
			x.slots[hole], hole = x.slots[i], i
		}
	}
	x.slots[hole] = 0
	x.n--
	if x.n == 0 {
		x.slots = nil // an emptied store gives its memory back
	} else if len(x.slots) > minIndexSlots && 8*x.n < len(x.slots) {
		x.resize(len(x.slots) / 2)
	}
}

// home returns the slot where the key of an occupied slot's value s starts
// its probe run.
func (x *index) home(s uint32, mask int) int { return int(x.keyOf(s&refMask - 1)[0]) & mask }

// resize moves every ref into a table of size slots (a power of two).
func (x *index) resize(size int) {
	old := x.slots
	x.slots = make([]uint32, size)
	mask := size - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := x.home(s, mask)
		for x.slots[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = s
	}
}
