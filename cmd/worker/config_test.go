package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var goodEnv = map[string]string{
	"GOOGLE_CLOUD_PROJECT": "p", "TASK_SUBSCRIPTION": "tasks", "RESULT_TOPIC": "results",
	"TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000001", "TWILIO_AUTH_TOKEN": "tok",
}

func with(over map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range goodEnv {
		m[k] = v
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

func TestConfigDefaultsAndFlagsWin(t *testing.T) {
	c, err := parseConfig([]string{"--nodes", "7"}, env(with(map[string]string{"CONNECTOR_NODES": "3"})), false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Nodes != 7 || c.LogLevel != "error" || c.TwilioBaseURL != "https://api.twilio.com" || c.TaskTimeout != 2*time.Minute {
		t.Errorf("got %+v", c)
	}
	c, _ = parseConfig(nil, env(goodEnv), false, io.Discard)
	if c.Nodes != 2 || c.ResultTTL != 24*time.Hour || c.InProgressWait != 40*time.Second {
		t.Errorf("defaults: nodes %d, result TTL %v, in-progress wait %v; want 2, 24h, 40s", c.Nodes, c.ResultTTL, c.InProgressWait)
	}
	c, _ = parseConfig(nil, env(with(map[string]string{"RESULT_TTL": "168h"})), false, io.Discard)
	if c.ResultTTL != 168*time.Hour {
		t.Errorf("RESULT_TTL=168h gave %v", c.ResultTTL)
	}
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"nodes zero", []string{"--nodes", "0"}, goodEnv, "--nodes / CONNECTOR_NODES must be from 1 to 100"},
		{"nodes 101", nil, with(map[string]string{"CONNECTOR_NODES": "101"}), "CONNECTOR_NODES"},
		{"nodes text", []string{"--nodes", "two"}, goodEnv, "must be an integer"},
		{"no project", nil, with(map[string]string{"GOOGLE_CLOUD_PROJECT": ""}), "--project / GOOGLE_CLOUD_PROJECT is required"},
		{"no subscription", nil, with(map[string]string{"TASK_SUBSCRIPTION": ""}), "TASK_SUBSCRIPTION is required"},
		{"bad subscription", []string{"--subscription", "projects/p/topics/x"}, goodEnv, "projects/P/subscriptions/NAME"},
		{"no topic", nil, with(map[string]string{"RESULT_TOPIC": ""}), "RESULT_TOPIC is required"},
		{"bad sid", []string{"--account-sid", "ACxyz"}, goodEnv, "TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits"},
		{"no token", nil, with(map[string]string{"TWILIO_AUTH_TOKEN": ""}), "auth token is missing"},
		{"bad secret", []string{"--auth-token-secret", "mysecret"}, goodEnv, "projects/P/secrets/S/versions/V"},
		{"bad base url", []string{"--twilio-base-url", "localhost:8089"}, goodEnv, "--twilio-base-url"},
		{"base url with path", []string{"--twilio-base-url", "http://h:1/x"}, goodEnv, "no path"},
		{"bad connection", []string{"--connection-name", "Bad_Name"}, goodEnv, "CONNECTION_NAME"},
		{"long connection", []string{"--connection-name", "a" + strings.Repeat("b", 49)}, goodEnv, "at most 49"},
		{"bad level", []string{"--log-level", "verbose"}, goodEnv, "LOG_LEVEL must be debug, info, warn or error"},
		{"bad timeout", []string{"--task-timeout", "soon"}, goodEnv, "TASK_TIMEOUT"},
		{"short result ttl", []string{"--result-ttl", "10s"}, goodEnv, "--result-ttl / RESULT_TTL must be a duration of at least 1m"},
		{"unknown flag", []string{"--bogus"}, goodEnv, "bogus"},
		{"stray arg", []string{"serve"}, goodEnv, `unexpected argument "serve"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseConfig(c.args, env(c.env), false, io.Discard)
			if err == nil {
				err = cfg.Validate()
			}
			if err == nil || !errors.Is(err, errConfig) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a configuration error containing %q", err, c.want)
			}
		})
	}
}

func TestLocalNeedsNoCloudSettings(t *testing.T) {
	c, err := parseConfig([]string{"--fixtures", "f.json", "tasks.jsonl"}, env(nil), true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("local with the simulator should need no settings: %v", err)
	}
	if c.LocalFile != "tasks.jsonl" || c.Fixtures != "f.json" {
		t.Errorf("got %+v", c)
	}
	c, _ = parseConfig([]string{"--live"}, env(nil), true, io.Discard)
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TWILIO_ACCOUNT_SID") {
		t.Errorf("--live without credentials: got %v", err)
	}
}

func TestConfigTokenAndLocalFlags(t *testing.T) {
	c, err := parseConfig(nil, env(with(map[string]string{"TWILIO_AUTH_TOKEN": "abc123\n"})), false, io.Discard)
	if err != nil || c.Validate() != nil || c.AuthToken.Reveal() != "abc123" {
		t.Errorf("a trailing newline should be trimmed: %v", err)
	}
	c, _ = parseConfig(nil, env(with(map[string]string{"TWILIO_AUTH_TOKEN": "abc-123-s3cr3t"})), false, io.Discard)
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TWILIO_AUTH_TOKEN") || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("bad token: got %v, want an error naming TWILIO_AUTH_TOKEN without the value", err)
	}
	c, err = parseConfig([]string{"tasks.jsonl", "--fixtures", "f.json", "--unordered"}, env(nil), true, io.Discard)
	if err != nil || c.LocalFile != "tasks.jsonl" || c.Fixtures != "f.json" || !c.Unordered {
		t.Errorf("flags after the file: %+v, %v", c, err)
	}
	c, _ = parseConfig([]string{"--fixtures", "f.json", "--twilio-base-url", "http://127.0.0.1:1"},
		env(map[string]string{"TWILIO_ACCOUNT_SID": goodEnv["TWILIO_ACCOUNT_SID"], "TWILIO_AUTH_TOKEN": "t"}), true, io.Discard)
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--fixtures") {
		t.Errorf("--fixtures with --twilio-base-url: got %v", err)
	}
}

// TestUsageNeverShowsTheTaskStorePassword: the flag package prints
// defaults in its usage text; a Redis URL from the environment must not
// appear there.
func TestUsageNeverShowsTheTaskStorePassword(t *testing.T) {
	var out strings.Builder
	_, err := parseConfig([]string{"--bogus"}, env(with(map[string]string{"TASK_STORE": "redis://default:S3cretPW@10.0.0.5:6379/0"})), false, &out)
	if err == nil || strings.Contains(out.String()+err.Error(), "S3cretPW") {
		t.Errorf("usage or error shows the password:\n%s\n%v", out.String(), err)
	}
	c, _ := parseConfig(nil, env(with(map[string]string{"TASK_STORE": "redis://h:6379/0"})), false, io.Discard)
	if c.TaskStore != "redis://h:6379/0" {
		t.Errorf("TaskStore = %q, want the environment's", c.TaskStore)
	}
}
