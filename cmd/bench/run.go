package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/connectorworks/twilio-worker/internal/harness"
)

// errOverBudget is run's error when the fake Twilio saw the worker send
// more than its budget within some second, by more than delays of up to
// jitterAllowance can explain (the table says where).
var errOverBudget = errors.New("the worker exceeded its budget of nodes × 25 requests: " +
	"more than that within 0.8 s at the fake Twilio")

// emulatorStart bounds waiting for a started emulator to listen (the JVM
// takes a few seconds, more on a busy machine).
const emulatorStart = 90 * time.Second

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
	logDir, err := os.MkdirTemp("", "bench-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	b, closeAll, err := setUp(ctx, cfg, logDir, stderr)
	defer closeAll()
	if err != nil {
		return fmt.Errorf("%w (logs in %s)", err, logDir)
	}
	setup := fmt.Sprintf("%s; %d CPUs", cfg.describe(b.emulator), runtime.NumCPU())
	rows, err := b.rounds(ctx)
	fmt.Fprintln(stdout, setup)
	writeTable(stdout, rows)
	if cfg.json {
		if jerr := writeJSON(stdout, setup, rows); jerr != nil {
			return jerr
		}
	}
	if err != nil {
		return fmt.Errorf("%w (logs kept in %s)", err, logDir)
	}
	for _, r := range rows {
		if r.Breached() {
			return fmt.Errorf("%w (logs kept in %s)", errOverBudget, logDir)
		}
	}
	return os.RemoveAll(logDir)
}

// setUp starts or reaches the emulator, finds the binaries and connects.
// closeAll undoes what was done, also after an error.
func setUp(ctx context.Context, cfg config, logDir string, stderr io.Writer) (*bench, func(), error) {
	b := &bench{cfg: cfg, emulator: cfg.emulator, workerBin: cfg.workerBin, logDir: logDir, stderr: stderr}
	var undo []func()
	closeAll := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	if b.emulator == "" {
		fmt.Fprintln(stderr, "starting the Pub/Sub emulator")
		emu, err := harness.StartEmulator(ctx, cfg.emulatorBin, filepath.Join(logDir, "emulator.log"), emulatorStart)
		if err != nil {
			return b, closeAll, err
		}
		undo = append(undo, emu.Stop)
		b.emulator = emu.Addr
	}
	if err := b.findBinaries(ctx); err != nil {
		return b, closeAll, err
	}
	ps, err := harness.PubsubClient(ctx, b.emulator, project)
	if err != nil {
		return b, closeAll, err
	}
	undo = append(undo, func() { ps.Close() })
	b.ps = ps
	return b, closeAll, nil
}

// findBinaries builds the worker unless --worker-bin names one, and finds
// this binary for the minimal pipeline.
func (b *bench) findBinaries(ctx context.Context) error {
	var err error
	if b.selfBin, err = os.Executable(); err != nil {
		return fmt.Errorf("this binary's path, to run the minimal pipeline: %w", err)
	}
	if b.workerBin != "" || b.cfg.only == pipeMinimal {
		return nil
	}
	fmt.Fprintln(b.stderr, "building the worker")
	b.workerBin, err = harness.BuildWorker(ctx, b.logDir)
	return err
}

// rounds runs the warm-up, then every pipeline of every round, and
// returns the rows so far.
func (b *bench) rounds(ctx context.Context) ([]row, error) {
	if b.cfg.warmup > 0 {
		if _, err := b.measure(ctx, pipeMinimal, 0, b.cfg.warmup); err != nil {
			return nil, err
		}
	}
	var rows []row
	for round := 1; round <= b.cfg.rounds; round++ {
		for _, p := range b.cfg.pipelines(round) {
			r, err := b.measure(ctx, p, round, b.cfg.tasks)
			if err != nil {
				return rows, err
			}
			rows = append(rows, r)
			fmt.Fprintf(b.stderr, "round %d, %s: %.0f tasks/s\n", round, p, r.TasksPerSec())
		}
	}
	return rows, nil
}
