package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// Config is the worker's whole configuration, parsed once from flags and
// environment (flags win) and passed down; nothing below cmd/worker reads
// the environment.
type Config struct {
	Project         string
	Subscription    string
	ResultTopic     string
	Nodes           int
	AccountSID      string
	AuthToken       secret.String
	AuthTokenSecret string
	TwilioBaseURL   string
	ConnectionName  string
	LogLevel        string // debug, info, warn or error (normalised)
	TaskTimeout     time.Duration
	MaxInFlight     int
	ShutdownGrace   time.Duration
	TaskStore       string // memory:// or redis://…; may hold a password: never log it
	InProgressWait  time.Duration
	ResultTTL       time.Duration // how long task outcomes are remembered
	BudgetStore     string        // "local" or redis://…; may hold a password: never log it
	HTTPAddr        string        // host:port of /metrics, /healthz, /readyz; "off" for none
	Connection                    // proxy, API keys, preflight, region, labels (connection.go)

	// worker local only
	Local     bool
	LocalFile string
	Fixtures  string
	Live      bool
	Unordered bool
}

// errConfig marks configuration errors (exit status 2).
var errConfig = errors.New("configuration")

// errHelp is what parseConfig returns for -h, -help or --help: the caller
// prints the help and exits 0.
var errHelp = errors.New("help requested")

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errConfig, fmt.Sprintf(format, args...))
}

// setting is one configuration value: its flag (none for the auth token,
// which must not appear in a process listing), environment variable,
// default and meaning, as `worker --help` lists them. parse stores the
// text into the Config and returns what is wrong with it ("" when
// nothing), phrased to follow the setting's names.
type setting struct {
	flag, env, def, usage string
	required              bool // for the Pub/Sub worker (Validate checks it)
	cloud                 bool // read by the Pub/Sub worker only: worker local makes its own
	parse                 func(string) string
}

// name is how messages name a setting: "--nodes / CONNECTOR_NODES".
func (s setting) name() string {
	if s.flag == "" {
		return s.env
	}
	return "--" + s.flag + " / " + s.env
}

// settings lists every setting, in the order --help shows them, storing
// into c.
func (c *Config) settings() []setting {
	return append([]setting{
		{"project", "GOOGLE_CLOUD_PROJECT", "", "Google Cloud project of the subscription and topic", true, true, text(&c.Project)},
		{"subscription", "TASK_SUBSCRIPTION", "", "task subscription: id or projects/P/subscriptions/S", true, true, text(&c.Subscription)},
		{"result-topic", "RESULT_TOPIC", "", "result topic: id or projects/P/topics/T", true, true, text(&c.ResultTopic)},
		{"nodes", "CONNECTOR_NODES", "2", "throughput budget: 25 Twilio requests/s per node, 1 to 100", false, false,
			integer(&c.Nodes, 1, 100, "an integer from 1 to 100")},
		{"account-sid", "TWILIO_ACCOUNT_SID", "", "Twilio Account SID (AC and 32 hex digits)", true, false, c.parseAccountSID},
		{"", "TWILIO_AUTH_TOKEN", "", "Twilio auth token, for local use (no flag, so it stays out of process listings); prefer the secret below", false, false, c.parseToken},
		{"auth-token-secret", "TWILIO_AUTH_TOKEN_SECRET", "", "Secret Manager version projects/P/secrets/S/versions/V holding the auth token", false, false, c.parseTokenSecret},
		{"twilio-base-url", "TWILIO_BASE_URL", twiliohttp.DefaultBaseURL, "send every Twilio request to this scheme://host[:port] (simulators, test proxies)", false, false, c.parseBaseURL},
		{"connection-name", "CONNECTION_NAME", "", "connection name: lower-case letters, digits, hyphens (tags every log line)", false, false, c.parseConnection},
		{"log-level", "LOG_LEVEL", "error", "debug, info, warn (or warning) or error, in any case", false, false, c.parseLogLevel},
		{"task-timeout", "TASK_TIMEOUT", "2m", "deadline of one task (all its Twilio requests)", false, false,
			duration(&c.TaskTimeout, time.Nanosecond, "a positive duration such as 2m")},
		{"max-in-flight", "MAX_IN_FLIGHT", "100", "upper bound on Twilio requests in flight: Twilio's concurrency limit " +
			"per account (about 100; raise it only if yours allows more). Below it the cap follows the budget × " +
			"Twilio's observed response time (Little's law); 10 or less is a fixed cap; 0 means 100", false, false,
			integer(&c.MaxInFlight, 0, 1<<20, "a non-negative integer")},
		{"shutdown-grace", "SHUTDOWN_GRACE", "25s", "after SIGTERM, time allowed to finish and publish the tasks in flight", false, false,
			duration(&c.ShutdownGrace, time.Nanosecond, "a positive duration such as 25s")},
		{"task-store", "TASK_STORE", "memory://", "where task outcomes are kept for redeliveries: memory:// (one worker) " +
			"or redis://[user:password@]host[:port][/db], rediss:// for TLS (a pool of workers)", false, true, c.parseTaskStore},
		{"in-progress-wait", "IN_PROGRESS_WAIT", "40s", "how long a redelivery waits for another attempt at the same task, " +
			"or a dead worker's 30s lease, before it is nacked", false, false,
			duration(&c.InProgressWait, time.Nanosecond, "a positive duration such as 40s")},
		{"result-ttl", "RESULT_TTL", "24h", "how long the task store remembers a task's result (and an unfinished " +
			"attempt); keep it longer than the subscription retries a task", false, false,
			duration(&c.ResultTTL, time.Minute, "a duration of at least 1m such as 24h or 168h")},
		{"budget-store", "BUDGET_STORE", "local", "where the rate budget is kept: local (this process alone has " +
			"nodes × 25 requests/s) or redis://[user:password@]host[:port][/db], rediss:// for TLS (every replica " +
			"with the same account SID and connection name shares one budget)", false, true, c.parseBudgetStore},
		{"http-addr", "HTTP_ADDR", ":8080", "[host]:port serving /metrics, /healthz and /readyz; off for none",
			false, true, c.parseHTTPAddr},
	}, c.connectionSettings()...)
}

