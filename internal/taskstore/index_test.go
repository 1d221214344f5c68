package taskstore

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestIndexMatchesMap puts and removes random keys, half of them sharing
// a few home slots and tags, and checks the index against a map after
// each step.
func TestIndexMatchesMap(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	pool := make([]key, 2000)
	for i := range pool {
		pool[i] = key{rng.Uint64(), rng.Uint64()}
		if i%2 == 0 { // long probe runs, tag collisions
			pool[i] = key{rng.Uint64N(256), uint64(rng.IntN(4)) << 56}
		}
	}
	var keys []key // ref → key; a ref is never reused here
	x := newIndex(func(r uint32) key { return keys[r] })
	want := map[key]uint32{}
	for step := range 50_000 {
		k := pool[rng.IntN(len(pool))]
		if slot, found := x.find(k); found != (want[k] != 0) {
			t.Fatalf("step %d: find(%v) = %v, want %v", step, k, found, want[k] != 0)
		} else if found && rng.IntN(2) == 0 {
			if got := x.ref(slot) + 1; got != want[k] {
				t.Fatalf("step %d: ref = %d, want %d", step, got-1, want[k]-1)
			}
			x.remove(slot)
			delete(want, k)
		} else {
			keys = append(keys, k)
			x.put(k, uint32(len(keys)-1))
			want[k] = uint32(len(keys))
		}
		if x.n != len(want) {
			t.Fatalf("step %d: n = %d, want %d", step, x.n, len(want))
		}
	}
	for k, r := range want {
		if slot, found := x.find(k); !found || x.ref(slot) != r-1 {
			t.Fatalf("key %v lost", k)
		}
	}
}

// TestTombstonesFreeChunks: chunks the ring has left are freed, and an
// emptied ring holds none.
func TestTombstonesFreeChunks(t *testing.T) {
	t.Parallel()
	ts := newTombstones(3 * tombChunkLen)
	allocated := func() (n int) {
		for _, c := range ts.chunks {
			if c != nil {
				n++
			}
		}
		return n
	}
	const second = int64(1e9)
	for i := range 2 * tombChunkLen {
		ts.add(key{uint64(i), 1}, 1, i%2 == 0, int64(i+1)*second, 0)
	}
	if allocated() != 2 || ts.len() != 2*tombChunkLen {
		t.Fatalf("%d chunks, %d tombstones; want 2 and %d", allocated(), ts.len(), 2*tombChunkLen)
	}
	ts.expire(int64(tombChunkLen+1) * second) // the first chunk and one more
	if allocated() != 1 || ts.len() != tombChunkLen-1 {
		t.Fatalf("%d chunks, %d tombstones; want 1 and %d", allocated(), ts.len(), tombChunkLen-1)
	}
	if a, sent, ok := ts.take(key{tombChunkLen + 2, 1}, 0); !ok || a != 1 || !sent {
		t.Fatalf("take = %d, %v, %v; want 1, true, true", a, sent, ok)
	}
	ts.expire(int64(3*tombChunkLen) * second)
	if allocated() != 0 || ts.len() != 0 || ts.index.slots != nil {
		t.Fatalf("%d chunks, %d tombstones left after all expired", allocated(), ts.len())
	}
}

// TestEntrySize: a full record's bookkeeping is one 64-byte entry; a field
// added carelessly would cost every record a size class.
func TestEntrySize(t *testing.T) {
	if size := unsafe.Sizeof(entry{}); size != 64 {
		t.Errorf("entry is %d bytes, want 64", size)
	}
}
