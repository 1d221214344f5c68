package limiter

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateSlack is the fraction shaved off the configured rate. rate.Limiter
// truncates every wait to whole nanoseconds and keeps tokens in float64, so
// at exactly r requests/s the grant r places after another can land a
// nanosecond short of one second and share its window. A millionth of the
// rate buys a microsecond per second of margin, far above that rounding, and
// costs one request in eleven days at 1 request/s.
const rateSlack = 1e-6

// minPenalty is the lowest factor Penalize applies. A zero rate would make
// rate.Limiter schedule requests at the end of time.
const minPenalty = 0.01

// pacer is the token arithmetic behind Transport: a rate.Limiter plus the
// penalty that temporarily lowers its rate. Every method takes the instant it
// acts at, so tests drive it with fixed instants the way x/time/rate's own
// tests do.
//
// All limiter calls happen under mu, because retarget needs several of them
// to look atomic to concurrent reservations.
type pacer struct {
	mu     sync.Mutex
	lim    *rate.Limiter
	full   rate.Limit // rate outside a penalty
	until  time.Time  // end of the current penalty; zero when none
	latest time.Time  // latest instant handed to lim
}

func newPacer(rps float64, burst int) *pacer {
	full := rate.Inf
	if rps > 0 && !math.IsInf(rps, 1) {
		full = rate.Limit(rps * (1 - rateSlack))
	}
	return &pacer{lim: rate.NewLimiter(full, max(burst, 1)), full: full}
}

// reserve takes one token at now. The caller may act at
// now + r.DelayFrom(now), or must give the token back with cancel.
func (p *pacer) reserve(now time.Time) *rate.Reservation {
	p.mu.Lock()
	defer p.mu.Unlock()
	now = p.monotonic(now)
	if !p.until.IsZero() && !now.Before(p.until) {
		p.until = time.Time{}
		p.retarget(now, p.full)
	}
	return p.lim.ReserveN(now, 1)
}

// cancel returns the token of a reservation whose holder gave up at now. The
// limiter restores it only if no later reservation depends on it.
func (p *pacer) cancel(r *rate.Reservation, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r.CancelAt(p.monotonic(now))
}

// penalize runs the limiter at factor × the full rate from now until
// now + d, replacing any penalty in force. factor is clamped to
// [minPenalty, 1]; a NaN factor or a non-positive d does nothing.
func (p *pacer) penalize(now time.Time, factor float64, d time.Duration) {
	if math.IsNaN(factor) || d <= 0 {
		return
	}
	factor = min(max(factor, minPenalty), 1)
	p.mu.Lock()
	defer p.mu.Unlock()
	now = p.monotonic(now)
	p.until = now.Add(d)
	p.retarget(now, p.full*rate.Limit(factor))
}

// limit reports the rate in force, in requests per second.
func (p *pacer) limit() rate.Limit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lim.Limit()
}

// tokensAt reports the tokens available at now; negative values are the
// debt of queued requests.
func (p *pacer) tokensAt(now time.Time) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lim.TokensAt(now)
}

// monotonic returns now, or the latest instant already handed to the
// limiter if that is later. Goroutines read the clock before they take p.mu,
// so instants arrive slightly out of order; rate.Limiter then moves its
// clock back and credits the same stretch of time twice, letting the next
// request out early. p.mu must be held.
func (p *pacer) monotonic(now time.Time) time.Time {
	if now.Before(p.latest) {
		return p.latest
	}
	p.latest = now
	return now
}

// retarget switches the limiter to rate `to` at now. p.mu must be held.
//
// Requests already queued keep their instants, and the first request at the
// new rate follows the last of them by 1/to. rate.Limiter.SetLimitAt alone
// would instead convert the queue's debt (negative tokens) at the new rate:
// after a rise, new requests would be scheduled while the queued ones still
// leave at the old pace, together exceeding the budget; after a fall, the
// limiter would sit idle long after the queue has drained. So retarget starts
// a limiter at the new rate and charges it the debt the queue is worth at
// that rate. Reservations from the old limiter can no longer give their
// token back, which only errs on the slow side.
func (p *pacer) retarget(now time.Time, to rate.Limit) {
	from := p.lim.Limit()
	if to == from {
		return
	}
	tokens := p.lim.TokensAt(now)
	if tokens < 0 {
		// The queue drains at now + debt/from; at the new rate that
		// span is worth debt × to/from tokens.
		tokens *= float64(to / from)
	}
	burst := p.lim.Burst()
	p.lim = rate.NewLimiter(to, burst) // starts with a full bucket
	p.owe(now, int(math.Ceil(float64(burst)-tokens)))
}

// owe takes n tokens at now without using them. rate.Limiter has no setter
// for its tokens; a reservation that is never used or cancelled has the same
// effect, with the burst lifted for the moment so that one reservation can
// take n. Rounding n up errs on the slow side by less than one request.
// p.mu must be held.
func (p *pacer) owe(now time.Time, n int) {
	if n <= 0 {
		return
	}
	burst := p.lim.Burst()
	if n > burst {
		p.lim.SetBurstAt(now, n)
	}
	p.lim.ReserveN(now, n)
	p.lim.SetBurstAt(now, burst)
}
