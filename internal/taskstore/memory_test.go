package taskstore_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func openMemory(t *testing.T, opts ...taskstore.Option) fixture {
	clock := newClock()
	s := taskstore.NewMemory(clock.Now, opts...)
	t.Cleanup(func() { _ = s.Close() })
	return fixture{store: s, after: func(d time.Duration, cond func() bool) bool {
		clock.Advance(d)
		return cond()
	}}
}

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	runConformance(t, openMemory)
}

func TestMemoryEvictsLeastRecentlyWritten(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(newClock().Now, taskstore.WithLimits(3, 0))
	for _, id := range []string{"a", "b", "c"} {
		begin(t, s, id, time.Minute, taskstore.New, 1)
	}
	finish(t, s, "a", []byte(`"a"`), time.Hour)     // order: b c a
	finish(t, s, "b", []byte(`"b"`), time.Hour)     // order: c a b
	begin(t, s, "d", time.Minute, taskstore.New, 1) // c's lease is live: a goes
	if s.Len() != 3 {
		t.Errorf("Len = %d, want 3", s.Len())
	}
	begin(t, s, "c", time.Minute, taskstore.InProgress, 1) // oldest, but never evicted while leased
	begin(t, s, "b", time.Minute, taskstore.Done, 1)
	// Beyond the count bound a done task leaves a tombstone: Abandoned with
	// Sent (an unknown outcome for a CREATE), never New.
	if c := begin(t, s, "a", time.Minute, taskstore.Abandoned, 2); !c.Sent {
		t.Error("a's tombstone answered Abandoned without Sent")
	}
}

// TestMemoryKeepsLiveLeases: running attempts are never evicted, even past
// the bound, so a redelivery meets InProgress, not New.
func TestMemoryKeepsLiveLeases(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(newClock().Now, taskstore.WithLimits(2, 0))
	for _, id := range []string{"a", "b", "c", "d"} {
		begin(t, s, id, time.Minute, taskstore.New, 1)
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		begin(t, s, id, time.Minute, taskstore.InProgress, 1)
	}
}

func TestMemoryByteBound(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(newClock().Now, taskstore.WithLimits(0, 4096))
	big := []byte(`"` + strings.Repeat("x", 3000) + `"`)
	begin(t, s, "a", time.Minute, taskstore.New, 1)
	finish(t, s, "a", big, time.Hour)
	begin(t, s, "b", time.Minute, taskstore.New, 1)
	finish(t, s, "b", big, time.Hour) // a and b do not both fit: a loses its result
	// a is remembered as started with a lapsed lease: Abandoned (an unknown
	// outcome for a CREATE), never New (which could send it twice).
	begin(t, s, "a", time.Minute, taskstore.Abandoned, 2)
	// A result larger than the whole bound is still kept, alone.
	huge := []byte(`"` + strings.Repeat("y", 10_000) + `"`)
	finish(t, s, "c", huge, time.Hour)
	if c := begin(t, s, "c", time.Minute, taskstore.Done, 0); len(c.Result) != len(huge) {
		t.Errorf("Result has %d bytes, want %d", len(c.Result), len(huge))
	}
	// b gave its result bytes up for c, but is still remembered.
	begin(t, s, "b", time.Minute, taskstore.Abandoned, 2)
}

func TestMemoryResultIsCopied(t *testing.T) {
	t.Parallel()
	s := taskstore.NewMemory(nil) // nil: time.Now
	result := []byte(`"r"`)
	finish(t, s, "t1", result, time.Minute)
	result[1] = 'X'
	c := begin(t, s, "t1", time.Minute, taskstore.Done, 0)
	c.Result[1] = 'Y'
	if c := begin(t, s, "t1", time.Minute, taskstore.Done, 0); string(c.Result) != `"r"` {
		t.Errorf("Result = %s, want \"r\": the store must keep its own copy", c.Result)
	}
}

func TestMemoryDropsExpiredOnAccess(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := taskstore.NewMemory(clock.Now)
	finish(t, s, "t1", []byte(`"r"`), time.Second)
	clock.Advance(time.Second)
	must(t, s.Abort(ctx, "t1", 1))
	if s.Len() != 0 {
		t.Errorf("Len = %d after the only record expired, want 0", s.Len())
	}
}
