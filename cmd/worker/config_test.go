package main

import (
	"errors"
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
	c, err := parseConfig([]string{"--nodes", "7"}, env(with(map[string]string{"CONNECTOR_NODES": "3"})), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Nodes != 7 || c.LogLevel != "error" || c.TwilioBaseURL != "https://api.twilio.com" || c.TaskTimeout != 2*time.Minute {
		t.Errorf("got %+v", c)
	}
	c, _ = parseConfig(nil, env(goodEnv), false)
	if c.Nodes != 2 || c.ResultTTL != 24*time.Hour || c.InProgressWait != 40*time.Second {
		t.Errorf("defaults: nodes %d, result TTL %v, in-progress wait %v; want 2, 24h, 40s", c.Nodes, c.ResultTTL, c.InProgressWait)
	}
	c, _ = parseConfig(nil, env(with(map[string]string{"RESULT_TTL": "168h"})), false)
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
		{"nodes zero", []string{"--nodes", "0"}, goodEnv, "--nodes / CONNECTOR_NODES must be an integer from 1 to 100"},
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
		{"base url with path", []string{"--twilio-base-url", "http://h:1/x"}, goodEnv, "drop the path"},
		{"bad connection", []string{"--connection-name", "Bad_Name"}, goodEnv, "CONNECTION_NAME"},
		{"long connection", []string{"--connection-name", "a" + strings.Repeat("b", 49)}, goodEnv, "at most 49"},
		{"bad level", []string{"--log-level", "verbose"}, goodEnv, "LOG_LEVEL must be debug, info, warn (or warning) or error"},
		{"bad timeout", []string{"--task-timeout", "soon"}, goodEnv, "TASK_TIMEOUT"},
		{"short result ttl", []string{"--result-ttl", "10s"}, goodEnv, "--result-ttl / RESULT_TTL must be a duration of at least 1m"},
		{"unknown flag", []string{"--bogus"}, goodEnv, "bogus"},
		{"bad task store", nil, with(map[string]string{"TASK_STORE": "memory://x"}), "--task-store / TASK_STORE is invalid"},
		{"task store scheme", []string{"--task-store", "postgres://db"}, goodEnv, `unsupported scheme "postgres"`},
		{"bad in-progress wait", nil, with(map[string]string{"IN_PROGRESS_WAIT": "0s"}), "--in-progress-wait / IN_PROGRESS_WAIT"},
		{"negative in flight", []string{"--max-in-flight", "-1"}, goodEnv, "--max-in-flight / MAX_IN_FLIGHT must be a non-negative integer"},
		{"stray arg", []string{"serve"}, goodEnv, `unexpected argument "serve"`},
		{"budget store scheme", []string{"--budget-store", "memory://"}, goodEnv, "--budget-store / BUDGET_STORE must be local or redis://"},
		{"bad budget store", nil, with(map[string]string{"BUDGET_STORE": "redis://h:6379/abc"}), "--budget-store / BUDGET_STORE is invalid"},
		{"bad http addr", []string{"--http-addr", "8080"}, goodEnv, "--http-addr / HTTP_ADDR must be [host]:port"},
		{"http port range", nil, with(map[string]string{"HTTP_ADDR": ":70000"}), "HTTP_ADDR must be [host]:port"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseConfig(c.args, env(c.env), false)
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
	c, err := parseConfig([]string{"--fixtures", "f.json", "tasks.jsonl"}, env(nil), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("local with the simulator should need no settings: %v", err)
	}
	if c.LocalFile != "tasks.jsonl" || c.Fixtures != "f.json" {
		t.Errorf("got %+v", c)
	}
	c, _ = parseConfig([]string{"--live"}, env(nil), true)
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TWILIO_ACCOUNT_SID") {
		t.Errorf("--live without credentials: got %v", err)
	}
}

func TestConfigTokenAndLocalFlags(t *testing.T) {
	c, err := parseConfig(nil, env(with(map[string]string{"TWILIO_AUTH_TOKEN": "abc123\n"})), false)
	if err != nil || c.Validate() != nil || c.AuthToken.Reveal() != "abc123" {
		t.Errorf("a trailing newline should be trimmed: %v", err)
	}
	_, err = parseConfig(nil, env(with(map[string]string{"TWILIO_AUTH_TOKEN": "abc-123-s3cr3t"})), false)
	if err == nil || !strings.Contains(err.Error(), "TWILIO_AUTH_TOKEN") || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("bad token: got %v, want an error naming TWILIO_AUTH_TOKEN without the value", err)
	}
	c, err = parseConfig([]string{"tasks.jsonl", "--fixtures", "f.json", "--unordered"}, env(nil), true)
	if err != nil || c.LocalFile != "tasks.jsonl" || c.Fixtures != "f.json" || !c.Unordered {
		t.Errorf("flags after the file: %+v, %v", c, err)
	}
	c, _ = parseConfig([]string{"--fixtures", "f.json", "--twilio-base-url", "http://127.0.0.1:1"},
		env(map[string]string{"TWILIO_ACCOUNT_SID": goodEnv["TWILIO_ACCOUNT_SID"], "TWILIO_AUTH_TOKEN": "t"}), true)
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--fixtures") {
		t.Errorf("--fixtures with --twilio-base-url: got %v", err)
	}
}

