package entities_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/task"
)

// BenchmarkListFiltered walks a LIST of 10 000 messages with a filter that
// is evaluated client-side (LIKE cannot be pushed down), pages of 1000,
// through the real twilio-go client and the simulator (zero latency, in
// process; without the spec checker, whose validation would dominate). It reports rows scanned per second
// and the heap's peak above its level before the walk; the simulator's own
// 10 000 rows are in the baseline, and its per-request work is included in
// the time.
func BenchmarkListFiltered(b *testing.B) {
	_, fx := messageFixtures(10000)
	e := newEnvChecked(b, fx, false)
	taskJSON := `{"entity":"Messages","operation":"LIST","listEntitiesPageSize":1000,"filterClause":"Body LIKE 'message 1%%' OR NumSegments = '3'","listEntitiesPageToken":%q}`
	b.ResetTimer()
	var matched int
	peak := trackHeap(func() {
		for i := 0; i < b.N; i++ {
			matched = 0
			token := ""
			for {
				out, err := e.x.Do(b.Context(), mustDecode(b, fmt.Sprintf(taskJSON, token)))
				if err != nil {
					b.Fatal(err)
				}
				matched += len(out.Payload.([]any))
				if token = out.NextPageToken; token == "" {
					break
				}
			}
		}
	})
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "rows-scanned/s")
	b.ReportMetric(float64(matched), "rows-matched")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// trackHeap runs f and returns the highest heap in use seen while it ran,
// above the level just before.
func trackHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
				peak.Store(m.HeapInuse - base)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return peak.Load()
}

func mustDecode(tb testing.TB, data string) *task.Task {
	tk, err := task.Decode([]byte(data))
	if err != nil {
		tb.Fatal(err)
	}
	return tk
}
