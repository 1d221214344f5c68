package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/connectorworks/twilio-worker/internal/harness"
)

// errTargetsMissed is run's error when the report shows a missed target
// (its "target missed" lines say which).
var errTargetsMissed = errors.New("targets missed")

// cleanupWithin bounds deleting the run's topics and subscriptions.
const cleanupWithin = 10 * time.Second

// run is the whole program with its inputs injected, so tests drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, cfg.timeout, fmt.Errorf("--timeout %v reached", cfg.timeout))
	defer cancel()
	if err := flushStore(ctx, cfg.redisAddr, cfg.redisDB); err != nil {
		return err
	}
	logDir, err := cfg.openLogDir()
	if err != nil {
		return err
	}
	bin := cfg.workerBin
	if bin == "" {
		fmt.Fprintln(stderr, "building the worker")
		if bin, err = harness.BuildWorker(ctx, logDir); err != nil {
			return err
		}
		defer os.Remove(bin)
	}
	ps, err := harness.PubsubClient(ctx, cfg.emulator, project)
	if err != nil {
		return err
	}
	defer ps.Close()
	tp, err := newTopology(ctx, ps, cfg)
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupWithin)
		defer cancel()
		tp.Delete(dctx)
	}()
	if err != nil {
		return err
	}
	sim, srv := startSimulator(cfg)
	defer srv.Close()
	workerPubsub := cfg.emulator
	if !cfg.direct {
		plog, err := os.Create(filepath.Join(logDir, "proxy.log"))
		if err != nil {
			return fmt.Errorf("proxy log: %w", err)
		}
		defer plog.Close()
		px, err := startProxy(cfg.emulator, plog)
		if err != nil {
			return fmt.Errorf("pubsub proxy: %w", err)
		}
		defer px.close()
		workerPubsub = px.addr()
	}

	// The collectors outlive the run's timeout: what arrived is reported.
	col := newCollector()
	cctx, stopCollecting := context.WithCancel(context.WithoutCancel(ctx))
	defer stopCollecting()
	var g errgroup.Group
	g.Go(func() error { return col.receive(cctx, ps, tp.resultSub, false) })
	g.Go(func() error { return col.receive(cctx, ps, tp.deadSub, true) })

	ids := taskIDs(tp.ID, cfg.tasks)
	fmt.Fprintf(stderr, "publishing %d tasks to %s; worker logs in %s\n", len(ids), tp.taskTopic, logDir)
	start := time.Now()
	if err := harness.PublishTasks(ctx, ps, tp.taskTopic, ids); err != nil {
		return err
	}
	d := &driver{cfg: cfg, spec: newWorkerSpec(cfg, bin, logDir, workerPubsub, tp, srv.URL), col: col,
		total: len(ids), stderr: stderr, start: start}
	defer func() {
		if d.w != nil {
			d.w.kill() // a no-op after a clean exit
		}
	}()
	exitErr, note, err := d.drive(ctx)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	stopCollecting()
	if err := g.Wait(); err != nil {
		return err
	}

	rep := buildReport(ids, col, sim.Rows("messages"))
	rep.faults, rep.restarts, rep.elapsed = sim.FaultCounts(), d.restarts, elapsed
	rep.exitErr, rep.note, rep.logDir = exitErr, note, logDir
	rep.storeDesc = storeURL(cfg.redisAddr, cfg.redisDB) + " (FLUSHDB at start)"
	rep.setup = cfg.describe()
	rep.write(stdout)
	if missed := rep.missed(); len(missed) > 0 {
		for _, m := range missed {
			fmt.Fprintln(stdout, m)
		}
		return errTargetsMissed
	}
	fmt.Fprintln(stdout, "targets: met")
	return nil
}

// openLogDir returns --log-dir, created if missing, or a new temporary
// directory. Either is kept after the run, for its logs to be read: the
// report names it. A caller that wants nothing left behind (TestChaos)
// passes a directory it removes itself.
func (c *config) openLogDir() (string, error) {
	if c.logDir != "" {
		if err := os.MkdirAll(c.logDir, 0o755); err != nil {
			return "", fmt.Errorf("--log-dir: %w", err)
		}
		return c.logDir, nil
	}
	dir, err := os.MkdirTemp("", "chaos-")
	if err != nil {
		return "", fmt.Errorf("temp dir: %w", err)
	}
	return dir, nil
}
