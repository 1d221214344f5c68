package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/proxy"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// Connection holds the connection settings of the managed connector's
// connection page and more (README "Connection settings"): the proxy, API
// keys, the preflight, region and edge, labels, and where Secret Manager
// is. It is embedded in Config.
type Connection struct {
	ProxyURL            string
	ProxyAuthScheme     proxy.Scheme
	ProxyUser           string
	ProxyPassword       secret.String
	ProxyPasswordSecret string
	ProxySSLType        proxy.SSLType
	Preflight           bool
	APIKey              string
	APISecret           secret.String
	APISecretSecret     string
	Region, Edge        string
	// Labels are CONNECTION_LABELS, checked as Google Cloud labels: every
	// log line carries them, and metrics may take them as constant labels.
	Labels                map[string]string
	SecretManagerEndpoint string

	proxyURL *url.URL
	// Set by openCredentials for the Pub/Sub worker: the Twilio password
	// (auth token or API secret) and the proxy password, re-read from
	// Secret Manager when refused.
	twilioSecret, proxySecret *secret.Source
}

var (
	apiKeyPattern   = regexp.MustCompile(`^SK[0-9a-fA-F]{32}$`)
	regionPattern   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
	labelKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	labelValPattern = regexp.MustCompile(`^[a-z0-9_-]{0,63}$`)
)

// connectionSettings are the settings of Connection, in --help order.
func (c *Config) connectionSettings() []setting {
	return []setting{
		{"api-key", "TWILIO_API_KEY", "", "Twilio API key SID (SK and 32 hex digits), with its secret instead of the auth token; " +
			"recommended for production (revocable, one per deployment)", false, false, c.parseAPIKey},
		{"", "TWILIO_API_SECRET", "", "the API key's secret, for local use (no flag); prefer the secret below", false, false, c.parseAPISecret},
		{"api-secret-secret", "TWILIO_API_SECRET_SECRET", "", "Secret Manager version projects/P/secrets/S/versions/V holding the " +
			"API key's secret (versions/latest is re-read when Twilio answers 401)", false, true, secretVersion(&c.APISecretSecret)},
		{"region", "TWILIO_REGION", "", "Twilio region such as ie1 or au1: hosts become product[.edge].region.twilio.com " +
			"(--twilio-base-url wins)", false, false, c.parseRegion(&c.Region)},
		{"edge", "TWILIO_EDGE", "", "Twilio edge such as dublin or sydney (region us1 when only the edge is set)", false, false,
			c.parseRegion(&c.Edge)},
		{"proxy-url", "PROXY_URL", "", "send every Twilio request (and nothing else) through this proxy: http://host:port, " +
			"or https://host:port for a proxy that speaks TLS", false, false, c.parseProxyURL},
		{"proxy-auth-scheme", "PROXY_AUTH_SCHEME", "NONE", "the proxy's authentication: NONE, BASIC (sent with every request) " +
			"or DIGEST (answers the proxy's challenge)", false, false, c.parseProxyScheme},
		{"proxy-user", "PROXY_USER", "", "the proxy user, for BASIC or DIGEST", false, false, text(&c.ProxyUser)},
		{"", "PROXY_PASSWORD", "", "the proxy password, for local use (no flag); prefer the secret below", false, false,
			func(v string) string { c.ProxyPassword = secret.New(strings.TrimRight(v, "\r\n")); return "" }},
		{"proxy-password-secret", "PROXY_PASSWORD_SECRET", "", "Secret Manager version holding the proxy password " +
			"(versions/latest is re-read when the proxy answers 407)", false, true, secretVersion(&c.ProxyPasswordSecret)},
		{"proxy-ssl-type", "PROXY_SSL_TYPE", "AUTO", "how requests cross the proxy: AUTO (TUNNEL for https Twilio URLs, NEVER " +
			"for http), ALWAYS (TLS to the proxy, then CONNECT), NEVER (plain HTTP, absolute URLs; http Twilio URLs only), " +
			"TUNNEL (CONNECT)", false, false, c.parseSSLType},
		{"preflight", "PREFLIGHT", "true", "at start, fetch the account through the proxy: refused credentials (401) or proxy " +
			"(407) exit 2, an unreachable Twilio or proxy is retried", false, true, c.parsePreflight},
		{"connection-labels", "CONNECTION_LABELS", "", "key=value,... Google Cloud labels (lower case, at most 63 characters, " +
			"at most 64) added to every log line", false, false, c.parseLabels},
		{"secret-manager-endpoint", "SECRET_MANAGER_ENDPOINT", "", "Secret Manager host:port instead of Google's (private " +
			"endpoints); a loopback address is plaintext without credentials (tests, emulators)", false, true,
			text(&c.SecretManagerEndpoint)},
	}
}

func secretVersion(dst *string) func(string) string {
	return func(v string) string {
		*dst = v
		if v != "" && (!resourcePattern.MatchString(v) || !strings.Contains(v, "/secrets/") || !strings.Contains(v, "/versions/")) {
			return fmt.Sprintf("must be projects/P/secrets/S/versions/V (V a number or latest), got %q", v)
		}
		return ""
	}
}

