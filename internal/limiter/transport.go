package limiter

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// Transport is an [http.RoundTripper] that holds requests back to the rate
// and in-flight cap of its [Config] before handing them to the transport it
// wraps. Requests wait in line rather than fail; only their own context ends
// the wait.
//
// A Transport is safe for concurrent use. Build it with [NewTransport]; the
// zero value is not usable.
type Transport struct {
	base   http.RoundTripper
	pace   *pacer     // the local budget; unused when budget is shared
	budget Budget     // where tokens come from: pace, or Config.Budget
	window *window    // nil with a shared budget (see Token.Within)
	slots  *semaphore // the in-flight cap; nil when uncapped
	adapt  *adaptive  // nil when the cap is fixed
	// minSlots and maxSlots bound the cap in force when it adapts.
	minSlots, maxSlots int
	now                func() time.Time
	stats              stats
	// departed, when set, hears of each request as it leaves (OnDeparture).
	departed func(req *http.Request, at time.Time)
	// waited, when set, hears how long each request waited for its turn
	// (OnWait).
	waited func(d time.Duration)
	// watching is set while a goroutine recomputes the adaptive cap for
	// requests waiting for a slot (watchStragglers).
	watching atomic.Bool
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport that limits requests to cfg and sends them
// with base. A nil base means [http.DefaultTransport]. Size base's idle
// connection pool (MaxIdleConnsPerHost) to cfg.MaxInFlight, or most requests
// will open a new connection.
//
// When 0 < cfg.MinInFlight < cfg.MaxInFlight the cap in force adapts to
// the rate in force and the observed response time (see adaptiveCap). It
// starts at cfg.MaxInFlight: the bound is by definition what the account
// allows, and the limiter lets requests out only at the budget's rate, so
// before the first responses come back no more are in flight than that rate
// times their latency would need anyway. Starting low would instead hold the
// rate back at every start while Twilio is slow, which is when it matters.
func NewTransport(base http.RoundTripper, cfg Config) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	pace := newPacer(cfg.RPS, cfg.Burst)
	t := &Transport{
		base:   base,
		pace:   pace,
		budget: pace,
		window: newWindow(pace.full, cfg.Burst),
		now:    time.Now,
	}
	if cfg.Budget != nil {
		t.budget, t.window = cfg.Budget, nil
	}
	if cfg.MaxInFlight > 0 {
		t.slots = newSemaphore(cfg.MaxInFlight)
	}
	if cfg.MinInFlight > 0 && cfg.MinInFlight < cfg.MaxInFlight {
		t.adapt = &adaptive{}
		t.minSlots, t.maxSlots = cfg.MinInFlight, cfg.MaxInFlight
	}
	return t
}

// RoundTrip waits for an in-flight slot and then for a token, and sends req
// with the wrapped transport. On rare occasions it waits a little longer so
// that scheduling delays cannot put more than the budget into one second
// (see window).
//
// The slot stays taken until the response body is closed or read to EOF, or
// is given back at once when the wrapped transport fails. If req's context
// ends while the request waits, or the next token would come after its
// deadline, RoundTrip returns an error wrapping [context.Canceled] or
// [context.DeadlineExceeded] without sending req, and gives back the slot and
// the token.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := t.acquire(ctx); err != nil {
		closeRequestBody(req)
		return nil, err
	}
	at, err := t.waitTurn(ctx)
	if err != nil {
		t.releaseSlot()
		closeRequestBody(req)
		return nil, err
	}
	if t.departed != nil {
		t.departed(req, at)
	}
	if t.adapt != nil {
		t.adapt.depart(at)
	}
	t.stats.begin()
	resp, err := t.base.RoundTrip(req)
	if err == nil && resp != nil {
		t.noteConcurrency(resp.Header)
	}
	if err != nil || resp == nil || resp.Body == nil {
		t.finish(at)
		return resp, err
	}
	resp.Body = &releasingBody{rc: resp.Body, t: t, sent: at}
	return resp, nil
}

// Penalize runs the transport at factor × Config.RPS for d, then returns to
// the full rate; call it after Twilio answers 429. The latest call replaces
// any penalty in force. factor is clamped to [0.01, 1]; a NaN factor or a
// non-positive d does nothing. Requests already waiting keep their turn.
// Penalize is safe for concurrent use and does nothing without a rate limit.
func (t *Transport) Penalize(factor float64, d time.Duration) {
	t.budget.Penalize(t.now(), factor, d)
}

// Limit reports the budget's rate in force, in requests per second, after
// any penalty (+Inf when unlimited). Safe for concurrent use.
func (t *Transport) Limit() float64 { return t.budget.Limit() }

// OnWait makes t call f with how long each request that leaves waited for
// its token and window (not for its in-flight slot). Call it before t is
// used; f must be quick.
func (t *Transport) OnWait(f func(d time.Duration)) {
	t.waited = f
}

// OnDeparture makes t call f with each request as it leaves for the wrapped
// transport, and the instant its one-second window counted it at: the
// instants the budget is kept for (see the package doc). f runs on the
// request's goroutine and must be quick. Call OnDeparture before t is used.
func (t *Transport) OnDeparture(f func(req *http.Request, at time.Time)) {
	t.departed = f
}

