// Command twiliosim serves a stateful stand-in for the parts of
// api.twilio.com that the connector's catalogue uses (docs/contract.md §4), for
// tests, demos and benchmarks.
//
//	twiliosim [--addr HOST:PORT] [--fixtures FILE] [--latency D]
//	          [--account-sid AC...] [--auth-token T] [--retired-feedback] [--seed N]
//	          [--fail-429 F] [--fail-500 F] [--fail-500-applied P]
//	          [--fail-timeout F] [--fail-timeout-hold D]
//
// The --fail flags inject faults for reliability tests (the twiliosim
// package doc, Faults, has the model): fractions of requests answered 429
// with Retry-After (never processed), 500 (a write processed or not, per
// --fail-500-applied, default 0.5), or held unanswered for
// --fail-timeout-hold (default 30s) or until the client leaves, then
// dropped (a write processed or not, likewise). The three fractions sum to
// at most 1; --seed makes the faults repeatable. A request with the header
// X-Twiliosim-No-Faults: 1 is never faulted.
//
// Its first line on standard output is "listening on http://HOST:PORT" (the
// real port when the given one is 0). It exits 0 after a graceful shutdown on
// SIGINT or SIGTERM, 2 for a bad flag or fixtures file, 1 otherwise.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "twiliosim:", err)
		os.Exit(exitCode(err))
	}
}

// configError is a problem with the command line or the files it names.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// exitCode is the contract's status for err: 2 for bad configuration, 1 for
// any other failure.
func exitCode(err error) int {
	var ce configError
	if errors.As(err, &ce) {
		return 2
	}
	return 1
}
