package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/proxy"
)

func TestConnectionSettings(t *testing.T) {
	c, err := parseConfig([]string{"--proxy-url", "https://proxy.internal:3129", "--preflight=false"}, env(with(map[string]string{
		"PROXY_AUTH_SCHEME": "digest", "PROXY_USER": "u", "PROXY_PASSWORD": "p w\n", "PROXY_SSL_TYPE": "always",
		"TWILIO_REGION": "ie1", "TWILIO_EDGE": "dublin", "CONNECTION_LABELS": "team=ops, env=prod",
	})), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.ProxyAuthScheme != proxy.Digest || c.ProxySSLType != proxy.Always || c.ProxyPassword.Reveal() != "p w" ||
		c.Preflight || c.Region != "ie1" || c.Edge != "dublin" || c.Labels["team"] != "ops" || c.Labels["env"] != "prod" {
		t.Errorf("got %+v", c.Connection)
	}
	if d := describeRoute(c); d != `https://api.dublin.ie1.twilio.com via proxy https://proxy.internal:3129 (auth DIGEST, user "u", SSL type ALWAYS)` {
		t.Errorf("route = %s", d)
	}
	c, _ = parseConfig(nil, env(goodEnv), false)
	if !c.Preflight || c.ProxySSLType != proxy.Auto || c.ProxyAuthScheme != proxy.None || c.Labels != nil {
		t.Errorf("defaults: %+v", c.Connection)
	}
}

// TestConnectionProblems: every problem at once, each naming its setting,
// never a password.
func TestConnectionProblems(t *testing.T) {
	const pw = "Hunter2Secret"
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"bad values", map[string]string{"PROXY_URL": "socks5://p:1", "PROXY_AUTH_SCHEME": "NTLM", "PROXY_SSL_TYPE": "SOMETIMES",
			"PREFLIGHT": "maybe", "TWILIO_REGION": "IE1", "CONNECTION_LABELS": "Team=ops,x,k=V,k=v"},
			[]string{"PROXY_URL must be", "PROXY_AUTH_SCHEME must be NONE, BASIC or DIGEST", "PROXY_SSL_TYPE must be AUTO",
				"PREFLIGHT must be true or false", "TWILIO_REGION must be", `key "Team"`, `"x" is not key=value`, `value "V"`}},
		{"proxy URL with a password", map[string]string{"PROXY_URL": "http://u:" + pw + "@p:1"}, []string{"PROXY_URL", "not shown"}},
		{"auth without user or password", map[string]string{"PROXY_URL": "http://p:1", "PROXY_AUTH_SCHEME": "BASIC"},
			[]string{"PROXY_USER is required", "proxy password is missing"}},
		{"password without scheme", map[string]string{"PROXY_URL": "http://p:1", "PROXY_PASSWORD": pw}, []string{"PROXY_AUTH_SCHEME is NONE"}},
		{"proxy settings without a proxy", map[string]string{"PROXY_USER": "u"}, []string{"PROXY_URL is not set"}},
		{"NEVER with https Twilio", map[string]string{"PROXY_URL": "http://p:1", "PROXY_SSL_TYPE": "NEVER"},
			[]string{"PROXY_SSL_TYPE", "expose the Twilio credentials"}},
		{"API key without its secret, with a token", map[string]string{"TWILIO_API_KEY": "SK0123456789abcdef0123456789abcdef"},
			[]string{"TWILIO_API_KEY needs its secret", "not both"}},
		{"bad API key and secret", map[string]string{"TWILIO_API_KEY": "AK1", "TWILIO_API_SECRET": pw + "!"},
			[]string{"TWILIO_API_KEY must be SK", "TWILIO_API_SECRET must be letters and digits"}},
		{"secret versions", map[string]string{"PROXY_URL": "http://p:1", "PROXY_AUTH_SCHEME": "BASIC", "PROXY_USER": "u",
			"PROXY_PASSWORD_SECRET": "projects/p/secrets/s"}, []string{"PROXY_PASSWORD_SECRET must be projects/P/secrets/S/versions/V"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseConfig(nil, env(with(c.env)), false)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), pw) {
				t.Errorf("error shows a password:\n%v", err)
			}
		})
	}
	// An API key replaces the auth token.
	m := with(map[string]string{"TWILIO_API_KEY": "SK0123456789abcdef0123456789abcdef", "TWILIO_API_SECRET": "abc123"})
	delete(m, "TWILIO_AUTH_TOKEN")
	c, err := parseConfig(nil, env(m), false)
	if err != nil || c.twilioUser() != "SK0123456789abcdef0123456789abcdef" || c.twilioPassword().Get().Reveal() != "abc123" {
		t.Errorf("API key: %v", err)
	}
}

// TestLabelsOnEveryLine: CONNECTION_LABELS reach every log line under
// Cloud Logging's labels key.
func TestLabelsOnEveryLine(t *testing.T) {
	var buf bytes.Buffer
	log, err := newLogger(&buf, "info", "conn-1")
	if err != nil {
		t.Fatal(err)
	}
	log = withLabels(log, map[string]string{"team": "ops", "env": "prod"})
	log.Info("one")
	log.Warn("two")
	_ = log.Sync()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		labels, _ := m["logging.googleapis.com/labels"].(map[string]any)
		if labels["team"] != "ops" || labels["env"] != "prod" || m["connection"] != "conn-1" {
			t.Errorf("line %s lacks the labels", l)
		}
	}
	if len(lines) != 2 {
		t.Errorf("%d lines", len(lines))
	}
}
