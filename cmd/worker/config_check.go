package main

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// This file checks settings: each value on its own as it is parsed (the
// parse functions of Config.settings), then the rules between them
// (Validate). Every problem is one line naming the setting; values that
// may hold a password are never quoted.

var (
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	connectionPattern = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$`)
	alphanumeric      = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	resourcePattern   = regexp.MustCompile(`^projects/[^/]+/(subscriptions|topics|secrets)/[^/]+(/versions/[^/]+)?$`)
)

func text(dst *string) func(string) string {
	return func(v string) string { *dst = v; return "" }
}

// integer parses a whole number from lo to hi.
func integer(dst *int, lo, hi int, want string) func(string) string {
	return func(v string) string {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return fmt.Sprintf("must be %s, got %q", want, v)
		}
		*dst = n
		return ""
	}
}

// duration parses a Go duration of at least least.
func duration(dst *time.Duration, least time.Duration, want string) func(string) string {
	return func(v string) string {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < least {
			return fmt.Sprintf("must be %s, got %q", want, v)
		}
		*dst = d
		return ""
	}
}

func (c *Config) parseAccountSID(v string) string {
	c.AccountSID = v
	if v != "" && !accountSIDPattern.MatchString(v) {
		return fmt.Sprintf("must be AC followed by 32 hex digits, got %q", v)
	}
	return ""
}

func (c *Config) parseToken(v string) string {
	// A token pasted with a trailing newline is still the token.
	c.AuthToken = secret.New(strings.TrimSpace(v))
	if !c.AuthToken.IsZero() && !alphanumeric.MatchString(c.AuthToken.Reveal()) {
		// twilio-go refuses such a password on every request (error 21224);
		// say so once, at start, without showing the value.
		return "must be letters and digits only, as Twilio auth tokens are (the value is not shown)"
	}
	return ""
}

func (c *Config) parseTokenSecret(v string) string {
	c.AuthTokenSecret = v
	if v != "" && !strings.HasPrefix(v, "projects/") {
		return fmt.Sprintf("must be projects/P/secrets/S/versions/V, got %q", v)
	}
	return ""
}

func (c *Config) parseBaseURL(v string) string {
	c.TwilioBaseURL = v
	if _, err := twiliohttp.ParseBaseURL(v); err != nil {
		return err.Error() // never quotes a value that may hold a password
	}
	return ""
}

func (c *Config) parseConnection(v string) string {
	c.ConnectionName = v
	if v != "" && !connectionPattern.MatchString(v) {
		return fmt.Sprintf("%q: use lower-case letters, digits and hyphens, start with a letter, "+
			"end with a letter or digit, at most 49 characters", v)
	}
	return ""
}

// parseLogLevel accepts the level names in any case, and "warning" as the
// logs spell it (severity WARNING) besides zap's "warn".
func (c *Config) parseLogLevel(v string) string {
	l := strings.ToLower(strings.TrimSpace(v))
	if l == "warning" {
		l = "warn"
	}
	switch l {
	case "debug", "info", "warn", "error":
		c.LogLevel = l
		return ""
	}
	return fmt.Sprintf("must be debug, info, warn (or warning) or error, got %q", v)
}

// parseTaskStore checks the URL's form without connecting: a bad URL is a
// configuration error (status 2), a Redis that does not answer is not.
func (c *Config) parseTaskStore(v string) string {
	c.TaskStore = v
	if err := taskstore.CheckURL(v); err != nil {
		// The store's errors mask the password already.
		return "is invalid: " + strings.TrimPrefix(err.Error(), "taskstore: ")
	}
	return ""
}

// parseBudgetStore checks the budget store's form without connecting.
func (c *Config) parseBudgetStore(v string) string {
	c.BudgetStore = strings.TrimSpace(v)
	scheme, _, _ := strings.Cut(c.BudgetStore, ":")
	switch strings.ToLower(scheme) {
	case "local":
		if strings.EqualFold(c.BudgetStore, "local") {
			c.BudgetStore = "local"
			return ""
		}
	case "redis", "rediss":
		if _, err := taskstore.RedisOptions(c.BudgetStore); err != nil {
			// Masks the password already; the store's wording names
			// the task store, this is the budget's.
			return "is invalid: " + strings.TrimPrefix(err.Error(), "taskstore: task store ")
		}
		return ""
	}
	return fmt.Sprintf("must be local or redis://[user:password@]host[:port][/db] (rediss:// for TLS), got %q",
		taskstore.Redact(v))
}

// parseHTTPAddr accepts off or [host]:port.
func (c *Config) parseHTTPAddr(v string) string {
	c.HTTPAddr = strings.TrimSpace(v)
	if strings.EqualFold(c.HTTPAddr, "off") {
		c.HTTPAddr = "off"
		return ""
	}
	_, port, err := net.SplitHostPort(c.HTTPAddr)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("must be [host]:port (such as :8080 or 127.0.0.1:9090) or off, got %q", v)
	}
	return ""
}

// Validate checks the rules between settings (parseConfig has checked each
// value) and returns every problem as one error marked errConfig, or nil.
func (c *Config) Validate() error {
	if p := c.problems(); len(p) > 0 {
		return &settingsError{problems: p, local: c.Local}
	}
	return nil
}

// problems are the rules between settings, one line per problem.
func (c *Config) problems() []string {
	var out []string
	if !c.Local {
		out = append(out, c.cloudProblems()...)
	}
	if c.needsTwilioCredentials() {
		out = append(out, c.credentialProblems()...)
	}
	out = append(out, c.connectionProblems()...)
	if c.Local && c.Fixtures != "" && (c.Live || c.TwilioBaseURL != twiliohttp.DefaultBaseURL) {
		out = append(out, "--fixtures preloads the in-process simulator; it cannot be combined with --live or --twilio-base-url")
	}
	return out
}

func (c *Config) cloudProblems() []string {
	var out []string
	for _, s := range []struct{ name, v, kind string }{
		{"--project / GOOGLE_CLOUD_PROJECT", c.Project, ""},
		{"--subscription / TASK_SUBSCRIPTION", c.Subscription, "subscriptions"},
		{"--result-topic / RESULT_TOPIC", c.ResultTopic, "topics"},
	} {
		switch {
		case strings.TrimSpace(s.v) == "":
			out = append(out, s.name+" is required")
		case strings.Contains(s.v, "/") && (!resourcePattern.MatchString(s.v) || !strings.Contains(s.v, "/"+s.kind+"/")):
			out = append(out, fmt.Sprintf("%s must be an id or projects/P/%s/NAME, got %q", s.name, s.kind, s.v))
		}
	}
	return out
}

// needsTwilioCredentials: worker local with its simulator makes up its own.
func (c *Config) needsTwilioCredentials() bool {
	return !c.Local || c.Live || c.TwilioBaseURL != twiliohttp.DefaultBaseURL
}

func (c *Config) credentialProblems() []string {
	var out []string
	if c.AccountSID == "" {
		out = append(out, "--account-sid / TWILIO_ACCOUNT_SID is required")
	}
	if c.AuthToken.IsZero() && c.AuthTokenSecret == "" && c.APIKey == "" {
		out = append(out, "the Twilio auth token is missing: set --auth-token-secret / TWILIO_AUTH_TOKEN_SECRET "+
			"(a Secret Manager version) or TWILIO_AUTH_TOKEN, or an API key (--api-key / TWILIO_API_KEY)")
	}
	return out
}
