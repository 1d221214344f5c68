package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/connectorworks/twilio-worker/internal/harness"
	"github.com/connectorworks/twilio-worker/internal/limiter"
)

// The pipelines a run can measure.
const (
	pipeWorker  = "worker"
	pipeMinimal = "minimal"
)

// config is the command line, parsed and checked.
type config struct {
	tasks       int
	nodes       int
	latency     time.Duration // the fake Twilio's answer delay
	maxInFlight int           // the worker's MAX_IN_FLIGHT; 0 leaves the worker's default
	rounds      int
	warmup      int    // tasks of the unreported minimal run before round 1
	only        string // "", pipeWorker or pipeMinimal
	streams     int    // the minimal pipeline's StreamingPull streams
	paced       bool   // the minimal pipeline POSTs at the worker's budget
	workerBin   string
	emulator    string // a running emulator's host:port; "" starts one
	emulatorBin string
	json        bool
	timeout     time.Duration
}

// errHelp asks run to print usage and exit 0.
var errHelp = errors.New("help requested")

// configError is a problem with the command line (exit status 2).
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

func bad(format string, args ...any) error { return configError{fmt.Errorf(format, args...)} }

// parseConfig reads the flags. PUBSUB_EMULATOR_HOST is deliberately not a
// default for --emulator: a benchmark wants an emulator nothing else is
// using, so sharing one must be asked for.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	c := config{emulatorBin: getenv("PUBSUB_EMULATOR_BIN")}
	if c.emulatorBin == "" {
		c.emulatorBin = harness.DefaultEmulatorBin
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run reports errors once, its own way
	fs.IntVar(&c.tasks, "tasks", 20000, "Messages CREATE tasks per pipeline and round")
	fs.IntVar(&c.nodes, "nodes", 100, "the worker's CONNECTOR_NODES (budget: 25 requests/s each)")
	fs.DurationVar(&c.latency, "latency", 0, "how long the fake Twilio takes to answer each request")
	fs.IntVar(&c.maxInFlight, "max-in-flight", 0, "the worker's MAX_IN_FLIGHT (0: the worker's default)")
	fs.IntVar(&c.rounds, "rounds", 1, "rounds; each runs both pipelines (unless --only), the worker first in odd rounds and the minimal pipeline first in even ones")
	fs.IntVar(&c.warmup, "warmup", 2000, "tasks of an unreported minimal run before round 1, so that the "+
		"emulator's JVM has compiled its hot paths (0: none)")
	fs.StringVar(&c.only, "only", "", "run only this pipeline: worker or minimal")
	fs.IntVar(&c.streams, "minimal-streams", 10, "StreamingPull streams of the minimal pipeline")
	fs.BoolVar(&c.paced, "minimal-paced", false, "pace the minimal pipeline's POSTs at the worker's budget "+
		"(nodes × 25/s), so that CPU per task is compared at the same rate (default: as fast as it can)")
	fs.StringVar(&c.workerBin, "worker-bin", "", "worker binary to run (default: go build ./cmd/worker into a temp dir)")
	fs.StringVar(&c.emulator, "emulator", "", "`HOST:PORT` of a running Pub/Sub emulator (default: start one; "+
		"PUBSUB_EMULATOR_BIN names its binary)")
	fs.BoolVar(&c.json, "json", false, "print a JSON report after the table")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Minute, "bound of the whole run")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usage)
			fs.PrintDefaults()
			return c, errHelp
		}
		return c, bad("%w (run with -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return c, bad("unexpected argument %q: bench takes flags only", fs.Arg(0))
	}
	return c, c.validate()
}

func (c *config) validate() error {
	switch {
	case c.tasks < 1 || c.tasks > 1_000_000:
		return bad("--tasks %d must be from 1 to 1000000", c.tasks)
	case c.nodes < 1 || c.nodes > 100:
		return bad("--nodes %d must be from 1 to 100, as the worker allows", c.nodes)
	case c.latency < 0 || c.latency > time.Minute:
		return bad("--latency %v must be from 0 to 1m", c.latency)
	case c.maxInFlight < 0:
		return bad("--max-in-flight %d must not be negative", c.maxInFlight)
	case c.rounds < 1:
		return bad("--rounds %d must be at least 1", c.rounds)
	case c.warmup < 0 || c.warmup > 1_000_000:
		return bad("--warmup %d must be from 0 to 1000000", c.warmup)
	case c.only != "" && c.only != pipeWorker && c.only != pipeMinimal:
		return bad("--only %q: want worker or minimal", c.only)
	case c.streams < 1 || c.streams > 100:
		return bad("--minimal-streams %d must be from 1 to 100", c.streams)
	case c.timeout <= 0:
		return bad("--timeout must be positive")
	}
	return nil
}

// pipelines returns what round number round runs, in order: the worker first in odd
// rounds, the minimal pipeline first in even ones. The machine drifts
// within a run (the emulator's JIT warms up, other tenants come and go);
// over an even number of rounds, alternating the order makes a drift
// between neighbouring runs weigh on both pipelines alike instead of always
// favouring the one that runs second.
func (c *config) pipelines(round int) []string {
	if c.only != "" {
		return []string{c.only}
	}
	if round%2 == 0 {
		return []string{pipeMinimal, pipeWorker}
	}
	return []string{pipeWorker, pipeMinimal}
}

// budget is the worker's rate budget in requests per second.
func (c *config) budget() int { return c.nodes * limiter.PerNode }

// describe summarises the settings a reader of the report needs.
func (c *config) describe(emulator string) string {
	inFlight := "worker default"
	if c.maxInFlight > 0 {
		inFlight = fmt.Sprint(c.maxInFlight)
	}
	return fmt.Sprintf("%d tasks per run, nodes %d (budget %d req/s), fake Twilio latency %v, "+
		"worker max in flight %s, minimal streams %d%s, emulator %s",
		c.tasks, c.nodes, c.budget(), c.latency, inFlight, c.streams, c.pacing(), emulator)
}

func (c *config) pacing() string {
	if c.paced {
		return fmt.Sprintf(" paced at %d/s", c.budget())
	}
	return ""
}