func (c *Config) parseAPIKey(v string) string {
	c.APIKey = strings.TrimSpace(v)
	if c.APIKey != "" && !apiKeyPattern.MatchString(c.APIKey) {
		return fmt.Sprintf("must be SK followed by 32 hex digits, got %q", v)
	}
	return ""
}

func (c *Config) parseAPISecret(v string) string {
	c.APISecret = secret.New(strings.TrimSpace(v))
	if !c.APISecret.IsZero() && !alphanumeric.MatchString(c.APISecret.Reveal()) {
		return "must be letters and digits only, as Twilio API secrets are (the value is not shown)"
	}
	return ""
}

func (c *Config) parseRegion(dst *string) func(string) string {
	return func(v string) string {
		*dst = strings.TrimSpace(v)
		if *dst != "" && !regionPattern.MatchString(*dst) {
			return fmt.Sprintf("must be lower-case letters, digits and hyphens (such as ie1 or dublin), got %q", v)
		}
		return ""
	}
}

func (c *Config) parseProxyURL(v string) string {
	c.ProxyURL = strings.TrimSpace(v)
	if c.ProxyURL == "" {
		return ""
	}
	u, err := proxy.ParseURL(c.ProxyURL)
	if err != nil {
		return err.Error()
	}
	c.proxyURL = u
	return ""
}

func (c *Config) parseProxyScheme(v string) string {
	s, ok := proxy.ParseScheme(v)
	if !ok {
		return fmt.Sprintf("must be NONE, BASIC or DIGEST, got %q", v)
	}
	c.ProxyAuthScheme = s
	return ""
}

func (c *Config) parseSSLType(v string) string {
	s, ok := proxy.ParseSSLType(v)
	if !ok {
		return fmt.Sprintf("must be AUTO, ALWAYS, NEVER or TUNNEL, got %q", v)
	}
	c.ProxySSLType = s
	return ""
}

func (c *Config) parsePreflight(v string) string {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return fmt.Sprintf("must be true or false, got %q", v)
	}
	c.Preflight = b
	return ""
}

// parseLabels reads key=value,key=value as Google Cloud labels.
func (c *Config) parseLabels(v string) string {
	c.Labels = nil
	if strings.TrimSpace(v) == "" {
		return ""
	}
	labels := map[string]string{}
	var bad []string
	for _, pair := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("%q is not key=value", pair))
		case !labelKeyPattern.MatchString(k):
			bad = append(bad, fmt.Sprintf("key %q must start with a lower-case letter and hold only lower-case letters, "+
				"digits, _ and -, at most 63 characters", k))
		case !labelValPattern.MatchString(val):
			bad = append(bad, fmt.Sprintf("value %q of %s must hold only lower-case letters, digits, _ and -, at most 63 characters", val, k))
		case hasKey(labels, k):
			bad = append(bad, fmt.Sprintf("key %q is given twice", k))
		default:
			labels[k] = val
		}
	}
	if len(labels) > 64 {
		bad = append(bad, fmt.Sprintf("has %d labels, at most 64 are allowed", len(labels)))
	}
	if len(bad) > 0 {
		return "is not a list of Google Cloud labels: " + strings.Join(bad, "; ")
	}
	c.Labels = labels
	return ""
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// connectionProblems are the rules between the connection settings.
func (c *Config) connectionProblems() []string {
	var out []string
	if c.APIKey != "" {
		if c.APISecret.IsZero() && c.APISecretSecret == "" {
			out = append(out, "--api-key / TWILIO_API_KEY needs its secret: set --api-secret-secret / TWILIO_API_SECRET_SECRET "+
				"(a Secret Manager version) or TWILIO_API_SECRET")
		}
		if !c.AuthToken.IsZero() || c.AuthTokenSecret != "" {
			out = append(out, "set either --api-key / TWILIO_API_KEY with its secret, or the auth token "+
				"(TWILIO_AUTH_TOKEN, --auth-token-secret / TWILIO_AUTH_TOKEN_SECRET), not both")
		}
	} else if !c.APISecret.IsZero() || c.APISecretSecret != "" {
		out = append(out, "an API secret is set but --api-key / TWILIO_API_KEY is not")
	}
	if !c.APISecret.IsZero() && c.APISecretSecret != "" {
		out = append(out, "set TWILIO_API_SECRET or --api-secret-secret / TWILIO_API_SECRET_SECRET, not both")
	}
	out = append(out, c.proxyProblems()...)
	return out
}

