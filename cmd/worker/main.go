// Command worker pulls connector tasks from a Pub/Sub subscription, runs
// them against the Twilio REST API under the nodes × 25 requests/s budget,
// and publishes one result per task (contract.md §3). `worker local` runs
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
	fmt.Fprintln(os.Stderr, "worker:", err)
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
	// The catalogue commands need no configuration: they must work with an
	// empty environment, so they run before any is parsed.
	if len(rest) > 0 && rest[0] == "entities" {
		return runEntities(rest[1:], stdout, stderr)
	}
	if len(rest) > 0 && rest[0] == "describe" {
		return runDescribe(rest[1:], stdout, stderr)
	}
	local := len(rest) > 0 && rest[0] == "local"
	if local {
		rest = rest[1:]
	}
	cfg, err := parseConfig(rest, getenv, local, stderr)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.LogLevel, cfg.ConnectionName)
	if err != nil {
		return configErr("--log-level: %v", err)
	}
	defer func() { _ = syncLogger(log) }()
	useRedisLogger(log)
	log.Info("starting", zap.String("version", version), zap.Bool("local", local), zap.Int("nodes", cfg.Nodes))
	if local {
		return runLocal(ctx, cfg, stdin, stdout, log)
	}
	return runCloud(ctx, cfg, log)
}

// runCloud serves a real (or emulated) Pub/Sub subscription.
func runCloud(ctx context.Context, cfg *Config, log *zap.Logger) error {
	token, err := authToken(ctx, cfg)
	if err != nil {
		return err
	}
	stack, _, err := twilioStack(cfg, log)
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
	return serve(ctx, cfg, ps, newTaskHandler(cfg, token, stack, store, log), log)
}
