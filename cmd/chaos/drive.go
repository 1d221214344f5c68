package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"
)

// Timings of the driver.
const (
	pollEvery     = 200 * time.Millisecond
	progressEvery = 10 * time.Second
	// stopWithin bounds the final SIGTERM: the worker's default shutdown
	// grace (25 s) plus publishing and closing.
	stopWithin = 60 * time.Second
	// settle: after the worker exited, results still in flight to the run's
	// subscription are awaited until none arrives for settle (at most
	// settleMax).
	settle    = 3 * time.Second
	settleMax = 30 * time.Second
)

// driver runs the worker through its kills and restarts.
type driver struct {
	cfg      config
	spec     workerSpec
	col      *collector
	total    int
	stderr   io.Writer
	start    time.Time
	w        *worker
	started  int // incarnations started
	restarts int
}

// drive starts the worker, kills and restarts it at the kill points, waits
// until every task is answered or dead-lettered (or nothing happens for
// --stall, or ctx ends), then stops it with SIGTERM. It returns the
// SIGTERM exit's error and a note when the run stopped early; err is for
// failures that leave nothing to report.
func (d *driver) drive(ctx context.Context) (exitErr error, note string, err error) {
	if err := d.launch(); err != nil {
		return nil, "", err
	}
	for i, p := range d.cfg.killPoints() {
		want := int(math.Ceil(p * float64(d.total)))
		note, err = d.waitFor(ctx, func(answered, _ int) bool { return answered >= want })
		if err != nil {
			return nil, "", err
		}
		if note != "" {
			break
		}
		fmt.Fprintf(d.stderr, "%6.1fs: kill %d of %d (SIGKILL) at %d answered; restarting\n",
			time.Since(d.start).Seconds(), i+1, d.cfg.kills, want)
		d.w.kill()
		if err := d.launch(); err != nil {
			return nil, "", err
		}
		d.restarts++
	}
	if note == "" {
		note, err = d.waitFor(ctx, func(_, accounted int) bool { return accounted >= d.total })
		if err != nil {
			return nil, "", err
		}
	}
	fmt.Fprintf(d.stderr, "%6.1fs: stopping the worker (SIGTERM)\n", time.Since(d.start).Seconds())
	exitErr = d.w.stop(stopWithin)
	d.settle(ctx)
	return exitErr, note, nil
}

// launch starts the next incarnation of the worker.
func (d *driver) launch() error {
	d.started++
	w, err := d.spec.start(d.started)
	if err != nil {
		return err
	}
	d.w = w
	return nil
}

// waitFor polls the collector until done(answered, accounted) holds. It
// returns a note instead when it gives up: nothing new for --stall, or ctx
// ended; and an error when the worker exited on its own.
func (d *driver) waitFor(ctx context.Context, done func(answered, accounted int) bool) (string, error) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	lastReport := time.Now()
	for {
		answered, accounted, last := d.col.progress()
		if done(answered, accounted) {
			return "", nil
		}
		if time.Since(last) > d.cfg.stall {
			return fmt.Sprintf("stopped waiting: no task answered or dead-lettered for %v (%d of %d accounted for)",
				d.cfg.stall, accounted, d.total), nil
		}
		if time.Since(lastReport) >= progressEvery {
			lastReport = time.Now()
			fmt.Fprintf(d.stderr, "%6.1fs: %d answered, %d of %d accounted for (worker #%d)\n",
				time.Since(d.start).Seconds(), answered, accounted, d.total, d.started)
		}
		select {
		case <-ctx.Done():
			return fmt.Sprintf("stopped early: %v (%d of %d accounted for)", context.Cause(ctx), accounted, d.total), nil
		case <-d.w.exited:
			return "", fmt.Errorf("worker #%d exited on its own (%v); see %s", d.started, d.w.err, d.spec.logDir)
		case <-tick.C:
		}
	}
}

// settle waits for the results still on their way to the run's
// subscription: until none arrives for settle, at most settleMax.
func (d *driver) settle(ctx context.Context) {
	deadline := time.Now().Add(settleMax)
	n, since := d.col.messages(), time.Now()
	for time.Now().Before(deadline) && time.Since(since) < settle && ctx.Err() == nil {
		time.Sleep(pollEvery)
		if m := d.col.messages(); m != n {
			n, since = m, time.Now()
		}
	}
}
