package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/limiter"
	"github.com/connectorworks/twilio-worker/internal/metrics"
	"github.com/connectorworks/twilio-worker/internal/poolbudget"
)

// stackOption adds an optional part to twilioStack: a shared budget,
// metrics. worker local and the tests pass none.
type stackOption func(*stackOptions)

type stackOptions struct {
	budget  limiter.Budget
	metrics *metrics.Metrics
}

func withBudget(b limiter.Budget) stackOption    { return func(o *stackOptions) { o.budget = b } }
func withMetrics(m *metrics.Metrics) stackOption { return func(o *stackOptions) { o.metrics = m } }

func applyStackOptions(opts []stackOption) stackOptions {
	var o stackOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}

// openBudget opens the pool's shared budget named by --budget-store, or
// returns nil for the local one. Replicas share it when they share the
// account SID and the connection name.
func openBudget(ctx context.Context, cfg *Config, log *zap.Logger) (*poolbudget.Budget, error) {
	if cfg.BudgetStore == "local" || cfg.BudgetStore == "" {
		return nil, nil
	}
	rps := limiter.ForNodes(cfg.Nodes).RPS
	b, err := poolbudget.Open(ctx, cfg.BudgetStore, poolbudget.Key(cfg.AccountSID, cfg.ConnectionName), rps, log)
	if err != nil {
		// Its form was checked with the configuration; what fails here is
		// the server, which a restart may find fixed: status 1.
		return nil, fmt.Errorf("--budget-store / BUDGET_STORE: %w", err)
	}
	log.Info("sharing the rate budget through Redis", zap.Float64("pool_requests_per_second", rps))
	return b, nil
}

// observe hooks the limiter's gauges and waits into the metrics.
func (o stackOptions) observe(lim *limiter.Transport) {
	if o.metrics == nil {
		return
	}
	lim.OnWait(o.metrics.BudgetWait)
	o.metrics.GaugeFunc("budget_requests_per_second",
		"The rate budget in force, in requests/s (the pool's, with a shared budget), after any 429 slow-down.",
		lim.Limit)
	o.metrics.GaugeFunc("twilio_inflight_requests", "Twilio requests sent whose response is not yet read.",
		func() float64 { return float64(lim.Stats().InFlight) })
	o.metrics.GaugeFunc("twilio_inflight_cap",
		"The cap on Twilio requests in flight in force: the rate budget × Twilio's observed response time, with headroom, up to MAX_IN_FLIGHT.",
		func() float64 { return float64(lim.Stats().Cap) })
}

// countRequests wraps the transport below the limiter, so it sees exactly
// the requests that leave.
func (o stackOptions) countRequests(next http.RoundTripper) http.RoundTripper {
	if o.metrics == nil {
		return next
	}
	return &countingTransport{next: next, m: o.metrics}
}

type countingTransport struct {
	next http.RoundTripper
	m    *metrics.Metrics
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := c.next.RoundTrip(req)
	status := 0
	if err == nil && resp != nil {
		status = resp.StatusCode
	}
	c.m.TwilioRequest(req.Method, status, time.Since(start))
	return resp, err
}

// limiterBudget keeps a nil *poolbudget.Budget a nil interface (the local
// budget), not an interface holding a nil pointer.
func limiterBudget(b *poolbudget.Budget) limiter.Budget {
	if b == nil {
		return nil
	}
	return b
}