// TestConfigReportsEveryProblemAtOnce: an empty environment names all five
// missing settings in one error, one line each, and invalid values are
// listed alongside.
func TestConfigReportsEveryProblemAtOnce(t *testing.T) {
	_, err := parseConfig(nil, env(nil), false)
	want := []string{"--project / GOOGLE_CLOUD_PROJECT is required", "--subscription / TASK_SUBSCRIPTION is required",
		"--result-topic / RESULT_TOPIC is required", "--account-sid / TWILIO_ACCOUNT_SID is required",
		"the Twilio auth token is missing"}
	checkProblems(t, err, want)
	_, err = parseConfig([]string{"--nodes", "0", "--task-timeout", "soon"},
		env(with(map[string]string{"LOG_LEVEL": "verbose", "TASK_STORE": "memory://x", "RESULT_TOPIC": ""})), false)
	checkProblems(t, err, []string{"--nodes / CONNECTOR_NODES", "--log-level / LOG_LEVEL",
		"--task-timeout / TASK_TIMEOUT", "--task-store / TASK_STORE", "--result-topic / RESULT_TOPIC is required"})
}

// checkProblems wants err to be a configuration error whose lines are the
// problems named in want, one each, then the pointer to --help.
func checkProblems(t *testing.T, err error, want []string) {
	t.Helper()
	if !errors.Is(err, errConfig) {
		t.Fatalf("got %v, want a configuration error", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want)+1 || !strings.Contains(lines[len(lines)-1], "--help lists every setting") {
		t.Fatalf("got %d lines, want %d problems and the --help line:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], "configuration: ") || !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %q, want a configuration line containing %q", i+1, lines[i], w)
		}
	}
}

// TestLogLevelNames: the level the logs print (WARNING) is accepted, as is
// any case of the names.
func TestLogLevelNames(t *testing.T) {
	for in, want := range map[string]string{"warn": "warn", "warning": "warn", "WARNING": "warn", "Warn": "warn",
		"DEBUG": "debug", " info ": "info", "Error": "error"} {
		c, err := parseConfig(nil, env(with(map[string]string{"LOG_LEVEL": in})), false)
		if err != nil || c.LogLevel != want {
			t.Errorf("LOG_LEVEL=%q: level %q, error %v; want %q", in, c.LogLevel, err, want)
		}
	}
}

// TestConfigNeverShowsPasswords: URL settings that hold credentials are
// never repeated, in errors or in the help, whatever is wrong with them.
func TestConfigNeverShowsPasswords(t *testing.T) {
	const pw = "S3cretPW"
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"base URL with user info", map[string]string{"TWILIO_BASE_URL": "https://user:" + pw + "@host"}, "--twilio-base-url / TWILIO_BASE_URL"},
		{"base URL without scheme", map[string]string{"TWILIO_BASE_URL": "user:" + pw + "@host"}, "not shown"},
		{"redis bad db", map[string]string{"TASK_STORE": "redis://user:" + pw + "@h:6379/abc"}, "--task-store / TASK_STORE is invalid"},
		{"redis bad option", map[string]string{"TASK_STORE": "redis://:" + pw + "@h/0?bogus=1"}, "unexpected option"},
		{"redis reserved char", map[string]string{"TASK_STORE": "redis://u:pa/" + pw + "@h/0"}, "percent-encode"},
		{"other scheme", map[string]string{"TASK_STORE": "postgres://u:" + pw + "@db/x"}, "u:xxxxx@db"},
		{"budget store bad db", map[string]string{"BUDGET_STORE": "redis://user:" + pw + "@h:6379/abc"}, "--budget-store / BUDGET_STORE is invalid"},
		{"budget store scheme", map[string]string{"BUDGET_STORE": "postgres://u:" + pw + "@db/x"}, "u:xxxxx@db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errs strings.Builder
			err := run(t.Context(), []string{"worker"}, env(with(c.env)), nil, &out, &errs)
			if err == nil || !errors.Is(err, errConfig) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a configuration error containing %q", err, c.want)
			}
			if strings.Contains(err.Error()+out.String()+errs.String(), pw) {
				t.Errorf("the password shows:\n%v\n%s%s", err, out.String(), errs.String())
			}
		})
	}
	// The help shows built-in defaults, never the environment's values; a
	// flag error prints no usage with defaults either.
	secrets := env(map[string]string{"TASK_STORE": "redis://default:" + pw + "@10.0.0.5:6379/0",
		"TWILIO_BASE_URL": "https://u:" + pw + "@h"})
	for _, args := range [][]string{{"--help"}, {"local", "--help"}, {"--bogus"}} {
		var out strings.Builder
		err := run(t.Context(), append([]string{"worker"}, args...), secrets, nil, &out, &out)
		if strings.Contains(out.String(), pw) || err != nil && strings.Contains(err.Error(), pw) {
			t.Errorf("worker %v shows the password:\n%s%v", args, out.String(), err)
		}
	}
}

// TestTaskStoreFromEnvironment: TASK_STORE reaches the Config, and
// worker local keeps outcomes in memory whatever it says.
func TestTaskStoreFromEnvironment(t *testing.T) {
	c, _ := parseConfig(nil, env(with(map[string]string{"TASK_STORE": "redis://h:6379/0"})), false)
	if c.TaskStore != "redis://h:6379/0" {
		t.Errorf("TaskStore = %q, want the environment's", c.TaskStore)
	}
	c, err := parseConfig(nil, env(map[string]string{"TASK_STORE": "redis://h:6379/0"}), true)
	if err != nil || c.TaskStore != "memory://" {
		t.Errorf("worker local: TaskStore = %q (%v), want memory://", c.TaskStore, err)
	}
}
