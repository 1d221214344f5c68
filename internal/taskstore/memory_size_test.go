package taskstore_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// createResult is a CREATE result of about 230 bytes with a fixed id and
// second-precision timestamps: the shape the byte bound was first sized for.
var createResult = []byte(`{"taskId":"task-000000012345","entity":"Messages","operation":"CREATE",` +
	`"status":"SUCCEEDED","connectorOutputPayload":{"Sid":"SM6f1c2a9e4b7d4e219a550c3d8e7f1b"},` +
	`"startedAt":"2024-03-01T10:00:00Z","finishedAt":"2024-03-01T10:00:01Z"}`)

// typicalResult is the i-th CREATE result as the worker records it (the
// JSON of a task.Result, what is later published): its own id, a Sid of 32
// hex digits and nanosecond timestamps a couple of milliseconds apart,
// about 265 bytes with a UUID id.
func typicalResult(id string, i int) []byte {
	start := time.Date(2026, 12, 5, 23, 30, 52, 912257439, time.UTC).Add(time.Duration(i) * 397 * time.Microsecond)
	r := task.Result{TaskID: id, Entity: "Messages", Operation: "CREATE", Status: task.StatusSucceeded,
		Payload:    map[string]any{"Sid": fmt.Sprintf("SM%016x%016x", uint64(i)*0x9e3779b97f4a7c15, uint64(i)^0x5f594b4e62f04ae2)},
		StartedAt:  start.Format(time.RFC3339Nano),
		FinishedAt: start.Add(1736490*time.Nanosecond + time.Duration(i%977)*time.Microsecond).Format(time.RFC3339Nano)}
	data, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return data
}

// fixedResult gives every task of a run createResult.
func fixedResult(string, int) []byte { return createResult }

// taskID returns the i-th task id of a run, shaped like a UUID (36 bytes).
func taskID(i int) string { return fmt.Sprintf("6f1c2a9e-4b7d-4e21-9a55-%012d", i) }

// runCreate records one CREATE task as the middleware does: Begin,
// MarkSent, Finish.
func runCreate(tb testing.TB, s taskstore.Store, id string, result []byte) {
	c, err := s.Begin(ctx, id, 30*time.Second)
	if err != nil || c.State != taskstore.New {
		tb.Fatalf("Begin(%q) = %v, %v; want New", id, c.State, err)
	}
	if err := s.MarkSent(ctx, id, c.Attempt, 30*time.Second); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Finish(ctx, id, result, 24*time.Hour); err != nil {
		tb.Fatal(err)
	}
}

// storeHeap returns the live heap a Memory store built with opts holds
// after n CREATE tasks with the results of result, and the records it
// keeps in full. The ids and results are built inside the measurement, as
// the store keeps what it needs of them.
func storeHeap(tb testing.TB, n int, result func(string, int) []byte, opts ...taskstore.Option) (heap uint64, full int) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := taskstore.NewMemory(newClock().Now, opts...)
	for i := range n {
		id := taskID(i)
		runCreate(tb, s, id, result(id, i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	return after.HeapAlloc - before.HeapAlloc, s.Len()
}

// BenchmarkMemoryFullRecords measures what one CREATE record costs while
// all of them are kept in full (bounds far above n).
func BenchmarkMemoryFullRecords(b *testing.B) {
	for _, c := range []struct {
		name   string
		result func(string, int) []byte
	}{{"fixed", fixedResult}, {"typical", typicalResult}} {
		b.Run(c.name, func(b *testing.B) {
			const n = 100_000
			var heap uint64
			for range b.N {
				heap, _ = storeHeap(b, n, c.result, taskstore.WithLimits(10*n, 1<<30))
			}
			b.ReportMetric(float64(heap)/n, "B/task")
		})
	}
}

// BenchmarkMemoryCreate measures one CREATE task's store calls (Begin,
// MarkSent, Finish) on a store with the default bounds, which it fills
// first so that every task also evicts one.
func BenchmarkMemoryCreate(b *testing.B) {
	s := taskstore.NewMemory(nil)
	const warm = 200_000
	for i := range warm {
		id := taskID(i)
		runCreate(b, s, id, typicalResult(id, i))
	}
	ids := make([]string, b.N)
	results := make([][]byte, b.N)
	for i := range ids {
		ids[i] = taskID(warm + i)
		results[i] = typicalResult(ids[i], warm+i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i, id := range ids {
		runCreate(b, s, id, results[i])
	}
}

// TestMemoryHeapWithDefaults: with the default bounds the store's heap
// stays small however many tasks it has seen, and keeps at least 50 000
// typical CREATE results in full, as many as it did with 16 MiB of
// uncompacted results (measured alone: the test is not parallel).
func TestMemoryHeapWithDefaults(t *testing.T) {
	for _, c := range []struct {
		tasks int
		limit float64
	}{{100_000, 11e6}, {1_000_000, 31e6}} {
		if c.tasks > 100_000 && (testing.Short() || raceEnabled) {
			continue
		}
		heap, full := storeHeap(t, c.tasks, typicalResult)
		t.Logf("%d CREATE tasks: %.1f MB of heap, %d results in full", c.tasks, float64(heap)/1e6, full)
		if float64(heap) > c.limit {
			t.Errorf("%d CREATE tasks hold %.1f MB of heap, want at most %.0f MB", c.tasks, float64(heap)/1e6, c.limit/1e6)
		}
		if full < 50_000 {
			t.Errorf("%d CREATE tasks: %d results kept in full, want at least 50 000", c.tasks, full)
		}
	}
}
