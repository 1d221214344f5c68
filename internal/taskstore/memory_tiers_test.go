package taskstore_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// counts fails the test unless s holds full records and tombstones.
func counts(t *testing.T, s *taskstore.Memory, full, tombstones int) {
	t.Helper()
	if s.Len() != full || s.Tombstones() != tombstones {
		t.Fatalf("Len = %d, Tombstones = %d; want %d and %d", s.Len(), s.Tombstones(), full, tombstones)
	}
}

// abandoned calls Begin and fails the test unless it answers Abandoned with
// attempt and sent.
func abandoned(t *testing.T, s taskstore.Store, id string, attempt int, sent bool) {
	t.Helper()
	if c := begin(t, s, id, time.Minute, taskstore.Abandoned, attempt); c.Sent != sent {
		t.Fatalf("Begin(%q): Sent = %v, want %v", id, c.Sent, sent)
	}
}

// TestMemoryCountBoundTombstones: beyond the entry bound every kind of
// record leaves a tombstone that remembers whether it may have sent.
func TestMemoryCountBoundTombstones(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now, taskstore.WithLimits(2, 0))
	c := begin(t, s, "marked", time.Minute, taskstore.New, 1)
	must(t, s.MarkSent(ctx, "marked", c.Attempt, time.Minute))
	must(t, s.Abort(ctx, "marked", c.Attempt)) // kept, lease expired
	begin(t, s, "done", time.Minute, taskstore.New, 1)
	finish(t, s, "done", []byte(`"r"`), time.Hour)
	begin(t, s, "lapsed", time.Minute, taskstore.New, 1) // its worker dies
	clock.Advance(2 * time.Minute)
	finish(t, s, "x", []byte(`"x"`), time.Hour)
	finish(t, s, "y", []byte(`"y"`), time.Hour)
	counts(t, s, 2, 3)
	abandoned(t, s, "marked", 2, true)
	abandoned(t, s, "done", 2, true) // a done task counts as sent
	abandoned(t, s, "lapsed", 2, false)
}

// TestMemoryByteBoundTombstones: beyond the byte bound too.
func TestMemoryByteBoundTombstones(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(newClock().Now, taskstore.WithLimits(0, 2000))
	result := []byte(`"` + strings.Repeat("x", 1000) + `"`)
	for _, id := range []string{"a", "b", "c"} {
		begin(t, s, id, time.Minute, taskstore.New, 1)
		finish(t, s, id, result, time.Hour)
	}
	counts(t, s, 1, 2)
	begin(t, s, "c", time.Minute, taskstore.Done, 1)
	abandoned(t, s, "a", 2, true)
	abandoned(t, s, "b", 2, true)
}

// TestMemoryTombstoneMethods: what each method does to a tombstoned id.
func TestMemoryTombstoneMethods(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now, taskstore.WithLimits(1, 0))
	c := begin(t, s, "a", time.Minute, taskstore.New, 1)
	must(t, s.MarkSent(ctx, "a", c.Attempt, time.Minute))
	clock.Advance(2 * time.Minute) // the attempt lapses, still marked
	finish(t, s, "other", []byte(`"o"`), time.Hour)
	counts(t, s, 1, 1)
	// A tombstone holds no lease.
	for name, err := range map[string]error{
		"Renew":    s.Renew(ctx, "a", 1, time.Minute),
		"MarkSent": s.MarkSent(ctx, "a", 1, time.Minute),
		"Unmark":   s.Unmark(ctx, "a", 1, time.Minute),
	} {
		if !errors.Is(err, taskstore.ErrLeaseLost) {
			t.Errorf("%s on a tombstone = %v, want ErrLeaseLost", name, err)
		}
	}
	// Abort keeps a tombstone that may have sent: the mark is not lost.
	must(t, s.Abort(ctx, "a", 1))
	counts(t, s, 1, 1)
	// A late Finish stores its result: it is the first one known.
	if earlier, err := s.Finish(ctx, "a", []byte(`"late"`), time.Hour); err != nil || earlier != nil {
		t.Fatalf("Finish on a tombstone = %q, %v; want it stored", earlier, err)
	}
	if c := begin(t, s, "a", time.Minute, taskstore.Done, 1); string(c.Result) != `"late"` {
		t.Errorf("Result = %s, want the late one", c.Result)
	}
}