// localFlag is a flag of worker local only.
type localFlag struct {
	flag, arg, usage string
}

// localFlags are worker local's own flags, registered in parseConfig.
var localFlags = []localFlag{
	{"fixtures", "FILE", "preload the in-process Twilio simulator from this JSON file"},
	{"live", "", "call the real Twilio (api.twilio.com) instead of the in-process simulator"},
	{"unordered", "", "print results as they finish instead of in input order"},
}

// parseConfig reads args (without the program name and subcommand) and the
// environment through getenv, and checks every setting. It returns errHelp
// for -h; otherwise an error marked errConfig that lists every invalid or
// missing setting, one per line, along with the Config as far as it parsed.
func parseConfig(args []string, getenv func(string) string, local bool) (*Config, error) {
	c := &Config{Local: local}
	fs, values := c.flagSet()
	positional, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, errHelp
	}
	if err != nil {
		return nil, &settingsError{problems: []string{err.Error()}, local: local}
	}
	problems := append(c.positional(positional), c.readSettings(fs, values, getenv)...)
	if local {
		c.TaskStore = "memory://" // line numbers as task ids are unique within one run only
	}
	problems = append(problems, c.problems()...)
	if len(problems) > 0 {
		return c, &settingsError{problems: problems, local: local}
	}
	return c, nil
}

// flagSet registers the flags of the command: every setting's, less the
// Pub/Sub worker's own for worker local, which has its own besides.
func (c *Config) flagSet() (*flag.FlagSet, map[string]*string) {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	// The flag package's own messages and usage would print the defaults
	// it was given; run prints the help, and errors say what to do.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	values := map[string]*string{}
	for _, s := range c.settings() {
		if s.flag != "" && !(c.Local && s.cloud) {
			values[s.flag] = fs.String(s.flag, "", s.usage)
		}
	}
	if c.Local {
		fs.StringVar(&c.Fixtures, "fixtures", "", localFlags[0].usage)
		fs.BoolVar(&c.Live, "live", false, localFlags[1].usage)
		fs.BoolVar(&c.Unordered, "unordered", false, localFlags[2].usage)
	}
	return fs, values
}

// readSettings parses every setting from its flag when given (even empty),
// else its environment variable, else its default, and returns the
// problems, one line each.
func (c *Config) readSettings(fs *flag.FlagSet, values map[string]*string, getenv func(string) string) []string {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var problems []string
	for _, s := range c.settings() {
		if c.Local && s.cloud {
			continue
		}
		v := envOr(getenv, s.env, s.def)
		if given[s.flag] {
			v = *values[s.flag]
		}
		if p := s.parse(v); p != "" {
			problems = append(problems, s.name()+" "+p)
		}
	}
	return problems
}

// positional takes worker local's FILE; the Pub/Sub worker takes none.
func (c *Config) positional(args []string) []string {
	switch {
	case c.Local && len(args) > 1:
		return []string{fmt.Sprintf("worker local takes at most one FILE argument (or - for standard input), got %q", args)}
	case c.Local && len(args) == 1:
		c.LocalFile = args[0]
	case !c.Local && len(args) > 0:
		return []string{fmt.Sprintf("unexpected argument %q; the commands are local, entities, describe, check-config, version and help", args[0])}
	}
	return nil
}

// parseInterleaved parses flags wherever they appear among the positional
// arguments (`worker local tasks.jsonl --fixtures f.json`), which the flag
// package alone stops at.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// settingsError lists every invalid or missing setting, one per line.
type settingsError struct {
	problems []string
	local    bool
}

func (e *settingsError) Error() string {
	help := "worker --help"
	if e.local {
		help = "worker local --help"
	}
	return "configuration: " + strings.Join(e.problems, "\nconfiguration: ") +
		"\n(" + help + " lists every setting with its environment variable and default)"
}

// Is makes errors.Is(err, errConfig) hold, for exit status 2.
func (e *settingsError) Is(target error) bool { return target == errConfig }
