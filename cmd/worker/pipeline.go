package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/clock"
	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/limiter"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// requestTimeout bounds one HTTP attempt to Twilio, below the task deadline
// so a task can see the failure and answer it.
const requestTimeout = 30 * time.Second

// twilioStack builds the shared HTTP transport to Twilio (see package
// twiliohttp for the order) and returns the limiter for its stats. opts
// add a shared budget and metrics (pool.go).
func twilioStack(cfg *Config, log *zap.Logger, opts ...stackOption) (http.RoundTripper, *limiter.Transport, error) {
	o := applyStackOptions(opts)
	var base *url.URL
	if cfg.TwilioBaseURL != twiliohttp.DefaultBaseURL {
		u, err := twiliohttp.ParseBaseURL(cfg.TwilioBaseURL)
		if err != nil {
			return nil, nil, configErr("--twilio-base-url: %v", err)
		}
		base = u
	}
	lc := limiterConfig(cfg)
	lc.Budget = o.budget
	// MarkSent below the limiter: a create is recorded as sent only once
	// it has its turn, so one still waiting when the worker dies is safe to
	// run again.
	// Idle connections for as many requests as the cap can grow to.
	lim := limiter.NewTransport(o.countRequests(twiliohttp.MarkSent(twilioBase(cfg, base, max(lc.MaxInFlight, 2)))), lc)
	logDepartures(lim, log)
	o.observe(lim)
	stack := twiliohttp.Retry(twiliohttp.BufferErrors(lim), twiliohttp.RetryConfig{
		AttemptTimeout: min(requestTimeout, cfg.TaskTimeout),
		// A 429 means Twilio's concurrency limit: slow down for a while,
		// then recover in steps.
		OnThrottle: limiter.NewSlowdown(lim, clock.Real()).Throttled,
		OnRetry:    o.metrics.Retry,
	})
	return withCredentials(cfg, stack), lim, nil
}

// logDepartures logs, at debug level only, each Twilio request as it
// leaves the limiter, at the instant the budget counts it: what the README's
// "no one-second window exceeds nodes × 25" is about, and what the
// end-to-end throttle test checks (arrival times carry the network's jitter).
func logDepartures(lim *limiter.Transport, log *zap.Logger) {
	if !log.Core().Enabled(zap.DebugLevel) {
		return
	}
	lim.OnDeparture(func(req *http.Request, at time.Time) {
		log.Debug("twilio request sent", zap.String("method", req.Method), zap.String("path", req.URL.Path),
			zap.Time("sent_at", at))
	})
}

// limiterConfig is the budget of cfg: nodes × 25 requests/s, and an
// in-flight cap that adapts to Twilio's latency up to MAX_IN_FLIGHT (100 by
// default). A bound of 10 or less, the adaptive cap's floor, is fixed.
func limiterConfig(cfg *Config) limiter.Config {
	lc := limiter.ForNodes(cfg.Nodes)
	if cfg.MaxInFlight > 0 {
		lc.MaxInFlight = cfg.MaxInFlight
		lc.MinInFlight = min(lc.MinInFlight, lc.MaxInFlight)
	}
	return lc
}

// newTaskHandler wires executor and middleware into the handler chain.
func newTaskHandler(cfg *Config, token secret.String, stack http.RoundTripper, store taskstore.Store, log *zap.Logger) handler.Func {
	factory := twiliohttp.NewFactory(cfg.AccountSID, token, stack, 0, "twilio-worker/"+version)
	exec := &entities.Executor{
		Catalogue:  entities.NewCatalogue(),
		AccountSID: cfg.AccountSID,
		Handler:    factory.Handler,
	}
	// Log outermost sees the final result; Idempotency next answers a task
	// already done from the store and records every outcome; Recover
	// innermost turns a panic into an ordinary error that Classify maps to
	// INTERNAL.
	// The lease is renewed while a task runs (handler.DefaultLease, 30 s),
	// so the tasks of a worker that died are free again within it.
	idem := handler.IdempotencyConfig{
		ResultTTL:      cfg.ResultTTL,
		InProgressWait: cfg.InProgressWait,
		TaskTimeout:    cfg.TaskTimeout,
		Canonical:      exec.Canonical,
		Logger:         log,
	}
	return handler.Chain(handler.New(exec, time.Now),
		handler.Log(log), handler.Idempotency(store, idem), handler.Classify(),
		handler.Timeout(cfg.TaskTimeout), handler.Admit(runningTasks(cfg)), handler.Recover())
}

// runningTasks is how many tasks may run the executor at once: the requests
// the in-flight cap's upper bound allows (the cap in force can grow to it
// whenever Twilio slows down), plus 40 ms of budget waiting for its tokens
// (Little's law: the cap covers the requests Twilio is answering; the queue
// in front of the limiter only needs to keep it fed). More only holds
// memory: in cmd/bench at 100 nodes, a tenth of a second ran no faster and
// held 17 MB more (each running task is a goroutine with a deep stack).
func runningTasks(cfg *Config) int {
	lc := limiterConfig(cfg)
	return lc.MaxInFlight + max(int(lc.RPS)/25, 16)
}

// openStore opens the task store named by --task-store.
func openStore(ctx context.Context, cfg *Config) (taskstore.Store, error) {
	// Task ids are the callers': deployments for different accounts that
	// share one Redis must not answer each other's tasks.
	s, err := taskstore.Open(ctx, cfg.TaskStore, time.Now, taskstore.WithKeyPrefix("twilio-worker:"+cfg.AccountSID+":task:"),
		taskstore.WithRetention(cfg.ResultTTL))
	if err != nil {
		// Its form was checked with the configuration (status 2); what
		// fails here is the server (not answering, refusing the password),
		// which a restart may find fixed: status 1.
		return nil, fmt.Errorf("--task-store / TASK_STORE: %w", err)
	}
	return s, nil
}

// serve receives tasks until ctx is cancelled, then lets the tasks in
// flight finish and publish (bounded by the shutdown grace) and flushes the
// publisher.
func serve(ctx context.Context, cfg *Config, ps *pubsub.Client, h handler.Func, log *zap.Logger) error {
	pub := ps.Publisher(cfg.ResultTopic)
	pub.PublishSettings.Timeout = publishTimeout
	defer pub.Stop()
	sub := ps.Subscriber(cfg.Subscription)
	sub.ReceiveSettings = receiveSettings(cfg)
	base, hardStop := context.WithCancel(context.WithoutCancel(ctx))
	defer hardStop()
	stopTimer := context.AfterFunc(ctx, func() {
		// After SIGTERM, tasks in flight get the grace to finish; then they
		// are cancelled, answer nothing and are nacked for redelivery.
		time.AfterFunc(cfg.ShutdownGrace, hardStop)
	})
	defer stopTimer()
	a := &adapter{handle: h, pub: pub, log: log, base: base}
	log.Info("receiving tasks", zap.String("subscription", cfg.Subscription),
		zap.String("result_topic", cfg.ResultTopic), zap.Int("nodes", cfg.Nodes))
	if err := sub.Receive(ctx, a.receive); err != nil {
		return fmt.Errorf("receiving from %s: %w", cfg.Subscription, err)
	}
	log.Info("stopped receiving; flushing results")
	return nil
}
