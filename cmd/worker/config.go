package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap/zapcore"

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
	LogLevel        string
	TaskTimeout     time.Duration
	MaxInFlight     int
	ShutdownGrace   time.Duration
	TaskStore       string // memory:// or redis://…; may hold a password: never log it
	InProgressWait  time.Duration
	ResultTTL       time.Duration // how long task outcomes are remembered

	// worker local only
	Local     bool
	LocalFile string
	Fixtures  string
	Live      bool
	Unordered bool
}

// errConfig marks configuration errors (exit status 2).
var errConfig = errors.New("configuration")

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errConfig, fmt.Sprintf(format, args...))
}

// setting is one flag with its environment variable and default.
type setting struct {
	flag, env, def, usage string
	dst                   *string
}

func (c *Config) settings() []setting {
	return []setting{
		{"project", "GOOGLE_CLOUD_PROJECT", "", "Google Cloud project of the subscription and topic", &c.Project},
		{"subscription", "TASK_SUBSCRIPTION", "", "task subscription: id or projects/P/subscriptions/S", &c.Subscription},
		{"result-topic", "RESULT_TOPIC", "", "result topic: id or projects/P/topics/T", &c.ResultTopic},
		{"account-sid", "TWILIO_ACCOUNT_SID", "", "Twilio Account SID (AC…)", &c.AccountSID},
		{"auth-token-secret", "TWILIO_AUTH_TOKEN_SECRET", "", "Secret Manager version projects/P/secrets/S/versions/V holding the auth token", &c.AuthTokenSecret},
		{"twilio-base-url", "TWILIO_BASE_URL", twiliohttp.DefaultBaseURL, "send every Twilio request to this scheme://host[:port]", &c.TwilioBaseURL},
		{"connection-name", "CONNECTION_NAME", "", "connection name (tags logs)", &c.ConnectionName},
		{"log-level", "LOG_LEVEL", "error", "debug, info, warn or error", &c.LogLevel},
	}
}

// parseConfig reads args (without the program name and subcommand) and the
// environment through getenv.
func parseConfig(args []string, getenv func(string) string, local bool, stderr io.Writer) (*Config, error) {
	c := &Config{Local: local}
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range c.settings() {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, s.usage+" (env "+s.env+")")
	}
	nodes := fs.String("nodes", envOr(getenv, "CONNECTOR_NODES", "2"), "throughput budget: 25 Twilio requests/s per node, 1 to 100 (env CONNECTOR_NODES)")
	timeout := fs.String("task-timeout", envOr(getenv, "TASK_TIMEOUT", "2m"), "deadline of one task (env TASK_TIMEOUT)")
	inflight := fs.String("max-in-flight", envOr(getenv, "MAX_IN_FLIGHT", "0"), "cap on Twilio requests in flight; 0 = min(100, nodes×10) (env MAX_IN_FLIGHT)")
	// Registered without the environment's value as its default: the flag
	// package prints defaults in its usage text, and a Redis URL may hold
	// a password.
	fs.StringVar(&c.TaskStore, "task-store", "", "where task outcomes are kept for redeliveries: memory:// "+
		"(default; one worker) or redis://[user:password@]host:port[/db] (a pool) (env TASK_STORE)")
	wait := fs.String("in-progress-wait", envOr(getenv, "IN_PROGRESS_WAIT", "40s"), "how long a redelivery waits for "+
		"another attempt at the same task, or a dead worker's 30s lease, before it is nacked (env IN_PROGRESS_WAIT)")
	ttl := fs.String("result-ttl", envOr(getenv, "RESULT_TTL", "24h"), "how long the task store remembers a task's "+
		"result (and an unfinished attempt) for redeliveries and duplicate messages; keep it longer than the "+
		"subscription retries a task (env RESULT_TTL)")
	grace := fs.String("shutdown-grace", envOr(getenv, "SHUTDOWN_GRACE", "25s"), "time allowed after SIGTERM to finish tasks in flight (env SHUTDOWN_GRACE)")
	if local {
		fs.StringVar(&c.Fixtures, "fixtures", "", "preload the in-process Twilio simulator from this JSON file")
		fs.BoolVar(&c.Live, "live", false, "call the real Twilio (api.twilio.com) instead of the in-process simulator")
		fs.BoolVar(&c.Unordered, "unordered", false, "print results as they arrive instead of in input order")
	}
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, configErr("%v", err)
	}
	if local {
		if len(positional) > 1 {
			return nil, configErr("worker local takes at most one FILE argument (or - for standard input), got %q", positional)
		}
		if len(positional) == 1 {
			c.LocalFile = positional[0]
		}
	} else if len(positional) > 0 {
		return nil, configErr("unexpected argument %q; the subcommands are local, entities and describe", positional[0])
	}
	if c.TaskStore == "" {
		c.TaskStore = envOr(getenv, "TASK_STORE", "memory://")
	}
	if c.InProgressWait, err = time.ParseDuration(*wait); err != nil || c.InProgressWait <= 0 {
		return nil, configErr("--in-progress-wait / IN_PROGRESS_WAIT must be a positive duration such as 40s, got %q", *wait)
	}
	if c.ResultTTL, err = time.ParseDuration(*ttl); err != nil || c.ResultTTL < time.Minute {
		return nil, configErr("--result-ttl / RESULT_TTL must be a duration of at least 1m such as 24h or 168h, got %q", *ttl)
	}
	// A token pasted with a trailing newline is still the token.
	c.AuthToken = secret.New(strings.TrimSpace(getenv("TWILIO_AUTH_TOKEN")))
	if err := c.parseNumbers(*nodes, *timeout, *inflight, *grace); err != nil {
		return nil, err
	}
	return c, nil
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