func (c *Config) proxyProblems() []string {
	hasPassword := !c.ProxyPassword.IsZero() || c.ProxyPasswordSecret != ""
	if c.ProxyURL == "" {
		if c.ProxyAuthScheme != proxy.None || c.ProxyUser != "" || hasPassword || c.ProxySSLType != proxy.Auto {
			return []string{"proxy settings are given but --proxy-url / PROXY_URL is not set"}
		}
		return nil
	}
	if c.proxyURL == nil {
		return nil // PROXY_URL itself is reported
	}
	var out []string
	switch {
	case c.ProxyAuthScheme == proxy.None && (c.ProxyUser != "" || hasPassword):
		out = append(out, "a proxy user or password is set but --proxy-auth-scheme / PROXY_AUTH_SCHEME is NONE: set BASIC or DIGEST")
	case c.ProxyAuthScheme != proxy.None:
		if c.ProxyUser == "" {
			out = append(out, fmt.Sprintf("--proxy-user / PROXY_USER is required with PROXY_AUTH_SCHEME %s", c.ProxyAuthScheme))
		}
		if !hasPassword {
			out = append(out, fmt.Sprintf("the proxy password is missing (PROXY_AUTH_SCHEME %s): set --proxy-password-secret / "+
				"PROXY_PASSWORD_SECRET (a Secret Manager version) or PROXY_PASSWORD", c.ProxyAuthScheme))
		}
		if c.ProxyAuthScheme == proxy.Basic && strings.Contains(c.ProxyUser, ":") {
			out = append(out, "--proxy-user / PROXY_USER cannot contain a colon with BASIC authentication")
		}
	}
	if !c.ProxyPassword.IsZero() && c.ProxyPasswordSecret != "" {
		out = append(out, "set PROXY_PASSWORD or --proxy-password-secret / PROXY_PASSWORD_SECRET, not both")
	}
	if err := c.proxyConfig().Check(c.twilioScheme()); err != nil {
		out = append(out, "--proxy-ssl-type / PROXY_SSL_TYPE: "+err.Error())
	}
	return out
}

// twilioScheme is the scheme of the Twilio URLs requests go to.
func (c *Config) twilioScheme() string {
	if u := c.twilioBaseURL(); u != nil {
		return u.Scheme
	}
	return "https"
}

// twilioBaseURL is --twilio-base-url when it is not Twilio's own.
func (c *Config) twilioBaseURL() *url.URL {
	if c.TwilioBaseURL == twiliohttp.DefaultBaseURL {
		return nil
	}
	u, _ := twiliohttp.ParseBaseURL(c.TwilioBaseURL)
	return u
}

func (c *Config) proxyConfig() proxy.Config {
	pw := c.proxySecret
	if pw == nil {
		pw = secret.Static(c.ProxyPassword)
	}
	return proxy.Config{URL: c.proxyURL, Auth: c.ProxyAuthScheme, User: c.ProxyUser, Password: pw, SSLType: c.ProxySSLType}
}

// twilioBase is the innermost Twilio transport: the connection pool, the
// proxy when one is set, and where requests go: the base URL when one is
// set, else Twilio's hosts at the edge and region.
func twilioBase(cfg *Config, base *url.URL, conns int) http.RoundTripper {
	pool := twiliohttp.NewBase(conns)
	var rt http.RoundTripper = pool
	if cfg.proxyURL != nil {
		// The proxy is for Twilio only; HTTPS_PROXY still applies to the
		// Google clients, but no longer to Twilio.
		rt = proxy.New(cfg.proxyConfig(), pool)
	}
	if base != nil {
		return twiliohttp.Rewrite(base, rt)
	}
	return twiliohttp.Regional(cfg.Edge, cfg.Region, rt)
}

// twilioUser is the Basic user of Twilio requests: the API key when set,
// else the Account SID (the account stays in the paths either way).
func (c *Config) twilioUser() string {
	if c.APIKey != "" {
		return c.APIKey
	}
	return c.AccountSID
}

// twilioPassword is the Source of the auth token or API secret; nil when
// neither is configured (worker local's simulator makes its own).
func (c *Config) twilioPassword() *secret.Source {
	switch {
	case c.twilioSecret != nil:
		return c.twilioSecret
	case c.APIKey != "":
		return secret.Static(c.APISecret)
	case !c.AuthToken.IsZero():
		return secret.Static(c.AuthToken)
	}
	return nil
}

// withCredentials signs every Twilio request with the current credentials,
// answering a 401 with a re-read secret once (twiliohttp.Reauth).
func withCredentials(cfg *Config, stack http.RoundTripper) http.RoundTripper {
	pw := cfg.twilioPassword()
	if pw == nil {
		return stack
	}
	return twiliohttp.Reauth(stack, cfg.twilioUser(), pw)
}

// withLabels adds CONNECTION_LABELS to every log line, under the key
// Cloud Logging reads as the entry's labels.
func withLabels(log *zap.Logger, labels map[string]string) *zap.Logger {
	if len(labels) == 0 {
		return log
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return log.With(zap.Dict("logging.googleapis.com/labels", func() []zap.Field {
		f := make([]zap.Field, 0, len(keys))
		for _, k := range keys {
			f = append(f, zap.String(k, labels[k]))
		}
		return f
	}()...))
}
