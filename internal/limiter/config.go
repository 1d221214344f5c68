package limiter

// PerNode is the request budget of one node, in requests per second
// (docs/contract.md §3, --nodes).
const PerNode = 25

// Config sizes a [Transport].
//
// The zero Config limits nothing: no rate limit and no in-flight cap. Build
// production configurations with [ForNodes].
type Config struct {
	// RPS is the sustained request rate, in requests per second. Zero,
	// negative or NaN means no rate limit.
	RPS float64

	// Burst is how many requests may go out back to back after an idle
	// period. Zero or negative means 1. With Burst b a one-second window can
	// see up to b + RPS − 1 requests, so only 1 keeps every window within
	// RPS.
	Burst int

	// MaxInFlight caps the requests that have been sent and whose response
	// body is not yet closed or read to EOF. Zero or negative means no cap.
	MaxInFlight int

	// MinInFlight, when positive and below MaxInFlight, makes the cap
	// adapt: it follows the rate in force times the observed response time
	// (Little's law, with headroom; see adaptiveCap), never below
	// MinInFlight nor above MaxInFlight. Otherwise the cap is MaxInFlight.
	MinInFlight int

	// Budget, when set, is where tokens come from instead of a pacer of
	// RPS and Burst in this process: a budget shared by a pool of
	// replicas. The per-process one-second window is then off (it cannot
	// see the other replicas); the shared budget's tokens bound their own
	// lateness instead (Token.Within). RPS is still the full rate.
	Budget Budget
}

// Bounds of the in-flight cap chosen by ForNodes.
const (
	// DefaultMaxInFlight is Twilio's REST concurrency limit per account,
	// which is not published but observed near 100: above it Twilio answers
	// 429 with code 20429 and the request is not processed. The cap in
	// force never exceeds it.
	DefaultMaxInFlight = 100
	// minInFlight keeps a quiet or cold worker from stalling behind a few
	// slow list pages while the estimate of the response time catches up.
	minInFlight = 10
)

// ForNodes returns the configuration for a worker that holds the whole budget
// of nodes nodes: RPS nodes × 25, Burst 1 (so no one-second window exceeds
// the budget) and an in-flight cap that adapts to Twilio's response time
// between 10 and [DefaultMaxInFlight].
//
// By Little's law the budget needs RPS × response time in flight: 100
// requests at 2 500 requests/s allow 40 ms per response, so when Twilio is
// slower the bound, not the rate, limits throughput. That is deliberate:
// exceeding the account's concurrency limit earns 20429s, which cost more
// than waiting; an account known to allow more raises MaxInFlight. nodes
// below 1 are treated as 1, so a missing setting can never mean
// "unlimited"; the upper bound (100) is the caller's to validate.
func ForNodes(nodes int) Config {
	nodes = max(nodes, 1)
	return Config{
		RPS:         float64(nodes * PerNode),
		Burst:       1,
		MaxInFlight: DefaultMaxInFlight,
		MinInFlight: minInFlight,
	}
}
