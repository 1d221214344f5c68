package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// config is the command line, parsed and checked.
type config struct {
	addr     string
	fixtures string
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
	fs.Uint64Var(&c.sim.Seed, "seed", 0, "make generated SIDs deterministic (0: random)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usage)
			fs.PrintDefaults()
			return c, errHelp
		}
		return c, configError{fmt.Errorf("%w (run with -h for the flags)", err)}
	}
	return c, c.validate(fs.Args())
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
