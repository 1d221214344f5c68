package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"time"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// config is the command line, parsed and checked.
type config struct {
	addr     string
	fixtures string
	applied  float64 // --fail-500-applied, which sim holds as Config.Fail500AfterApply
	sim      twiliosim.Config
}

var accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)

// errHelp asks run to print usage and exit 0.
var errHelp = errors.New("help requested")

// parseConfig reads the flags; --auth-token falls back to TWILIO_AUTH_TOKEN.
// Errors are configError and name the flag.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run reports errors once, its own way
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8089", "`HOST:PORT` to listen on (port 0 picks a free one)")
	fs.StringVar(&c.fixtures, "fixtures", "", "JSON `FILE` of rows to preload, keyed by fixture key (Twilio's list key: messages, calls, ...)")
	fs.DurationVar(&c.sim.Latency, "latency", 0, "added to every response, e.g. 80ms")
	fs.StringVar(&c.sim.AccountSID, "account-sid", "", "serve only this account (`AC...`)")
	fs.StringVar(&c.sim.AuthToken, "auth-token", getenv("TWILIO_AUTH_TOKEN"), "accept only this auth token (default $TWILIO_AUTH_TOKEN; empty accepts any)")
	fs.BoolVar(&c.sim.RetiredFeedback, "retired-feedback", false, "answer the call feedback endpoints 404 20404, as live Twilio does since 2024")
	fs.Uint64Var(&c.sim.Seed, "seed", 0, "make generated SIDs and injected faults deterministic (0: random)")
	fs.Float64Var(&c.sim.Fail429, "fail-429", 0, "fraction `F` (0..1) of requests answered 429 20429 with Retry-After: 1, unprocessed")
	fs.Float64Var(&c.sim.Fail500, "fail-500", 0, "fraction `F` (0..1) of requests answered 500 20500, a write applied or not per --fail-500-applied")
	fs.Float64Var(&c.applied, "fail-500-applied", 0.5, "probability `P` (0..1) that a write faulted by --fail-500 or --fail-timeout took effect anyway")
	fs.Float64Var(&c.sim.FailTimeout, "fail-timeout", 0, "fraction `F` (0..1) of requests held unanswered, then dropped")
	fs.DurationVar(&c.sim.TimeoutHold, "fail-timeout-hold", 30*time.Second, "how long --fail-timeout holds a request, unless the client leaves first")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usage)
			fs.PrintDefaults()
			return c, errHelp
		}
		return c, configError{fmt.Errorf("%w (run with -h for the flags)", err)}
	}
	if err := c.validate(fs.Args()); err != nil {
		return c, err
	}
	c.sim.Fail500AfterApply = c.applied
	if c.applied == 0 {
		c.sim.Fail500AfterApply = -1 // Config's zero means the default; negative means never
	}
	return c, nil
}

func (c *config) validate(rest []string) error {
	bad := func(format string, args ...any) error { return configError{fmt.Errorf(format, args...)} }
	switch {
	case len(rest) > 0:
		return bad("unexpected argument %q: twiliosim takes flags only", rest[0])
	case c.sim.Latency < 0:
		return bad("--latency %v must not be negative", c.sim.Latency)
	case c.sim.AccountSID != "" && !accountSIDPattern.MatchString(c.sim.AccountSID):
		return bad("--account-sid %q is not an account SID (AC and 32 hex digits)", c.sim.AccountSID)
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return bad("--addr %q: want HOST:PORT: %v", c.addr, err)
	}
	return c.validateFaults()
}

// validateFaults checks the fault flags: fractions within 0..1 that leave
// room for each other, and a positive hold.
func (c *config) validateFaults() error {
	for _, f := range []struct {
		name  string
		value float64
	}{{"--fail-429", c.sim.Fail429}, {"--fail-500", c.sim.Fail500}, {"--fail-timeout", c.sim.FailTimeout}, {"--fail-500-applied", c.applied}} {
		if !(f.value >= 0 && f.value <= 1) { // NaN fails too
			return configError{fmt.Errorf("%s %v must be between 0 and 1", f.name, f.value)}
		}
	}
	// The margin lets decimal fractions that add up to 1 (0.33, 0.56, 0.11)
	// pass although their binary sum may be a hair above it.
	if sum := c.sim.Fail429 + c.sim.Fail500 + c.sim.FailTimeout; sum > 1+1e-9 {
		return configError{fmt.Errorf("--fail-429 + --fail-500 + --fail-timeout is %v; the fractions must sum to at most 1", sum)}
	}
	if c.sim.TimeoutHold <= 0 {
		return configError{fmt.Errorf("--fail-timeout-hold %v must be positive", c.sim.TimeoutHold)}
	}
	return nil
}

// loadFixtures preloads sim from the --fixtures file, if any.
func (c *config) loadFixtures(sim *twiliosim.Server) error {
	if c.fixtures == "" {
		return nil
	}
	f, err := os.Open(c.fixtures)
	if err != nil {
		return configError{fmt.Errorf("--fixtures: %w", err)}
	}
	defer f.Close()
	if err := sim.LoadFixtures(f); err != nil {
		return configError{fmt.Errorf("--fixtures %s: %w", c.fixtures, err)}
	}
	return nil
}
