package twiliosim

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// NoFaultsHeader, set to "1" on a request, exempts it from fault injection,
// so a test can read state back (or write fixtures) reliably while faults
// are on.
const NoFaultsHeader = "X-Twiliosim-No-Faults"

// Fault defaults (Config.Fail500AfterApply, Config.TimeoutHold) and the
// Retry-After a 429 carries, in seconds.
const (
	defaultAfterApply  = 0.5
	defaultTimeoutHold = 30 * time.Second
	retryAfterSeconds  = 1
)

// FaultCounts says how many requests a Server answered with an injected
// fault. Applied counts the faulted writes that took effect before the
// fault was answered (the row was created, updated or deleted); NotApplied
// counts the rest, reads included. A 429 is never applied.
type FaultCounts struct {
	Fail429           int
	Fail500Applied    int
	Fail500NotApplied int
	TimeoutApplied    int
	TimeoutNotApplied int
}

// faultKind is what a request's draw decided.
type faultKind int

const (
	noFault faultKind = iota
	fault429
	fault500
	faultTimeout
)

// faults draws the fate of each eligible request from its own seeded
// source, so turning faults on does not change the SIDs a seed produces. It
// is safe for concurrent use.
type faults struct {
	p429, p500, pTimeout float64 // cumulative thresholds: 429 below the first, 500 below the second, ...
	apply                float64 // the probability that a faulted write takes effect
	hold                 time.Duration

	mu     sync.Mutex
	rng    *rand.Rand
	counts FaultCounts
}

func newFaults(cfg Config) *faults {
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	f := &faults{
		p429:  fraction(cfg.Fail429),
		apply: cfg.Fail500AfterApply,
		hold:  cfg.TimeoutHold,
		rng:   rand.New(rand.NewPCG(seed, seed^0xbf58476d1ce4e5b9)), // another stream than the SIDs'
	}
	f.p500 = f.p429 + fraction(cfg.Fail500)
	f.pTimeout = f.p500 + fraction(cfg.FailTimeout)
	switch {
	case f.apply == 0:
		f.apply = defaultAfterApply
	case f.apply < 0:
		f.apply = 0
	}
	if f.hold <= 0 {
		f.hold = defaultTimeoutHold
	}
	return f
}

// fraction is x within 0..1; NaN counts as 0.
func fraction(x float64) float64 {
	if !(x > 0) {
		return 0
	}
	return min(x, 1)
}

// on reports whether any fault may be drawn.
func (f *faults) on() bool { return f.pTimeout > 0 }

// draw decides one request's fault and whether, if it is a write, it takes
// effect first. Every draw takes two numbers, so the sequence of outcomes
// depends only on the order of requests, not on their kinds.
func (f *faults) draw() (faultKind, bool) {
	f.mu.Lock()
	u, v := f.rng.Float64(), f.rng.Float64()
	f.mu.Unlock()
	apply := v < f.apply
	switch {
	case u < f.p429:
		return fault429, false
	case u < f.p500:
		return fault500, apply
	case u < f.pTimeout:
		return faultTimeout, apply
	}
	return noFault, false
}

func (f *faults) count(kind faultKind, applied bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &f.counts
	switch {
	case kind == fault429:
		c.Fail429++
	case kind == fault500 && applied:
		c.Fail500Applied++
	case kind == fault500:
		c.Fail500NotApplied++
	case kind == faultTimeout && applied:
		c.TimeoutApplied++
	case kind == faultTimeout:
		c.TimeoutNotApplied++
	}
}

// FaultCounts returns how many faults the server has injected so far.
func (s *Server) FaultCounts() FaultCounts {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.counts
}

// runFaulty runs an admitted call, unless its draw injects a fault: then a
// write may take effect first (its answer is lost) and the fault is the
// answer. A faulted read never runs.
func (s *Server) runFaulty(r *http.Request, c *call) reply {
	if !s.faults.on() || r.Header.Get(NoFaultsHeader) == "1" {
		return s.run(c)
	}
	kind, apply := s.faults.draw()
	if kind == noFault {
		return s.run(c)
	}
	applied := false
	if apply && c.writes() {
		applied = s.run(c).status < http.StatusMultipleChoices
	}
	s.faults.count(kind, applied)
	switch kind {
	case fault429:
		e := &apiError{status: http.StatusTooManyRequests, code: 20429, message: "Too Many Requests"}
		return reply{status: e.status, body: e.body(), retryAfter: strconv.Itoa(retryAfterSeconds)}
	case fault500:
		return errorReply(&apiError{status: http.StatusInternalServerError, code: 20500, message: "Internal Server Error"})
	}
	return reply{drop: true}
}

// writes reports whether c's operation may change rows: create, update or
// delete. Reads (list, fetch) are left alone by faults, even those that
// create rows on demand.
func (c *call) writes() bool { return c.op.name != "list" && c.op.name != "fetch" }

// drop holds a timed-out request without answering until
// Config.TimeoutHold has passed or the client has gone (its context is
// done), logs it with status 0, and aborts the response: the client sees
// its own timeout, or the connection closing with no answer.
func (s *Server) drop(r *http.Request, entry Request) {
	pause(r.Context(), s.faults.hold)
	entry.Status = 0
	s.record(entry)
	// net/http's sentinel for "end this handler without a response"
	// (httputil.ReverseProxy aborts the same way): the server recovers it,
	// closes the connection and logs nothing. It is control flow, not a
	// crash, and the only way to answer nothing over HTTP/1 and HTTP/2 alike.
	panic(http.ErrAbortHandler)
}

// pause waits for d, or until ctx is done.
func pause(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
