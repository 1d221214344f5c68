// Command worker pulls connector tasks from a Pub/Sub subscription, runs
// them against the Twilio REST API under the nodes × 25 requests/s budget,
// and publishes one result per task (docs/contract.md §3). `worker local` runs
// the same pipeline on one machine with an in-process Pub/Sub and Twilio
// simulator.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"cloud.google.com/go/pubsub/v2"
	"go.uber.org/zap"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	err := run(context.Background(), os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	// One line per problem, each marked, so that every invalid setting
	// shows at once and greps as a worker error.
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(os.Stderr, "worker:", line)
	}
	if errors.Is(err, errConfig) {
		os.Exit(2)
	}
	os.Exit(1)
}

// run is the whole program with its inputs injected, so tests drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rest := args[1:]
	// The catalogue commands and the help need no configuration: they must
	// work with an empty environment, so they run before any is parsed.
	cmd := ""
	if len(rest) > 0 {
		cmd = rest[0]
	}
	switch cmd {
	case "entities":
		return runEntities(rest[1:], stdout)
	case "describe":
		return runDescribe(rest[1:], stdout)
	case "help":
		return writeHelp(stdout)
	case "version", "--version", "-version":
		_, err := fmt.Fprintf(stdout, "worker %s\n", version)
		return err
	case "check-config":
		return checkConfig(rest[1:], getenv, stdout)
	case "local":
		return runWorker(ctx, true, rest[1:], getenv, stdin, stdout, stderr)
	}
	return runWorker(ctx, false, rest, getenv, stdin, stdout, stderr)
}

// checkConfig is `worker check-config`: it parses and checks the Pub/Sub
// worker's configuration exactly as serving would, without connecting to
// anything, and reports every problem (status 2) or "configuration OK"
// (status 0). Deployments run it against their manifests' environment.
func checkConfig(args []string, getenv func(string) string, stdout io.Writer) error {
	_, err := parseConfig(args, getenv, false)
	switch {
	case errors.Is(err, errHelp):
		_, err = fmt.Fprint(stdout, "Usage: worker check-config [flags]\n\n"+
			"Checks the settings of worker (flags and environment, as worker --help lists them) without\n"+
			"connecting to Pub/Sub, Redis, Secret Manager or Twilio. Prints \"configuration OK\" and exits 0,\n"+
			"or lists every problem and exits 2.\n")
		return err
	case err != nil:
		return err
	}
	_, err = fmt.Fprintln(stdout, "configuration OK")
	return err
}

// runWorker runs the worker, or worker local, with its configuration.
func runWorker(ctx context.Context, local bool, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, local)
	switch {
	case errors.Is(err, errHelp) && local:
		return writeLocalHelp(stdout)
	case errors.Is(err, errHelp):
		return writeHelp(stdout)
	case err != nil:
		return err
	}
	log, err := newLogger(stderr, cfg.LogLevel, cfg.ConnectionName)
	if err != nil {
		return configErr("--log-level: %v", err)
	}
	log = withLabels(log, cfg.Labels)
	defer func() { _ = syncLogger(log) }()
	useRedisLogger(log)
	log.Info("starting", zap.String("version", version), zap.Bool("local", local), zap.Int("nodes", cfg.Nodes))
	if local {
		return runLocal(ctx, cfg, stdin, stdout, stderr, log)
	}
	return runCloud(ctx, cfg, log)
}

// runCloud serves a real (or emulated) Pub/Sub subscription.
func runCloud(ctx context.Context, cfg *Config, log *zap.Logger) error {
	token, err := openCredentials(ctx, cfg)
	if err != nil {
		return err
	}
	budget, err := openBudget(ctx, cfg, log)
	if err != nil {
		return err
	}
	if budget != nil {
		defer budget.Close()
	}
	m := newMetrics()
	stack, _, err := twilioStack(cfg, log, withBudget(limiterBudget(budget)), withMetrics(m))
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// The Pub/Sub client must outlive the shutdown signal: in-flight tasks
	// still publish their results after ctx is cancelled.
	ps, err := pubsub.NewClient(context.WithoutCancel(ctx), cfg.Project)
	if err != nil {
		return fmt.Errorf("pubsub client: %w", err)
	}
	defer ps.Close()
	// The endpoints come up before the preflight: while Twilio or the proxy
	// is unreachable the worker is alive (/healthz) but not ready (/readyz).
	var preflighted atomic.Bool
	stopHTTP, err := startHTTP(cfg, m, afterPreflight(&preflighted, readiness(cfg, ps, budget)), log)
	if err != nil {
		return err
	}
	defer stopHTTP()
	if err := preflight(ctx, cfg, stack, log); err != nil {
		return err
	}
	preflighted.Store(true)
	h := countTasks(newTaskHandler(cfg, token, stack, countStore(store, m), log), m)
	return serve(ctx, cfg, ps, h, log)
}

// afterPreflight reports not ready until the preflight has passed, then
// whatever ready says.
func afterPreflight(done *atomic.Bool, ready func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		if !done.Load() {
			return errors.New("the preflight has not fetched the Twilio account yet")
		}
		return ready(ctx)
	}
}
