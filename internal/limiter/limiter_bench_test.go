package limiter

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stampingBase answers at once, as a zero-latency Twilio would, and records
// when each request reached it.
type stampingBase struct {
	next   atomic.Int64
	starts []time.Time
}

func (s *stampingBase) RoundTrip(req *http.Request) (*http.Response, error) {
	s.starts[s.next.Add(1)-1] = time.Now()
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: req}, nil
}

// BenchmarkAccuracy drives the real Transport, on the real clock, with as
// many senders as ForNodes allows in flight, for three seconds' worth of the
// budget. It reports the rate achieved between the first and the last
// request and the busiest one-second window, as seen by the base transport:
// that includes the scheduling delay between a token's grant and the
// request's departure, which the limiter's arithmetic cannot see.
func BenchmarkAccuracy(b *testing.B) {
	for _, nodes := range []int{2, 50} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			cfg := ForNodes(nodes)
			budget := nodes * PerNode
			var starts []time.Time
			for b.Loop() {
				starts = drive(b, cfg, 3*budget)
			}
			b.ReportMetric(achieved(starts), "req/s")
			b.ReportMetric(float64(busiest(starts)), "busiest-1s")
			b.ReportMetric(float64(budget), "budget")
		})
	}
}

// drive sends n requests through a fresh Transport and returns when each
// reached the base transport.
func drive(b *testing.B, cfg Config, n int) []time.Time {
	base := &stampingBase{starts: make([]time.Time, n)}
	tr := NewTransport(base, cfg)
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	for range cfg.MaxInFlight {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, "https://api.twilio.com/x", nil)
				resp, err := tr.RoundTrip(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	return base.starts
}

// BenchmarkSlot compares the resizable semaphore behind the in-flight cap
// with the channel it replaced, for one take-and-give-back, with a free
// slot for every sender ("free") and with eight senders per slot, so that
// most wait in line ("contended").
func BenchmarkSlot(b *testing.B) {
	for _, c := range []struct {
		name        string
		size, procs int
	}{{"free", 1000, 1}, {"contended", 1, 8}} {
		b.Run("chan/"+c.name, func(b *testing.B) {
			slots := make(chan struct{}, c.size)
			b.SetParallelism(c.procs)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					slots <- struct{}{}
					<-slots
				}
			})
		})
		b.Run("semaphore/"+c.name, func(b *testing.B) {
			s := newSemaphore(c.size)
			ctx := b.Context()
			b.SetParallelism(c.procs)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if !s.tryAcquire() {
						if err := s.acquire(ctx); err != nil {
							b.Error(err)
							return
						}
					}
					s.release()
				}
			})
		})
	}
}
