package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireServices returns the emulator and Redis addresses. Without them
// the test skips locally, but fails when REQUIRE_EMULATOR=1 or
// REQUIRE_REDIS=1 (CI, scripts/test.sh): a missing service must never
// pass silently.
func requireServices(t *testing.T) {
	t.Helper()
	for _, s := range []struct{ env, require, how string }{
		{"PUBSUB_EMULATOR_HOST", "REQUIRE_EMULATOR", "start the Pub/Sub emulator"},
		{"REDIS_ADDR", "REQUIRE_REDIS", "start redis-server"},
	} {
		if os.Getenv(s.env) != "" {
			continue
		}
		if os.Getenv(s.require) == "1" {
			t.Fatalf("%s=1 but %s is not set: %s (scripts/test.sh does)", s.require, s.env, s.how)
		}
		t.Skipf("%s is not set (%s, or run scripts/test.sh)", s.env, s.how)
	}
}

// TestChaos runs a small storm end to end (the real worker binary, the
// emulator, Redis, the simulator with faults, one SIGKILL) and checks the
// exit status and the report's zero counts.
func TestChaos(t *testing.T) {
	requireServices(t)
	if testing.Short() {
		t.Skip("-short: the chaos run takes about a minute")
	}
	// One node keeps the worker's window small (100 tasks outstanding), so
	// the kill meets tasks answered, in flight and not yet pulled.
	args := []string{"chaos", "--tasks", "300", "--kills", "1", "--nodes", "1",
		"--task-timeout", "10s", "--timeout-hold", "13s", "--stall", "45s", "--timeout", "150s"}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	start := time.Now()
	err := run(ctx, args, os.Getenv, &stdout, &stderr)
	t.Logf("chaos run took %v; report:\n%s\nprogress:\n%s", time.Since(start).Round(time.Second), &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	rep := parseReport(t, stdout.String())
	for _, name := range []string{
		"tasks without a result (and not dead-lettered)",
		"tasks with more than one distinct result",
		"Twilio messages created more than once per task",
		"definite answers the simulator contradicts",
	} {
		if got, ok := rep[name]; !ok || got != "0" {
			t.Errorf("%s: %q, want 0", name, got)
		}
	}
	// A kill must not turn creates that never left into unknown outcomes:
	// only the injected 500s and timeouts, and the few requests in flight
	// at the kill, may leave one (before the sent mark, ~195 of 300 did).
	unknown, faults := leadingInt(rep["tasks answered with an unknown outcome (DEADLINE_EXCEEDED or UNAVAILABLE, not retryable)"]),
		leadingInt(rep["500s injected"])+leadingInt(rep["timeouts injected"])
	if unknown < 0 || faults < 0 || unknown > faults+10 {
		t.Errorf("unknown outcomes %d, 500s and timeouts injected %d: want at most 10 more unknowns than faults", unknown, faults)
	}
	if got := rep["tasks published"]; got != "300" {
		t.Errorf("tasks published: %q, want 300", got)
	}
	if got := rep["worker restarts"]; got != "1" {
		t.Errorf("worker restarts: %q, want 1", got)
	}
	if got := rep["worker exit after SIGTERM"]; got != "exit status 0" {
		t.Errorf("worker exit after SIGTERM: %q, want exit status 0", got)
	}
}

// leadingInt is the integer a report value starts with ("14 (7 took
// effect)" → 14), or -1.
func leadingInt(v string) int {
	digits, _, _ := strings.Cut(v, " ")
	n, err := strconv.Atoi(digits)
	if err != nil {
		return -1
	}
	return n
}

// parseReport reads "name: value" lines.
func parseReport(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			t.Errorf("report line %q is not name: value", sc.Text())
			continue
		}
		out[name] = value
	}
	return out
}
