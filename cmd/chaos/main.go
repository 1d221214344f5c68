// Command chaos runs the real worker through a storm and checks that no
// task is lost, answered twice differently, or sent to Twilio twice.
//
//	chaos [--tasks 10000] [--fail-429 0.10] [--fail-500 0.05] [--fail-timeout 0.02]
//	      [--kills 2] [--nodes 20] [--seed 1] [--worker-bin PATH]
//	      [--redis HOST:PORT] [--redis-db 15] [--log-dir DIR] [--task-timeout 15s]
//	      [--timeout-hold 20s] [--stall 90s] [--timeout 15m]
//
// It needs the Pub/Sub emulator (PUBSUB_EMULATOR_HOST) and a Redis server
// (--redis or REDIS_ADDR) for the worker's task store, so that restarts
// keep the outcomes already recorded. Database --redis-db (15 unless set)
// is emptied with FLUSHDB at start: do not point it at data you keep.
//
// A run creates fresh topics and subscriptions (the task subscription
// dead-letters after 5 attempts, with a 1–10 s retry backoff), serves an
// in-process Twilio simulator that answers the given fractions of requests
// with 429, 500 or no answer at all (a faulted create takes effect half of
// the time), publishes --tasks Messages CREATE tasks whose body is their
// task id, and runs the worker binary against them. It SIGKILLs and
// restarts the worker --kills times while results flow (between 25 % and
// 60 % of the tasks answered), waits until every task is answered or
// dead-lettered (or nothing happens for --stall), stops the worker with
// SIGTERM, and prints a report, one "name: value" per line.
//
// The simulator holds a timed-out request for --timeout-hold (20 s), longer
// than the worker's --task-timeout (15 s), so the worker gives up first and
// answers DEADLINE_EXCEEDED with the outcome unknown, as it would against
// a Twilio that never answers.
//
// It exits 0 when the targets are met: no task without a result (unless
// dead-lettered), none with two different results, no Twilio message
// created twice for a task, no definite answer that the simulator
// contradicts (an ambiguous outcome must be reported as unknown), and a
// clean worker exit on SIGTERM. It exits 1 with a "target missed" line for
// each one missed, or on failure; 2 for a bad flag or a missing service.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
)

func main() {
	err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "chaos:", err)
	var ce configError
	if errors.As(err, &ce) {
		os.Exit(2)
	}
	os.Exit(1)
}
