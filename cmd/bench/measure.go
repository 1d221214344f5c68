package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/connectorworks/twilio-worker/internal/harness"
)

// Credentials of the fake account; the fake accepts any well-formed ones.
const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "benchToken42"
)

// Timings of a run.
const (
	// stallAfter ends a run in which no task was answered for this long:
	// a pipeline that lost tasks would otherwise be waited for until
	// --timeout.
	stallAfter = 60 * time.Second
	// stopWithin bounds the SIGTERM at the end: the worker's default
	// shutdown grace (25 s) plus publishing and closing.
	stopWithin    = 60 * time.Second
	pollEvery     = 100 * time.Millisecond
	progressEvery = 10 * time.Second
	cleanupWithin = 10 * time.Second
)

// bench is what the runs of one invocation share.
type bench struct {
	cfg       config
	ps        *pubsub.Client
	emulator  string // host:port
	workerBin string
	selfBin   string // this binary, run as the minimal pipeline
	logDir    string
	stderr    io.Writer
}

// command returns how to start pipeline for topology tp against the fake
// at fakeURL. The environment is built from scratch, so that stray
// TWILIO_*, TASK_STORE or GOGC variables of the caller do not leak in;
// both pipelines get the same base.
func (b *bench) command(pipeline string, tp *topology, fakeURL string) (bin string, args, env []string) {
	env = []string{
		"PUBSUB_EMULATOR_HOST=" + b.emulator,
		"GOOGLE_CLOUD_PROJECT=" + project,
		"TASK_SUBSCRIPTION=" + tp.taskSub,
		"RESULT_TOPIC=" + tp.resultTopic,
		"TWILIO_ACCOUNT_SID=" + accountSID,
		"TWILIO_AUTH_TOKEN=" + authToken,
		"TWILIO_BASE_URL=" + fakeURL,
	}
	if pipeline == pipeMinimal {
		env = append(env, "MINIMAL_STREAMS="+strconv.Itoa(b.cfg.streams))
		if b.cfg.paced {
			env = append(env, "MINIMAL_RATE="+strconv.Itoa(b.cfg.budget()))
		}
		return b.selfBin, []string{minimalCmd}, env
	}
	// HTTP_ADDR: any free port, as the default :8080 may be taken.
	// PREFLIGHT=false: the fake answers Messages creates only, not the account.
	env = append(env, "TASK_STORE=memory://", "PREFLIGHT=false", "LOG_LEVEL=error",
		"CONNECTOR_NODES="+strconv.Itoa(b.cfg.nodes), "HTTP_ADDR=127.0.0.1:0")
	if b.cfg.maxInFlight > 0 {
		env = append(env, "MAX_IN_FLIGHT="+strconv.Itoa(b.cfg.maxInFlight))
	}
	return b.workerBin, nil, env
}

// measure runs pipeline once over a fresh backlog of n tasks.
func (b *bench) measure(ctx context.Context, pipeline string, round, n int) (row, error) {
	tp, err := newTopology(ctx, b.ps)
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupWithin)
		defer cancel()
		tp.Delete(dctx)
	}()
	if err != nil {
		return row{}, err
	}
	ids := tp.taskIDs(n)
	fmt.Fprintf(b.stderr, "%s, %s: publishing %d tasks\n", roundName(round), pipeline, len(ids))
	if err := harness.PublishTasks(ctx, b.ps, tp.taskTopic, ids); err != nil {
		return row{}, err
	}
	fake, err := startFake(b.cfg.latency, len(ids))
	if err != nil {
		return row{}, err
	}
	defer fake.close()
	col := newCollector(ids)
	cctx, stopCollecting := context.WithCancel(ctx)
	collected := make(chan error, 1)
	go func() { collected <- col.receive(cctx, b.ps, tp.resultSub) }()
	r, err := b.drive(ctx, pipeline, round, tp, fake, col)
	stopCollecting()
	return r, errors.Join(err, <-collected)
}

// drive starts the pipeline, waits until every task is answered, stops it
// and fills in its row.
func (b *bench) drive(ctx context.Context, pipeline string, round int, tp *topology, fake *fakeTwilio, col *collector) (row, error) {
	bin, args, env := b.command(pipeline, tp, fake.url)
	logPath := filepath.Join(b.logDir, fmt.Sprintf("%s-%d.log", pipeline, round))
	fmt.Fprintf(b.stderr, "%s, %s: running %s\n", roundName(round), pipeline, filepath.Base(bin))
	start := time.Now()
	p, err := startProc(bin, args, env, logPath)
	if err != nil {
		return row{}, err
	}
	obs, err := b.observe(ctx, p, col, start)
	exitErr := p.stop(stopWithin)
	if err != nil {
		return row{}, fmt.Errorf("%s, %s: %w (log: %s)", roundName(round), pipeline, err, logPath)
	}
	r := row{Pipeline: pipeline, Round: round, Tasks: len(col.want), Elapsed: obs.last.Sub(start),
		Steady: obs.last.Sub(obs.first), SteadyCPU: obs.cpuLast - obs.cpuFirst, Exit: exitText(exitErr)}
	if pipeline == pipeWorker {
		r.Budget = b.cfg.budget()
	}
	r.CPU, r.PeakRSS = p.usage()
	r.Requests, r.Conns, r.Busiest, r.BusiestShort = fake.counts()
	if err := col.verdict(); err != nil {
		return r, fmt.Errorf("%s, %s: %w (log: %s)", roundName(round), pipeline, err, logPath)
	}
	return r, nil
}

// observation is when the first and the last task got their result, and
// the pipeline's CPU time read just then.
type observation struct {
	first, last       time.Time
	cpuFirst, cpuLast time.Duration
}

// observe waits for the first and for the last task's result and reads
// the process's CPU time at each.
func (b *bench) observe(ctx context.Context, p *proc, col *collector, start time.Time) (observation, error) {
	var obs observation
	var err error
	if err = b.await(ctx, p, col, col.first, start); err != nil {
		return obs, err
	}
	if obs.cpuFirst, err = p.cpuTime(); err != nil {
		return obs, err
	}
	if err = b.await(ctx, p, col, col.done, start); err != nil {
		return obs, err
	}
	if obs.cpuLast, err = p.cpuTime(); err != nil {
		return obs, err
	}
	col.mu.Lock()
	obs.first, obs.last = col.firstAt, col.lastAt
	col.mu.Unlock()
	return obs, nil
}

// await waits until ch is closed. It fails when the process exits, ctx
// ends, or no task is answered for stallAfter.
func (b *bench) await(ctx context.Context, p *proc, col *collector, ch <-chan struct{}, start time.Time) error {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	lastReport := time.Now()
	for {
		select {
		case <-ch:
			return nil
		case <-p.exited:
			return fmt.Errorf("exited on its own (%s)", exitText(p.err))
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
		answered, last := col.progress()
		if last.IsZero() {
			last = start
		}
		if time.Since(last) > stallAfter {
			return fmt.Errorf("no task answered for %v: %d of %d answered, missing e.g. %v",
				stallAfter, answered, len(col.want), col.missing(3))
		}
		if time.Since(lastReport) >= progressEvery {
			lastReport = time.Now()
			fmt.Fprintf(b.stderr, "%6.1fs: %d of %d answered\n", time.Since(start).Seconds(), answered, len(col.want))
		}
	}
}

// roundName names round n in progress lines and errors; round 0 is the
// warm-up.
func roundName(n int) string {
	if n == 0 {
		return "warm-up"
	}
	return fmt.Sprintf("round %d", n)
}
