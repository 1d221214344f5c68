package limiter

import (
	"math"
	"sync"
	"time"
)

// The in-flight cap in force follows Little's law: a budget of r requests/s
// whose requests hold their slot for L seconds after they leave needs r × L
// slots. On top of that the cap keeps room for requests waiting for their
// token (slots come first, see the package doc): if none waits when a token
// falls due, the token is lost. Hence
//
//	cap = ⌈adaptHeadroom × r × (L + adaptJitter)⌉, kept within [MinInFlight, MaxInFlight]
//
// with r the budget's rate in force (lower during a 429 penalty) and L the
// smoothed hold time.
const (
	// adaptHeadroom leaves half as many slots again waiting for tokens as
	// are at Twilio, so that responses slower than the mean, or released
	// late by a busy machine, do not leave the pacer without a taker.
	adaptHeadroom = 1.5
	// adaptJitter is added to L because at low latency the hold time is
	// mostly scheduling, whose stalls (GC, a busy core) last milliseconds
	// whatever the mean: at 2 500 requests/s it keeps some 75 slots more.
	// With 10 ms, cmd/bench at 100 nodes and no latency ran 2-4 % below
	// the fixed cap of 100 on a busy 2-core machine.
	adaptJitter = 20 * time.Millisecond
	// adaptPeriod is how often the estimate and the cap are updated: the
	// hold times of a period are averaged first, so that the estimate moves
	// by time, not by request count, at any rate.
	adaptPeriod = 100 * time.Millisecond
	// adaptRise and adaptFall weigh a period's mean into the estimate when
	// it is above and below it. Rising fast costs nothing (the upper bound
	// still holds) and lets the rate through when Twilio slows down;
	// falling slowly (a time constant of about a second) keeps one quick
	// period from starving the next.
	adaptRise = 0.5
	adaptFall = 0.1
	// othersLapse is how long a report of other clients' requests
	// (ConcurrencyHeader) holds when no newer one comes: they finish, and
	// a response without the header says nothing about them.
	othersLapse = 5 * time.Second
	// straggleAfter and straggleFactor say when a request still in flight
	// is a straggler: once it has held its slot for straggleFactor times
	// the estimate (plus adaptJitter), and at least straggleAfter.
	straggleAfter  = 250 * time.Millisecond
	straggleFactor = 4
)

// Stragglers. The estimate is a mean of the hold times of requests that
// have finished, so it cannot see the requests that hang: when a few in a
// hundred hang until their timeout while the rest answer in a millisecond,
// the estimate stays near the millisecond, the cap stays near its floor,
// and the hanging requests take every slot of it. Throughput then falls
// to the cap over the timeout (10 slots over 15 s: under a task a second),
// and the tasks queued behind them reach their deadline unsent, again and
// again on every redelivery, until Pub/Sub dead-letters them (what
// cmd/chaos showed, with 2 % of requests held 20 s). So the cap in force
// is the adaptive cap plus the stragglers, still never above the bound:
// a hanging request stops counting against the slots the rate needs, and
// only the account's limit holds it. With no straggler this is the
// adaptive cap; with many, it is the bound, as a fixed cap would be.

// ConcurrencyHeader is the response header in which Twilio reports the
// account's requests in flight, this worker's included. An adaptive cap
// leaves room for the others: it stays within MaxInFlight minus the
// requests of other clients (other replicas, other programs) of the
// account, so that together they keep under the account's limit.
const ConcurrencyHeader = "Twilio-Concurrent-Requests"

// adaptive estimates how long a request holds its in-flight slot once it has
// left the limiter: Twilio's response time plus reading the body. The wait
// for a slot or a token is left out on purpose: it grows with the cap, and
// counting it would let the cap feed itself up to the bound.
//
// It is safe for concurrent use.
type adaptive struct {
	mu      sync.Mutex
	latency time.Duration // the estimate; valid once seen
	seen    bool
	start   time.Time     // of the current period
	sum     time.Duration // hold times in the current period
	n       int

	// others estimates how many of the account's requests in flight are
	// other clients', from the reports up to othersAt; periodOthers is the
	// most reported in the current period, if reported.
	others       float64
	othersAt     time.Time
	periodOthers int
	reported     bool

	// ages counts the requests in flight by when they left, for stragglers;
	// epoch is the origin of its periods, the first departure.
	ages  ages
	epoch time.Time
}

// agesRing is how many periods ages tells apart (6.4 s); requests that left
// earlier are counted together.
const agesRing = 64

// ages counts requests in flight by the adaptPeriod in which they left.
// A request of period p is always counted either in ring[p%agesRing],
// while that bucket holds p, or in old.
type ages struct {
	ring [agesRing]struct {
		period int64
		n      int
	}
	old    int   // in flight, and left agesRing periods or more before latest
	latest int64 // the latest period added
}

// add counts a departure in period p.
func (g *ages) add(p int64) {
	g.latest = max(g.latest, p)
	b := &g.ring[p%agesRing]
	switch {
	case b.period > p:
		// A departure recorded late (its goroutine stalled for the whole
		// ring's span): its bucket already holds a newer period.
		g.old++
		return
	case b.period < p:
		g.old += b.n // a period older than the ring now holds
		b.period, b.n = p, 0
	}
	b.n++
}

