package limiter

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waiting is how many wait in line on s.
func (s *semaphore) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiters.Len()
}

// queue starts a goroutine that acquires a slot of s and then sends id on
// got, and returns once it waits in line (waiters before it: ahead).
func queue(t *testing.T, s *semaphore, ctx context.Context, id, ahead int, got chan<- int, errs chan<- error) {
	t.Helper()
	go func() {
		if err := s.acquire(ctx); err != nil {
			errs <- err
			return
		}
		got <- id
	}()
	eventually(t, "the waiter in line", func() bool { return s.waiting() == ahead+1 })
}

// assertCounts checks the slots held and the size of s.
func assertCounts(t *testing.T, s *semaphore, wantHeld, wantSize int) {
	t.Helper()
	if held, size := s.counts(); held != wantHeld || size != wantSize {
		t.Fatalf("held %d of %d, want %d of %d", held, size, wantHeld, wantSize)
	}
}

// assertNone checks that nobody was granted a slot.
func assertNone(t *testing.T, got <-chan int, when string) {
	t.Helper()
	select {
	case id := <-got:
		t.Fatalf("waiter %d got a slot %s", id, when)
	default:
	}
}

func TestSemaphoreGrowServesWaiters(t *testing.T) {
	t.Parallel()
	s := newSemaphore(1)
	if !s.tryAcquire() || s.tryAcquire() {
		t.Fatal("want exactly one slot free")
	}
	got, errs := make(chan int, 2), make(chan error, 2)
	queue(t, s, t.Context(), 1, 0, got, errs)
	queue(t, s, t.Context(), 2, 1, got, errs)
	s.resize(3)
	if a, b := <-got, <-got; a+b != 3 {
		t.Fatalf("granted %d and %d, want 1 and 2", a, b)
	}
	assertCounts(t, s, 3, 3)
}

// TestSemaphoreShrinkKeepsHeldSlots: shrinking takes no slot back, and
// grants again only once fewer than the new size are held.
func TestSemaphoreShrinkKeepsHeldSlots(t *testing.T) {
	t.Parallel()
	s := newSemaphore(3)
	for range 3 {
		if !s.tryAcquire() {
			t.Fatal("a free slot was refused")
		}
	}
	s.resize(1)
	assertCounts(t, s, 3, 1)
	got, errs := make(chan int, 1), make(chan error, 1)
	queue(t, s, t.Context(), 1, 0, got, errs)
	s.release()
	s.release()
	assertNone(t, got, "with 1 held and size 1")
	if s.tryAcquire() {
		t.Fatal("tryAcquire took a slot with 1 held and size 1")
	}
	s.release()
	if id := <-got; id != 1 {
		t.Fatalf("granted %d, want 1", id)
	}
	assertCounts(t, s, 1, 1)
}

// TestSemaphoreFIFO: waiters are served in the order they came, and a
// newcomer does not take a freed slot from them.
func TestSemaphoreFIFO(t *testing.T) {
	t.Parallel()
	const n = 8
	s := newSemaphore(1)
	s.tryAcquire()
	got, errs := make(chan int, n), make(chan error, n)
	for i := range n {
		queue(t, s, t.Context(), i, i, got, errs)
	}
	for want := range n {
		s.release()
		if s.tryAcquire() {
			t.Fatal("a newcomer took the slot from the waiters")
		}
		if id := <-got; id != want {
			t.Fatalf("granted waiter %d, want %d", id, want)
		}
	}
	assertCounts(t, s, 1, 1)
}

// TestSemaphoreCancelLeavesLine: a waiter whose context ends leaves the
// line without a slot, and the slot it would have had goes to the next.
func TestSemaphoreCancelLeavesLine(t *testing.T) {
	t.Parallel()
	s := newSemaphore(1)
	s.tryAcquire()
	ctx, cancel := context.WithCancel(t.Context())
	got, errs := make(chan int, 2), make(chan error, 2)
	queue(t, s, ctx, 1, 0, got, errs)
	queue(t, s, t.Context(), 2, 1, got, errs)
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire = %v, want context.Canceled", err)
	}
	eventually(t, "one waiter left", func() bool { return s.waiting() == 1 })
	assertCounts(t, s, 1, 1)
	s.release()
	if id := <-got; id != 2 {
		t.Fatalf("granted %d, want 2", id)
	}
	assertCounts(t, s, 1, 1)
}

// TestSemaphoreStress races acquires with short deadlines, releases and
// resizes between 2 and 5. No more than 5 ever hold a slot, and in the end
// every slot is back and the line empty: nothing leaked, nobody stranded.
func TestSemaphoreStress(t *testing.T) {
	t.Parallel()
	s := newSemaphore(3)
	var holders, most atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 300 {
				ctx, cancel := context.WithTimeout(t.Context(), time.Duration(rng.IntN(200))*time.Microsecond)
				if s.acquire(ctx) == nil {
					h := holders.Add(1)
					for m := most.Load(); h > m && !most.CompareAndSwap(m, h); m = most.Load() {
					}
					time.Sleep(time.Duration(rng.IntN(50)) * time.Microsecond)
					holders.Add(-1)
					s.release()
				}
				cancel()
			}
		})
	}
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(99, 1))
		for range 300 {
			s.resize(2 + rng.IntN(4))
			time.Sleep(20 * time.Microsecond)
		}
	})
	wg.Wait()
	if m := most.Load(); m > 5 {
		t.Errorf("%d held slots at once, more than the largest size 5", m)
	}
	if held, _ := s.counts(); held != 0 || s.waiting() != 0 {
		t.Fatalf("after the run %d slots held and %d waiting, want none", held, s.waiting())
	}
	s.resize(5)
	for i := range 5 {
		if !s.tryAcquire() {
			t.Fatalf("slot %d of 5 not free after the run", i+1)
		}
	}
}
