package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// config is the command line, parsed and checked.
type config struct {
	tasks       int
	fail429     float64
	fail500     float64
	failTimeout float64
	applied     float64 // probability that a faulted create took effect (twiliosim's Fail500AfterApply)
	hold        time.Duration
	kills       int
	nodes       int
	seed        uint64
	workerBin   string
	redisAddr   string
	redisDB     int
	logDir      string // --log-dir; "" for a new temporary directory
	emulator    string // PUBSUB_EMULATOR_HOST
	direct      bool   // the worker talks to the emulator without the proxy
	logLevel    string // the worker's LOG_LEVEL
	maxAttempts int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	taskTimeout time.Duration
	stall       time.Duration
	timeout     time.Duration
}

// errHelp asks run to print usage and exit 0.
var errHelp = errors.New("help requested")

// configError is a problem with the command line or the environment
// (exit status 2).
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

func bad(format string, args ...any) error { return configError{fmt.Errorf(format, args...)} }

// parseConfig reads the flags; --redis falls back to REDIS_ADDR, and the
// Pub/Sub emulator comes from PUBSUB_EMULATOR_HOST.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	c := config{emulator: getenv("PUBSUB_EMULATOR_HOST")}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run reports errors once, its own way
	fs.IntVar(&c.tasks, "tasks", 10000, "Messages CREATE tasks to publish")
	fs.Float64Var(&c.fail429, "fail-429", 0.10, "fraction `F` of Twilio requests answered 429 (never processed)")
	fs.Float64Var(&c.fail500, "fail-500", 0.05, "fraction `F` of Twilio requests answered 500 (processed or not, see --fail-applied)")
	fs.Float64Var(&c.failTimeout, "fail-timeout", 0.02, "fraction `F` of Twilio requests held unanswered past the task timeout")
	fs.Float64Var(&c.applied, "fail-applied", 0.5, "probability `P` that a create faulted with a 500 or a timeout was carried out anyway")
	fs.DurationVar(&c.hold, "timeout-hold", 20*time.Second, "how long the simulator holds a timed-out request (longer than --task-timeout)")
	fs.IntVar(&c.kills, "kills", 2, "times the worker is SIGKILLed and restarted while results flow")
	fs.IntVar(&c.nodes, "nodes", 20, "the worker's CONNECTOR_NODES (25 Twilio requests/s each)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the simulator's SIDs and faults (0: random)")
	fs.StringVar(&c.workerBin, "worker-bin", "", "worker binary to run (default: go build ./cmd/worker into a temp dir)")
	fs.StringVar(&c.redisAddr, "redis", getenv("REDIS_ADDR"), "`HOST:PORT` of the Redis server for the task store (default $REDIS_ADDR)")
	fs.IntVar(&c.redisDB, "redis-db", 15, "Redis database `N` for the task store; FLUSHDB'd at start")
	fs.StringVar(&c.logDir, "log-dir", "", "`DIR` for the worker and proxy logs, created if missing (default: a new temporary directory, kept after the run)")
	fs.BoolVar(&c.direct, "direct", false, "connect the worker straight to the emulator, without the proxy that hides the emulator's loss of a killed subscriber's messages (see proxy.go)")
	fs.StringVar(&c.logLevel, "worker-log-level", "warn", "the worker's LOG_LEVEL (debug shows every nack)")
	fs.IntVar(&c.maxAttempts, "max-delivery-attempts", 5, "the task subscription's dead-letter policy: deliveries before a task is dead-lettered (5 to 100)")
	fs.DurationVar(&c.minBackoff, "min-backoff", 0, "the task subscription's retry policy: minimum backoff after a nack")
	fs.DurationVar(&c.maxBackoff, "max-backoff", 0, "the task subscription's retry policy: maximum backoff after a nack; "+
		"0: no retry policy (the emulator never redelivers, under a retry policy, a nacked message whose lease had expired, "+
		"as a SIGKILL leaves them)")
	fs.DurationVar(&c.taskTimeout, "task-timeout", 15*time.Second, "the worker's TASK_TIMEOUT")
	fs.DurationVar(&c.stall, "stall", 90*time.Second, "after the last restart, give up waiting when no result arrives for this long")
	fs.DurationVar(&c.timeout, "timeout", 15*time.Minute, "bound of the whole run")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usage)
			fs.PrintDefaults()
			return c, errHelp
		}
		return c, bad("%w (run with -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return c, bad("unexpected argument %q: chaos takes flags only", fs.Arg(0))
	}
	return c, c.validate()
}

