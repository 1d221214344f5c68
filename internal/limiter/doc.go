// Package limiter keeps the worker's Twilio traffic inside its budget of
// nodes × 25 requests per second (docs/architecture.md, decision 1).
//
// It does so at the HTTP layer: [Transport] is an [http.RoundTripper] that
// every Twilio request crosses, so list pages, retries and bulk rows all pay
// one token and no entity code can forget the limit.
//
// # Two limits
//
// A request first takes a slot of an in-flight semaphore, then one token of a
// golang.org/x/time/rate limiter, and after the one-second check described
// below goes to the wrapped transport. The slot
// is held until the response body is closed or read to EOF. Twilio's 20429 is
// a per-account concurrency limit, which a token bucket alone cannot prevent:
// slow responses pile up at any request rate.
//
// The cap in force adapts (Config.MinInFlight): by Little's law the rate r
// needs r × L slots when each request holds its slot for L after it leaves,
// so the cap follows the rate in force and a smoothed L, with headroom for
// the requests waiting for their token, never above Config.MaxInFlight (the
// account's limit) and never below MinInFlight (see adaptiveCap). Twilio's
// count of the account's requests in flight (ConcurrencyHeader), when a
// response has it, lowers that bound by the other clients' requests.
// Requests still in flight long after L (stragglers, see adaptive.go) are
// added on top, within the bound, so that a few hanging requests cannot
// take every slot the rate needs. A shrinking cap takes no slot back; it
// stops granting until fewer are in flight.
//
// The slot comes before the token on purpose. A request that held a token
// while queued for a slot would go out later than its token said, and a
// backlog of such requests would leave together when slots free up, putting
// more than the budget into one second.
//
// # No one-second window above the budget
//
// With burst b and rate r the bucket admits up to b + r − 1 requests in some
// one-second window. [ForNodes] therefore uses burst 1: consecutive grants are
// then at least 1/r apart, and n grants need (n−1)/r seconds, so a half-open
// window [t, t+1s) holds at most r of them. The limiter runs a millionth below
// the configured rate so that nanosecond rounding in the bucket's arithmetic
// cannot add one more (see rateSlack).
//
// That holds for the instants at which tokens are granted. A request leaves
// when its goroutine next runs, and on a busy machine those delays vary enough
// to put a request or two more into some second (about 1 % more at nodes=50
// on 2 cores). A second, exact check catches that: the transport remembers
// the last r departures and holds a request back until the oldest is a second
// old (see window). The network adds its own jitter before Twilio sees a
// request; nothing here can control that.
//
// # After a 429
//
// [Transport.Penalize] lowers the rate for a while. [Slowdown] is the
// schedule the worker applies on each of Twilio's 429s: half the budget for
// 10 s, three quarters for 10 s, then the full budget. It runs on an
// injected clock, so its test steps through those 20 s exactly.
//
// # Concurrency
//
// A Transport is safe for concurrent use by multiple goroutines, like the
// transports it wraps. Its pacer and window are per process; a pool of
// replicas shares one budget through [Config.Budget] (package poolbudget
// keeps it in Redis), whose tokens bound their own lateness ([Token.Within])
// in place of the window.
package limiter