// TestMemoryTombstoneFencesLapsedAttempts: the attempt a tombstone grants
// is numbered above the evicted record's, so a lapsed attempt that still
// runs cannot mark the new one's lease as its own.
func TestMemoryTombstoneFencesLapsedAttempts(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now, taskstore.WithLimits(1, 0))
	begin(t, s, "a", time.Minute, taskstore.New, 1)
	clock.Advance(2 * time.Minute)
	begin(t, s, "b", time.Minute, taskstore.New, 1) // a, lapsed and never sent, is evicted
	abandoned(t, s, "a", 2, false)
	if err := s.MarkSent(ctx, "a", 1, time.Minute); !errors.Is(err, taskstore.ErrLeaseLost) {
		t.Errorf("MarkSent by the lapsed attempt = %v, want ErrLeaseLost", err)
	}
	must(t, s.MarkSent(ctx, "a", 2, time.Minute))
}

// TestMemoryTombstoneAbortClean: Abort by a never-sent tombstone's own
// attempt forgets it, as it deletes a full record; another attempt's
// Abort does not.
func TestMemoryTombstoneAbortClean(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now, taskstore.WithLimits(1, 0))
	begin(t, s, "a", time.Minute, taskstore.New, 1)
	begin(t, s, "b", time.Minute, taskstore.New, 1)
	clock.Advance(2 * time.Minute)
	finish(t, s, "c", []byte(`"c"`), time.Hour) // a and b lapsed: both evicted
	counts(t, s, 1, 2)
	must(t, s.Abort(ctx, "a", 1))
	must(t, s.Abort(ctx, "b", 7))
	begin(t, s, "a", time.Minute, taskstore.New, 1)
	abandoned(t, s, "b", 2, false)
}

// TestMemoryTombstoneFIFO: the tombstone bound forgets the oldest first.
func TestMemoryTombstoneFIFO(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(newClock().Now, taskstore.WithLimits(1, 0), taskstore.WithTombstones(3))
	ids := []string{"t0", "t1", "t2", "t3", "t4", "t5"}
	for _, id := range ids {
		finish(t, s, id, []byte(`"r"`), time.Hour)
	}
	counts(t, s, 1, 3) // t5 in full, t2 t3 t4 tombstoned
	// Each Begin below keeps a live lease, so nothing is evicted meanwhile.
	abandoned(t, s, "t2", 1, true)
	begin(t, s, "t1", time.Minute, taskstore.New, 1)
	begin(t, s, "t0", time.Minute, taskstore.New, 1)
	abandoned(t, s, "t3", 1, true)
	abandoned(t, s, "t4", 1, true)
	abandoned(t, s, "t5", 1, true) // evicted by t2's Begin, pushing t2's hole out
}

// TestMemoryTombstoneBoundWraps: a ring that wraps many times keeps exactly
// the newest tombstones.
func TestMemoryTombstoneBoundWraps(t *testing.T) {
	t.Parallel()
	const bound = 5000 // more than one chunk
	s := taskstore.NewMemory(newClock().Now, taskstore.WithLimits(1, 0), taskstore.WithTombstones(bound))
	const n = 3*bound + 123
	for i := range n {
		finish(t, s, taskID(i), []byte(`"r"`), time.Hour)
	}
	counts(t, s, 1, bound)
	newest := n - 2 // n-1 is in full
	// The oldest first: its Begin evicts n-1, which pushes out its hole.
	for _, i := range []int{newest - bound + 1, newest} {
		if c, _ := s.Begin(ctx, taskID(i), time.Minute); c.State != taskstore.Abandoned {
			t.Errorf("tombstone %d: Begin = %v, want Abandoned", i, c.State)
		}
	}
	begin(t, s, taskID(newest-bound), time.Minute, taskstore.New, 1)
}

