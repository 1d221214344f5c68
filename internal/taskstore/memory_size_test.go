package taskstore_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// createResult is a typical CREATE result (about 230 bytes), as the
// idempotency middleware records it.
var createResult = []byte(`{"taskId":"task-000000012345","entity":"Messages","operation":"CREATE",` +
	`"status":"SUCCEEDED","connectorOutputPayload":{"Sid":"SM6f1c2a9e4b7d4e219a550c3d8e7f1b"},` +
	`"startedAt":"2024-03-01T10:00:00Z","finishedAt":"2024-03-01T10:00:01Z"}`)

// taskID returns the i-th task id of a run, shaped like a UUID (36 bytes).
func taskID(i int) string { return fmt.Sprintf("6f1c2a9e-4b7d-4e21-9a55-%012d", i) }

// runCreate records one CREATE task as the middleware does: Begin,
// MarkSent, Finish.
func runCreate(tb testing.TB, s taskstore.Store, id string) {
	c, err := s.Begin(ctx, id, 30*time.Second)
	if err != nil || c.State != taskstore.New {
		tb.Fatalf("Begin(%q) = %v, %v; want New", id, c.State, err)
	}
	if err := s.MarkSent(ctx, id, c.Attempt, 30*time.Second); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Finish(ctx, id, createResult, 24*time.Hour); err != nil {
		tb.Fatal(err)
	}
}

// storeHeap returns the live heap a Memory store built with opts holds
// after n CREATE tasks. The ids are built inside the measurement, as the
// store keeps what it needs of them.
func storeHeap(tb testing.TB, n int, opts ...taskstore.Option) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := taskstore.NewMemory(newClock().Now, opts...)
	for i := range n {
		runCreate(tb, s, taskID(i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	return after.HeapAlloc - before.HeapAlloc
}

// BenchmarkMemoryFullRecords measures what one CREATE record costs while
// all of them are kept in full (bounds far above n).
func BenchmarkMemoryFullRecords(b *testing.B) {
	const n = 100_000
	var heap uint64
	for range b.N {
		heap = storeHeap(b, n, taskstore.WithLimits(10*n, 1<<30))
	}
	b.ReportMetric(float64(heap)/n, "B/task")
}

// BenchmarkMemoryCreate measures one CREATE task's store calls (Begin,
// MarkSent, Finish) on a store with the default bounds, which it fills
// first so that every task also evicts one.
func BenchmarkMemoryCreate(b *testing.B) {
	s := taskstore.NewMemory(nil)
	const warm = 200_000
	for i := range warm {
		runCreate(b, s, taskID(i))
	}
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = taskID(warm + i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for _, id := range ids {
		runCreate(b, s, id)
	}
}

// TestMemoryHeapWithDefaults: with the default bounds the store's heap
// stays small however many tasks it has seen (measured alone: the test is
// not parallel).
func TestMemoryHeapWithDefaults(t *testing.T) {
	for _, c := range []struct {
		tasks int
		limit float64
	}{{100_000, 20e6}, {1_000_000, 40e6}} {
		if c.tasks > 100_000 && (testing.Short() || raceEnabled) {
			continue
		}
		heap := float64(storeHeap(t, c.tasks))
		t.Logf("%d CREATE tasks: %.1f MB of heap", c.tasks, heap/1e6)
		if heap > c.limit {
			t.Errorf("%d CREATE tasks hold %.1f MB of heap, want at most %.0f MB", c.tasks, heap/1e6, c.limit/1e6)
		}
	}
}
