package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "token123"
)

// start runs run() in the background on a free port and returns the URL of
// its first stdout line and a channel with run's result. Cancelling the
// test's context (at cleanup) stops it.
func start(t *testing.T, args ...string) (string, <-chan error, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"twiliosim", "--addr", "127.0.0.1:0"}, args...), noEnv, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v (run: %v)", err, <-done)
	}
	go io.Copy(io.Discard, pr) // keep stdout drained
	m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[1-9][0-9]*)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q, want listening on http://127.0.0.1:PORT", line)
	}
	return m[1], done, cancel
}

func noEnv(string) string { return "" }

func TestRunServesAndStops(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	doc := `{"messages": [{"sid": "SM3ad97d41e786c02bca47c8ce1745053b", "to": "+15558675310", "body": "hi"}]}`
	if err := os.WriteFile(fixtures, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	url, done, cancel := start(t, "--fixtures", fixtures, "--auth-token", testToken, "--latency", "1ms")
	req, _ := http.NewRequest(http.MethodGet, url+"/2010-04-01/Accounts/"+testAccount+"/Messages/SM3ad97d41e786c02bca47c8ce1745053b.json", nil)
	req.SetBasicAuth(testAccount, testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"body":"hi"`)) {
		t.Fatalf("fixture message: %d %s", resp.StatusCode, body)
	}
	req.SetBasicAuth(testAccount, "other")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("--auth-token not enforced: %v %v", resp, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v, want a clean exit", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

// TestRunExitsOnSIGTERM: a real SIGTERM (caught by run's NotifyContext
// while it serves) ends run cleanly.
func TestRunExitsOnSIGTERM(t *testing.T) {
	_, done, _ := start(t)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after SIGTERM")
	}
}

func TestRunAuthTokenFromEnv(t *testing.T) {
	cfg, err := parseConfig([]string{"twiliosim"}, func(k string) string {
		if k == "TWILIO_AUTH_TOKEN" {
			return "fromenv"
		}
		return ""
	}, io.Discard)
	if err != nil || cfg.sim.AuthToken != "fromenv" {
		t.Fatalf("auth token %q, %v; want TWILIO_AUTH_TOKEN's", cfg.sim.AuthToken, err)
	}
	cfg, _ = parseConfig([]string{"twiliosim", "--auth-token", "flag"}, func(string) string { return "fromenv" }, io.Discard)
	if cfg.sim.AuthToken != "flag" {
		t.Errorf("the flag must win over the environment, got %q", cfg.sim.AuthToken)
	}
}

func TestRunConfigErrors(t *testing.T) {
	dir := t.TempDir()
	badFixtures := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badFixtures, []byte(`{"sms": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		mentions []string
	}{
		{"unknown flag", []string{"--bogus"}, []string{"-bogus"}},
		{"bad latency", []string{"--latency", "soon"}, []string{"-latency"}},
		{"negative latency", []string{"--latency", "-1s"}, []string{"--latency"}},
		{"bad addr", []string{"--addr", "8089"}, []string{"--addr"}},
		{"bad account", []string{"--account-sid", "AC1"}, []string{"--account-sid"}},
		{"argument", []string{"serve"}, []string{`"serve"`}},
		{"missing fixtures", []string{"--fixtures", filepath.Join(dir, "nope.json")}, []string{"--fixtures", "nope.json"}},
		{"bad fixtures", []string{"--fixtures", badFixtures}, []string{"bad.json", `"sms"`, "messages"}},
		{"fail-429 above 1", []string{"--fail-429", "1.5"}, []string{"--fail-429", "between 0 and 1"}},
		{"negative fail-500", []string{"--fail-500", "-0.1"}, []string{"--fail-500", "between 0 and 1"}},
		{"NaN fail-timeout", []string{"--fail-timeout", "NaN"}, []string{"--fail-timeout"}},
		{"fail-500-applied above 1", []string{"--fail-500-applied", "2"}, []string{"--fail-500-applied"}},
		{"unparsable fraction", []string{"--fail-500", "often"}, []string{"-fail-500"}},
		{"fractions past 1", []string{"--fail-429", "0.6", "--fail-500", "0.3", "--fail-timeout", "0.2"}, []string{"--fail-429 + --fail-500 + --fail-timeout", "at most 1"}},
		{"zero hold", []string{"--fail-timeout-hold", "0s"}, []string{"--fail-timeout-hold"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout bytes.Buffer
			err := run(context.Background(), append([]string{"twiliosim"}, c.args...), noEnv, &stdout, io.Discard)
			if err == nil {
				t.Fatal("run accepted a bad configuration")
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			for _, m := range c.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("printed %q before failing", stdout.String())
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	var usage bytes.Buffer
	if err := run(context.Background(), []string{"twiliosim", "-h"}, noEnv, io.Discard, &usage); err != nil {
		t.Fatalf("-h: %v", err)
	}
	if !strings.Contains(usage.String(), "-retired-feedback") {
		t.Errorf("usage does not list the flags:\n%s", usage.String())
	}
}
