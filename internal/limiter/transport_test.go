package limiter

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// send runs one request through tr; a context bounds it so that a leaked
// slot fails the test instead of hanging it.
func send(t *testing.T, tr *Transport, ctx context.Context) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.twilio.com/x", nil)
	if err != nil {
		return nil, err
	}
	return tr.RoundTrip(req)
}

// mustSend is send that expects success within 10 s.
func mustSend(t *testing.T, tr *Transport) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	resp, err := send(t, tr, ctx)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	return resp
}

// goSend is mustSend for goroutines other than the test's own, which must
// not call t.Fatal: it reads the body to EOF, closes it, and reports failure
// with t.Error.
func goSend(t *testing.T, tr *Transport) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	resp, err := send(t, tr, ctx)
	if err != nil {
		t.Errorf("RoundTrip: %v", err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// eventually polls cond until it holds or 10 s pass. It waits for goroutines
// to reach a state; it does not measure speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for stop := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(stop) {
			t.Fatalf("gave up waiting: %s", what)
		}
	}
}

func TestInFlightCapHonoured(t *testing.T) {
	t.Parallel()
	const capacity, senders = 3, 12
	base := &fakeBase{hold: make(chan struct{})}
	tr := NewTransport(base, Config{MaxInFlight: capacity})
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() { goSend(t, tr) })
	}
	// Every sender is accounted for: capacity inside the base transport,
	// which holds them, and the rest waiting for a slot, which none can
	// get until one is given back. A broken cap never gets here.
	eventually(t, "cap reached, the rest waiting for a slot", func() bool {
		_, cur, _ := base.counts()
		return cur == capacity && tr.Stats().WaitingForSlot == senders-capacity
	})
	close(base.hold)
	wg.Wait()
	calls, _, most := base.counts()
	if calls != senders || most != capacity {
		t.Errorf("base saw %d calls, at most %d at once; want %d, %d", calls, most, senders, capacity)
	}
	want := Stats{Started: senders, InFlight: 0, MaxInFlight: capacity, Cap: capacity}
	if got := tr.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

// TestBodyReleasesSlotOnce holds the only slot with an open response body,
// finishes the body in several ways, and checks that the slot comes back
// once: a second finish must not free the slot of a later request.
func TestBodyReleasesSlotOnce(t *testing.T) {
	t.Parallel()
	finishes := map[string]func(io.ReadCloser){
		"close": func(b io.ReadCloser) { b.Close() },
		"read":  func(b io.ReadCloser) { io.Copy(io.Discard, b) },
		"read+close": func(b io.ReadCloser) {
			io.Copy(io.Discard, b)
			b.Close()
		},
		"concurrent close": func(b io.ReadCloser) {
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() { b.Close() })
			}
			wg.Wait()
		},
	}
	for name, finish := range finishes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr := NewTransport(&fakeBase{}, Config{MaxInFlight: 1})
			first := mustSend(t, tr)
			assertSlotTaken(t, tr, "while the first body is open")
			finish(first.Body)
			if got := tr.Stats().InFlight; got != 0 {
				t.Fatalf("InFlight = %d after finishing the body, want 0", got)
			}
			second := mustSend(t, tr)
			finish(first.Body) // again: must not free second's slot
			first.Body.Close()
			assertSlotTaken(t, tr, "after finishing the first body again")
			if got := tr.Stats().InFlight; got != 1 {
				t.Errorf("InFlight = %d with the second body open, want 1", got)
			}
			second.Body.Close()
		})
	}
}

// assertSlotTaken checks that the only slot of tr is taken: its semaphore
// is full, so the next request would wait. (Reading the semaphore, rather
// than timing a request out, cannot pass because a request was slow.)
func assertSlotTaken(t *testing.T, tr *Transport, when string) {
	t.Helper()
	if held, size := tr.slots.counts(); held != size {
		t.Fatalf("%d of %d slots taken %s; want the only one taken", held, size, when)
	}
}