// acquire takes an in-flight slot, or fails when ctx ends first.
func (t *Transport) acquire(ctx context.Context) error {
	if t.slots == nil || t.slots.tryAcquire() {
		return nil
	}
	// All taken: wait, and be counted as waiting.
	t.stats.waiting(1)
	defer t.stats.waiting(-1)
	t.watchStragglers()
	if err := t.slots.acquire(ctx); err != nil {
		return fmt.Errorf("limiter: waiting for an in-flight slot: %w (%w)", err, codes.ErrNotSent)
	}
	return nil
}

func (t *Transport) releaseSlot() {
	if t.slots != nil {
		t.slots.release()
	}
}

// finish ends a request that left at sent and reached the wrapped
// transport.
func (t *Transport) finish(sent time.Time) {
	t.stats.end()
	t.adjustCap(sent)
	t.releaseSlot()
}

// adjustCap feeds the time the slot was held since sent to the estimate,
// and resizes the cap when a period ends. It runs before the slot is given
// back, so a cap that shrinks is not first exceeded by one more grant.
func (t *Transport) adjustCap(sent time.Time) {
	if t.adapt == nil {
		return
	}
	latency, others, stragglers, due := t.adapt.observe(t.now(), sent)
	if due {
		t.resizeCap(latency, others, stragglers)
	}
}

// resizeCap sets the cap in force: what the rate needs at latency, plus
// the stragglers (see adaptive.go), within the bound less the other
// clients' requests.
func (t *Transport) resizeCap(latency time.Duration, others, stragglers int) {
	hi := max(t.maxSlots-others, t.minSlots)
	t.slots.resize(min(adaptiveCap(t.Limit(), latency, t.minSlots, hi)+stragglers, hi))
}

// watchStragglers makes sure that, while requests wait for a slot, the cap
// is recomputed every adaptPeriod. The cap otherwise changes only when a
// request finishes, and when every slot is held by a hanging request none
// finishes until its timeout, however many of them have become
// stragglers. One goroutine watches at a time, and only while someone
// waits.
func (t *Transport) watchStragglers() {
	if t.adapt == nil || !t.watching.CompareAndSwap(false, true) {
		return
	}
	go func() {
		tick := time.NewTicker(adaptPeriod)
		defer tick.Stop()
		for {
			if latency, others, stragglers, ok := t.adapt.current(t.now()); ok {
				t.resizeCap(latency, others, stragglers)
			}
			<-tick.C
			if t.stats.waitingNow() > 0 {
				continue
			}
			t.watching.Store(false)
			// A request that began to wait after the check above saw
			// watching still set: watch on for it.
			if t.stats.waitingNow() == 0 || !t.watching.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}

// noteConcurrency passes on Twilio's count of the account's requests in
// flight (ConcurrencyHeader), when the response has one, with how many of
// them are this transport's: those whose response is not yet read, this
// one included.
func (t *Transport) noteConcurrency(h http.Header) {
	if t.adapt == nil {
		return
	}
	v := h.Get(ConcurrencyHeader)
	if v == "" {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return
	}
	t.adapt.reportOthers(n, t.stats.inFlight())
}

// waitTurn waits for a token, then for room in the one-second window, and
// returns the departure instant the window counted.
func (t *Transport) waitTurn(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("limiter: %w (%w)", err, codes.ErrNotSent)
	}
	start := t.now()
	if err := t.waitToken(ctx, start); err != nil {
		return time.Time{}, err
	}
	// The token is spent by now: its instant has passed.
	at, err := t.window.wait(ctx, t.now)
	if err != nil {
		return time.Time{}, fmt.Errorf("limiter: waiting for the one-second window: %w (%w)", err, codes.ErrNotSent)
	}
	if t.waited != nil {
		t.waited(at.Sub(start))
	}
	return at, nil
}

// waitToken takes one token and sleeps until it is due. The budget checks
// the deadline up front, as rate.Limiter.Wait does, so a request that
// cannot go out in time fails at once instead of sleeping first. A token
// woken later than it allows (Token.Within) is dropped and another taken.
func (t *Transport) waitToken(ctx context.Context, now time.Time) error {
	for {
		tok, err := t.budget.Reserve(ctx, now)
		if err != nil {
			return err
		}
		// Reserve may have blocked (a shared budget's round trip): measure
		// the sleep from after it.
		if delay := tok.At.Sub(t.now()); delay > 0 {
			if err := sleep(ctx, delay); err != nil {
				t.budget.Cancel(tok, t.now())
				return fmt.Errorf("limiter: waiting for a token: %w (%w)", err, codes.ErrNotSent)
			}
		}
		if tok.Within <= 0 {
			return nil
		}
		now = t.now()
		if now.Sub(tok.At) <= tok.Within {
			return nil
		}
		t.stats.stale()
	}
}

// sleep waits for d, or returns ctx's error if ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// closeRequestBody honours the RoundTripper contract that the request body
// is closed even when the request is never sent.
func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