func (c *Config) parseNumbers(nodes, timeout, inflight, grace string) error {
	var err error
	if c.Nodes, err = strconv.Atoi(strings.TrimSpace(nodes)); err != nil {
		return configErr("--nodes / CONNECTOR_NODES must be an integer from 1 to 100, got %q", nodes)
	}
	if c.MaxInFlight, err = strconv.Atoi(strings.TrimSpace(inflight)); err != nil || c.MaxInFlight < 0 {
		return configErr("--max-in-flight / MAX_IN_FLIGHT must be a non-negative integer, got %q", inflight)
	}
	if c.TaskTimeout, err = time.ParseDuration(timeout); err != nil || c.TaskTimeout <= 0 {
		return configErr("--task-timeout / TASK_TIMEOUT must be a positive duration such as 2m, got %q", timeout)
	}
	if c.ShutdownGrace, err = time.ParseDuration(grace); err != nil || c.ShutdownGrace <= 0 {
		return configErr("--shutdown-grace / SHUTDOWN_GRACE must be a positive duration such as 25s, got %q", grace)
	}
	return nil
}

var (
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	connectionPattern = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$`)
	alphanumeric      = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	resourcePattern   = regexp.MustCompile(`^projects/[^/]+/(subscriptions|topics|secrets)/[^/]+(/versions/[^/]+)?$`)
)

// Validate checks every setting and names the one at fault.
func (c *Config) Validate() error {
	if c.Nodes < 1 || c.Nodes > 100 {
		return configErr("--nodes / CONNECTOR_NODES must be from 1 to 100, got %d", c.Nodes)
	}
	if !c.Local {
		if err := c.validateCloud(); err != nil {
			return err
		}
	}
	if c.AccountSID != "" && !accountSIDPattern.MatchString(c.AccountSID) {
		return configErr("--account-sid / TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits, got %q", c.AccountSID)
	}
	if c.needsTwilioCredentials() {
		if err := c.validateCredentials(); err != nil {
			return err
		}
	}
	if c.Local && c.Fixtures != "" && (c.Live || c.TwilioBaseURL != twiliohttp.DefaultBaseURL) {
		return configErr("--fixtures preloads the in-process simulator; it cannot be combined with --live or --twilio-base-url")
	}
	if _, err := twiliohttp.ParseBaseURL(c.TwilioBaseURL); err != nil {
		return configErr("--twilio-base-url / TWILIO_BASE_URL: %v", err)
	}
	if !strings.HasPrefix(c.TaskStore, "memory://") && !strings.HasPrefix(c.TaskStore, "redis://") &&
		!strings.HasPrefix(c.TaskStore, "rediss://") {
		return configErr("--task-store / TASK_STORE must be memory:// or redis://[user:password@]host[:port][/db] (rediss:// for TLS)")
	}
	if c.ConnectionName != "" && !connectionPattern.MatchString(c.ConnectionName) {
		return configErr("--connection-name / CONNECTION_NAME %q: use lower-case letters, digits and hyphens, "+
			"start with a letter, end with a letter or digit, at most 49 characters", c.ConnectionName)
	}
	if _, err := zapcore.ParseLevel(c.LogLevel); err != nil || !validLevel(c.LogLevel) {
		return configErr("--log-level / LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel)
	}
	return nil
}

func validLevel(l string) bool {
	switch strings.ToLower(l) {
	case "debug", "info", "warn", "error":
		return true
	}
	return false
}

func (c *Config) validateCloud() error {
	for _, s := range []struct{ name, v, kind string }{
		{"--project / GOOGLE_CLOUD_PROJECT", c.Project, ""},
		{"--subscription / TASK_SUBSCRIPTION", c.Subscription, "subscriptions"},
		{"--result-topic / RESULT_TOPIC", c.ResultTopic, "topics"},
	} {
		if strings.TrimSpace(s.v) == "" {
			return configErr("%s is required", s.name)
		}
		if strings.Contains(s.v, "/") && (!resourcePattern.MatchString(s.v) || !strings.Contains(s.v, "/"+s.kind+"/")) {
			return configErr("%s must be an id or projects/P/%s/NAME, got %q", s.name, s.kind, s.v)
		}
	}
	return nil
}

// needsTwilioCredentials: worker local with its simulator makes up its own.
func (c *Config) needsTwilioCredentials() bool {
	return !c.Local || c.Live || c.TwilioBaseURL != twiliohttp.DefaultBaseURL
}

func (c *Config) validateCredentials() error {
	if c.AccountSID == "" {
		return configErr("--account-sid / TWILIO_ACCOUNT_SID is required")
	}
	if c.AuthToken.IsZero() && c.AuthTokenSecret == "" {
		return configErr("the Twilio auth token is missing: set --auth-token-secret / TWILIO_AUTH_TOKEN_SECRET " +
			"(a Secret Manager version) or TWILIO_AUTH_TOKEN")
	}
	if !c.AuthToken.IsZero() && !alphanumeric.MatchString(c.AuthToken.Reveal()) {
		// twilio-go refuses such a password on every request (error 21224);
		// say so once, at start, without showing the value.
		return configErr("TWILIO_AUTH_TOKEN must be letters and digits only, as Twilio auth tokens are (the value is not shown)")
	}
	if c.AuthTokenSecret != "" && !strings.HasPrefix(c.AuthTokenSecret, "projects/") {
		return configErr("--auth-token-secret / TWILIO_AUTH_TOKEN_SECRET must be projects/P/secrets/S/versions/V, got %q", c.AuthTokenSecret)
	}
	return nil
}