func TestBaseErrorReleasesSlot(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection refused")
	tr := NewTransport(&fakeBase{err: boom}, Config{MaxInFlight: 1})
	for i := range 3 {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		_, err := send(t, tr, ctx)
		cancel()
		if !errors.Is(err, boom) {
			t.Fatalf("request %d: err = %v, want %v", i, err, boom)
		}
	}
	if got, want := tr.Stats(), (Stats{Started: 3, MaxInFlight: 1, Cap: 1}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

// TestContextEndsWait ends a request's context while it waits for a slot or
// a token, and checks the error, that nothing was sent, and that the slot and
// the token came back.
func TestContextEndsWait(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		forToken bool // wait for a token; otherwise for a slot
		deadline bool // end by deadline; otherwise by cancel
		want     error
	}{
		{"slot/cancel", false, false, context.Canceled},
		{"slot/deadline", false, true, context.DeadlineExceeded},
		{"token/cancel", true, false, context.Canceled},
		{"token/deadline", true, true, context.DeadlineExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{t: time.Now()} // frozen: the second token is 100 s away
			base := &fakeBase{}
			tr := NewTransport(base, Config{RPS: 0.01, MaxInFlight: 1})
			tr.now = clock.Now
			first := mustSend(t, tr) // takes the only token of the burst
			if tc.forToken {
				first.Body.Close()
			}
			ctx, cancel := context.WithCancel(t.Context())
			if tc.deadline {
				ctx, cancel = context.WithTimeout(t.Context(), 20*time.Millisecond)
			}
			defer cancel()
			body, errc := post(tr, ctx)
			if tc.forToken && !tc.deadline {
				eventually(t, "token reserved", func() bool { return tr.pace.tokensAt(clock.Now()) < -0.5 })
			}
			if !tc.deadline {
				cancel()
			}
			if err := <-errc; !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want one wrapping %v", err, tc.want)
			}
			first.Body.Close()
			assertNothingLeaked(t, tr, base, body, clock.Now())
		})
	}
}

// post starts a POST with a tracked body through tr and returns the body and
// where RoundTrip's error will arrive.
func post(tr *Transport, ctx context.Context) (*trackedBody, <-chan error) {
	body := &trackedBody{Reader: strings.NewReader("To=%2B15005550006")}
	errc := make(chan error, 1)
	go func() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://api.twilio.com/x", body)
		if err == nil {
			var resp *http.Response
			if resp, err = tr.RoundTrip(req); err == nil {
				resp.Body.Close()
			}
		}
		errc <- err
	}()
	return body, errc
}

func assertNothingLeaked(t *testing.T, tr *Transport, base *fakeBase, body *trackedBody, now time.Time) {
	t.Helper()
	if calls, _, _ := base.counts(); calls != 1 {
		t.Errorf("base transport called %d times, want 1 (the first request only)", calls)
	}
	if !body.isClosed() {
		t.Error("request body not closed")
	}
	if n, _ := tr.slots.counts(); n != 0 {
		t.Errorf("%d slots still taken, want 0", n)
	}
	if tokens := tr.pace.tokensAt(now); tokens < -1e-9 {
		t.Errorf("tokens = %v after giving up, want 0 (the token was not given back)", tokens)
	}
}

// TestSlotBeforeToken checks that requests queued for a slot hold no token.
// If they did, a backlog holding tokens would go out together once slots
// freed up, and one second could see more than the budget.
func TestSlotBeforeToken(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: t0}
	tr := NewTransport(&fakeBase{}, Config{RPS: 50, MaxInFlight: 1})
	tr.now = clock.Now
	first := mustSend(t, tr)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { goSend(t, tr) })
	}
	eventually(t, "three requests waiting for the slot", func() bool { return tr.Stats().WaitingForSlot == 3 })
	if tokens := tr.pace.tokensAt(clock.Now()); tokens != 0 {
		t.Errorf("tokens = %v while three requests wait for the slot, want 0", tokens)
	}
	clock.Advance(time.Second) // lets the three go without a real wait
	first.Body.Close()
	wg.Wait()
	if got := tr.Stats(); got.Started != 4 || got.MaxInFlight != 1 {
		t.Errorf("Stats() = %+v, want 4 started, at most 1 in flight", got)
	}
}

// TestOnDeparture: the hook hears of every request that leaves, at the
// instant the window counted it, and of none that did not.
func TestOnDeparture(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: t0}
	tr := NewTransport(&fakeBase{}, Config{RPS: 50, Burst: 1, MaxInFlight: 1})
	tr.now = clock.Now
	var got []time.Duration
	var paths []string
	tr.OnDeparture(func(req *http.Request, at time.Time) {
		got, paths = append(got, at.Sub(t0)), append(paths, req.URL.Path)
	})
	first := mustSend(t, tr)
	clock.Advance(time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := send(t, tr, ctx); err == nil { // never leaves: no slot, no context
		t.Fatal("a request with a canceled context was sent")
	}
	first.Body.Close()
	mustSend(t, tr).Body.Close()
	if want := []time.Duration{0, time.Second}; !slices.Equal(got, want) || len(paths) != 2 || paths[0] != "/x" {
		t.Errorf("departures at %v for %v, want two at %v for /x", got, paths, want)
	}
}