// TestMemoryNeverEvictsLiveLeases: however small the bounds, a live lease
// stays in full, and its attempt keeps working.
func TestMemoryNeverEvictsLiveLeases(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(newClock().Now, taskstore.WithLimits(1, 1), taskstore.WithTombstones(1))
	c := begin(t, s, "live", time.Minute, taskstore.New, 1)
	for i := range 100 {
		finish(t, s, taskID(i), []byte(`"r"`), time.Hour)
		must(t, s.MarkSent(ctx, "live", c.Attempt, time.Minute))
	}
	begin(t, s, "live", time.Minute, taskstore.InProgress, 1)
	finish(t, s, "live", []byte(`"live"`), time.Hour)
	begin(t, s, "live", time.Minute, taskstore.Done, 1)
}

// TestMemoryExpiresFullRecordsUnderTheBounds: expired records at the front
// go when the store is next written, not only when it is full.
func TestMemoryExpiresFullRecordsUnderTheBounds(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now)
	for i := range 10 {
		finish(t, s, taskID(i), []byte(`"r"`), time.Second)
	}
	clock.Advance(time.Second)
	finish(t, s, "new", []byte(`"r"`), time.Second)
	counts(t, s, 1, 0)
}

// TestMemoryTombstonesExpire: a tombstone lasts as long as its record
// would have, and no longer.
func TestMemoryTombstonesExpire(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now, taskstore.WithLimits(1, 0), taskstore.WithRetention(time.Hour))
	finish(t, s, "done", []byte(`"r"`), 30*time.Minute)
	c := begin(t, s, "marked", time.Minute, taskstore.New, 1) // kept for the hour's retention
	must(t, s.MarkSent(ctx, "marked", c.Attempt, time.Minute))
	clock.Advance(2 * time.Minute)
	finish(t, s, "x", []byte(`"x"`), 24*time.Hour) // done and marked are evicted
	counts(t, s, 1, 2)
	clock.Advance(27 * time.Minute) // 29 minutes after done's Finish
	abandoned(t, s, "done", 1, true)
	clock.Advance(30 * time.Minute) // 59 minutes after marked's last write
	abandoned(t, s, "marked", 2, true)

	s2 := taskstore.NewMemory(clock.Now, taskstore.WithLimits(1, 0), taskstore.WithRetention(time.Hour))
	finish(t, s2, "done", []byte(`"r"`), 30*time.Minute)
	c = begin(t, s2, "marked", time.Minute, taskstore.New, 1)
	must(t, s2.MarkSent(ctx, "marked", c.Attempt, time.Minute))
	clock.Advance(2 * time.Minute)
	finish(t, s2, "x", []byte(`"x"`), 24*time.Hour)
	clock.Advance(28 * time.Minute) // done's ttl is over
	begin(t, s2, "done", time.Minute, taskstore.New, 1)
	clock.Advance(31 * time.Minute) // so is marked's retention
	begin(t, s2, "marked", time.Minute, taskstore.New, 1)
}

// TestMemoryIdleStoreGivesMemoryBack: once everything expired, the next
// write drops it all, tombstones included.
func TestMemoryIdleStoreGivesMemoryBack(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now, taskstore.WithLimits(100, 0))
	for i := range 10_000 {
		finish(t, s, taskID(i), []byte(`"r"`), time.Hour)
	}
	counts(t, s, 100, 9_900)
	clock.Advance(time.Hour)
	finish(t, s, "new", []byte(`"r"`), time.Hour)
	counts(t, s, 1, 0)
}

// TestMemoryConcurrentTasks runs many tasks at once on a small store, for
// the race detector and the bounds.
func TestMemoryConcurrentTasks(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(nil, taskstore.WithLimits(50, 0), taskstore.WithTombstones(100))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				id := taskID(g*1000 + i)
				runCreate(t, s, id, typicalResult(id, i))
			}
		})
	}
	wg.Wait()
	if s.Len() > 50 || s.Tombstones() > 100 {
		t.Errorf("Len = %d, Tombstones = %d; want at most 50 and 100", s.Len(), s.Tombstones())
	}
}

// TestMemoryClockBeforeItsStart: instants are kept relative to the store's
// creation, and a clock set back before it still works.
func TestMemoryClockBeforeItsStart(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now)
	clock.Advance(-time.Hour)
	begin(t, s, "a", time.Minute, taskstore.New, 1)
	begin(t, s, "a", time.Minute, taskstore.InProgress, 1)
	finish(t, s, "a", []byte(`"r"`), time.Minute)
	begin(t, s, "a", time.Minute, taskstore.Done, 1)
}