// remove uncounts a request that left in period p.
func (g *ages) remove(p int64) {
	if b := &g.ring[p%agesRing]; b.period == p && b.n > 0 {
		b.n--
	} else if g.old > 0 {
		g.old--
	}
}

// atOrBefore counts the requests in flight that left in period p or
// before. The requests in old left at latest − agesRing or before, but
// when exactly is forgotten: they count only when p is at least that
// late, so a request is never counted before its time (undercounting is
// harmless).
func (g *ages) atOrBefore(p int64) int {
	n := 0
	if p >= g.latest-agesRing {
		n = g.old
	}
	for _, b := range g.ring {
		if b.period <= p {
			n += b.n
		}
	}
	return n
}

// period is the adaptPeriod of instant at, counted from the first
// departure. a.mu must be held.
func (a *adaptive) period(at time.Time) int64 {
	if a.epoch.IsZero() {
		a.epoch = at
	}
	return int64(max(at.Sub(a.epoch), 0) / adaptPeriod)
}

// depart records that a request left at at and now holds a slot.
func (a *adaptive) depart(at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ages.add(a.period(at))
}

// stragglers counts the requests in flight at now that have held their
// slot for long enough to be stragglers (see above). a.mu must be held.
func (a *adaptive) stragglers(now time.Time) int {
	after := max(straggleAfter, straggleFactor*(a.latency+adaptJitter))
	cutoff := now.Add(-after)
	if a.epoch.IsZero() || cutoff.Before(a.epoch) {
		return 0
	}
	// Only requests of whole periods at or before the cutoff count: one
	// that left within the cutoff's own period may be younger than after.
	return a.ages.atOrBefore(a.period(cutoff) - 1)
}

// current returns the estimate, the other clients' requests in flight and
// the stragglers at now, between periods: what the cap needs when no
// request finishes, because all that would are hanging.
func (a *adaptive) current(now time.Time) (latency time.Duration, others, stragglers int, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.seen {
		return 0, 0, 0, false
	}
	others = int(math.Ceil(a.others))
	if !a.reported && now.Sub(a.othersAt) >= othersLapse {
		others = 0 // as updateOthers would forget them, were a period to end
	}
	return a.latency, others, a.stragglers(now), true
}

// observe records that the request that left at sent gave its slot back
// at now. At the end of each period it returns the updated estimate, the
// other clients' requests in flight, the stragglers, and true.
func (a *adaptive) observe(now, sent time.Time) (latency time.Duration, others, stragglers int, due bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ages.remove(a.period(sent))
	if a.n == 0 {
		a.start = now
	}
	a.sum += max(now.Sub(sent), 0)
	a.n++
	if now.Sub(a.start) < adaptPeriod {
		return 0, 0, 0, false
	}
	mean := a.sum / time.Duration(a.n)
	a.sum, a.n = 0, 0
	a.latency = smooth(a.latency, mean, a.seen)
	a.seen = true
	a.updateOthers(now)
	return a.latency, int(math.Ceil(a.others)), a.stragglers(now), true
}

// updateOthers weighs the period's report of other clients into their
// estimate: up at once, down a tenth a period. Falling slowly damps the
// see-saw of two replicas that each make room for the other: both shrink,
// report less, and would both grow again together.
func (a *adaptive) updateOthers(now time.Time) {
	switch {
	case a.reported && float64(a.periodOthers) >= a.others:
		a.others = float64(a.periodOthers)
	case a.reported:
		a.others += adaptFall * (float64(a.periodOthers) - a.others)
		// The decay only approaches the report; without the snap the
		// ceiling of 3.0000000000000018 would cost a slot for good.
		if a.others-float64(a.periodOthers) < 0.5 {
			a.others = float64(a.periodOthers)
		}
	case now.Sub(a.othersAt) >= othersLapse:
		a.others = 0
		return
	default:
		return
	}
	a.othersAt, a.reported = now, false
}

// reportOthers records that Twilio counted n of the account's requests in
// flight while mine of them were this worker's. The most reported in a
// period counts: the cap must leave room for the others at their busiest.
func (a *adaptive) reportOthers(n, mine int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	o := max(n-mine, 0)
	if !a.reported || o > a.periodOthers {
		a.periodOthers = o
	}
	a.reported = true
}

// smooth weighs a period's mean into the estimate est; the first period
// replaces the starting guess outright.
func smooth(est, mean time.Duration, seen bool) time.Duration {
	if !seen {
		return mean
	}
	w := adaptFall
	if mean > est {
		w = adaptRise
	}
	return est + time.Duration(w*float64(mean-est))
}

// adaptiveCap is the cap the budget's rate rps needs at hold time latency
// (see the formula above), within [lo, hi]. Without a rate limit (rps +Inf,
// zero or NaN) Little's law gives no answer and the cap is hi.
func adaptiveCap(rps float64, latency time.Duration, lo, hi int) int {
	if !(rps > 0) || math.IsInf(rps, 1) {
		return hi
	}
	need := math.Ceil(adaptHeadroom * rps * (latency + adaptJitter).Seconds())
	if need >= float64(hi) {
		return hi
	}
	return max(int(need), lo)
}