func (c *config) validate() error {
	switch {
	case c.emulator == "":
		return bad("PUBSUB_EMULATOR_HOST is not set: start the Pub/Sub emulator " +
			"(/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator --host=127.0.0.1 --port=8085, " +
			"as scripts/test.sh does) and export PUBSUB_EMULATOR_HOST=127.0.0.1:8085")
	case c.redisAddr == "":
		return bad("no Redis: the run keeps task outcomes in Redis so that restarts remember them; start one " +
			"(redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no) and pass --redis 127.0.0.1:6379 or set REDIS_ADDR")
	case c.tasks < 1:
		return bad("--tasks %d must be at least 1", c.tasks)
	case c.kills < 0:
		return bad("--kills %d must not be negative", c.kills)
	case c.nodes < 1 || c.nodes > 100:
		return bad("--nodes %d must be from 1 to 100", c.nodes)
	case c.redisDB < 0:
		return bad("--redis-db %d must not be negative", c.redisDB)
	case c.maxAttempts < 5 || c.maxAttempts > 100:
		return bad("--max-delivery-attempts %d must be from 5 to 100, as Pub/Sub requires", c.maxAttempts)
	case c.minBackoff < 0 || c.maxBackoff < c.minBackoff || c.maxBackoff > 600*time.Second:
		return bad("--min-backoff %v and --max-backoff %v: want 0 <= min <= max <= 600s", c.minBackoff, c.maxBackoff)
	case c.taskTimeout <= 0 || c.stall <= 0 || c.timeout <= 0:
		return bad("--task-timeout, --stall and --timeout must be positive")
	case c.hold <= c.taskTimeout:
		return bad("--timeout-hold %v must be longer than --task-timeout %v, so that a held create times out in the worker",
			c.hold, c.taskTimeout)
	}
	return c.validateFaults()
}

// validateFaults checks the fractions the simulator takes.
func (c *config) validateFaults() error {
	for _, f := range []struct {
		name  string
		value float64
	}{{"--fail-429", c.fail429}, {"--fail-500", c.fail500}, {"--fail-timeout", c.failTimeout}, {"--fail-applied", c.applied}} {
		if !(f.value >= 0 && f.value <= 1) { // NaN fails too
			return bad("%s %v must be between 0 and 1", f.name, f.value)
		}
	}
	if sum := c.fail429 + c.fail500 + c.failTimeout; sum > 1+1e-9 {
		return bad("--fail-429 + --fail-500 + --fail-timeout is %v; the fractions must sum to at most 1", sum)
	}
	return nil
}

// killPoints returns the fractions of answered tasks at which the worker
// is killed: spread from 25 % to 60 % (one kill: 25 %), so that every kill
// meets results in full flow and the last restart still has work to do.
func (c *config) killPoints() []float64 {
	points := make([]float64, c.kills)
	for i := range points {
		points[i] = 0.25
		if c.kills > 1 {
			points[i] += 0.35 * float64(i) / float64(c.kills-1)
		}
	}
	return points
}

// describe summarises the settings a reader of the report needs to
// interpret it.
func (c *config) describe() string {
	via := "through the half-closing proxy"
	if c.direct {
		via = "direct (--direct)"
	}
	retry := fmt.Sprintf("retry backoff %v-%v", c.minBackoff, c.maxBackoff)
	if c.maxBackoff == 0 {
		retry = "no retry policy"
	}
	return fmt.Sprintf("dead-letter after %d deliveries, %s, worker task timeout %v, "+
		"timeout hold %v, nodes %d, worker to emulator %s", c.maxAttempts, retry,
		c.taskTimeout, c.hold, c.nodes, via)
}
