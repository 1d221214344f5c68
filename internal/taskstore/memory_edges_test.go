package taskstore

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"
)

// TestMemoryHugeDurations: a lease, retention or ttl whose end is past what
// int64 nanoseconds hold means "for good", not "already over" (a
// RESULT_TTL of 2562047h passes the worker's check and used to make every
// record expire as it was written).
func TestMemoryHugeDurations(t *testing.T) {
	ctx := context.Background()
	clk := newEdgeClock()
	huge, _ := time.ParseDuration("2562047h")
	s := NewMemory(clk.Now, WithRetention(huge))
	clk.Advance(time.Hour)
	if c, _ := s.Begin(ctx, "leased", time.Duration(math.MaxInt64)); c.State != New {
		t.Fatalf("first Begin: %v", c.State)
	}
	if c, _ := s.Begin(ctx, "leased", time.Minute); c.State != InProgress {
		t.Errorf("a lease of MaxInt64 ns let a second Begin in: %v", c.State)
	}
	c, _ := s.Begin(ctx, "marked", 30*time.Second)
	if err := s.MarkSent(ctx, "marked", c.Attempt, 30*time.Second); err != nil {
		t.Fatalf("MarkSent: %v", err)
	}
	clk.Advance(time.Minute)
	if c, _ := s.Begin(ctx, "marked", 30*time.Second); c.State != Abandoned || !c.Sent {
		t.Errorf("a marked task after its lease: %+v, want Abandoned with Sent", c)
	}
	if _, err := s.Finish(ctx, "done", []byte(`1`), huge); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Begin(ctx, "done", time.Minute); c.State != Done {
		t.Errorf("a task finished with a huge ttl: %v, want Done", c.State)
	}
}

// TestMemoryFullTier: when the full tier has no position left it makes
// room (expired records first, then the oldest without a live lease), and
// when every record holds a live lease it refuses the new task without
// losing anything it knew: a tombstone taken for a record that then found
// no room used to vanish, and its sent mark with it.
func TestMemoryFullTier(t *testing.T) {
	ctx := context.Background()
	clk := newEdgeClock()
	s := NewMemory(clk.Now, WithLimits(1<<20, 1<<40))
	s.slots = 4
	c, _ := s.Begin(ctx, "x", time.Second)
	if err := s.MarkSent(ctx, "x", c.Attempt, time.Second); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Second)
	for i := range 4 { // four live leases: x (lapsed) becomes a tombstone
		if _, err := s.Begin(ctx, strconv.Itoa(i), time.Hour); err != nil {
			t.Fatalf("Begin %d: %v", i, err)
		}
	}
	if _, err := s.Begin(ctx, "x", time.Minute); err != errFull {
		t.Fatalf("Begin with every position leased: %v, want errFull", err)
	}
	if err := s.Abort(ctx, "0", 1); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Begin(ctx, "x", time.Minute); err != nil || c.State != Abandoned || !c.Sent {
		t.Errorf("x after room was made: %+v, %v; want Abandoned with Sent", c, err)
	}

	// Positions held by expired records are taken back when needed.
	s = NewMemory(clk.Now, WithLimits(1<<20, 1<<40))
	s.slots = 4
	for i := range 4 {
		if _, err := s.Finish(ctx, strconv.Itoa(i), []byte(`1`), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(2 * time.Hour)
	if c, err := s.Begin(ctx, "new", time.Minute); err != nil || c.State != New {
		t.Errorf("Begin in a tier of expired records: %+v, %v; want New", c, err)
	}
}

// edgeClock is a clock that moves only when told to (the package's other
// fake clock lives in the external test package).
type edgeClock struct{ t time.Time }

func newEdgeClock() *edgeClock               { return &edgeClock{t: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)} }
func (c *edgeClock) Now() time.Time          { return c.t }
func (c *edgeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }
