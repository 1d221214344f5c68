package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// requireService returns the value of env, the address of a service the
// test needs. Without it the test skips locally, but fails when require=1
// (CI, scripts/test.sh): a missing service must never pass silently.
func requireService(t *testing.T, env, require, how string) string {
	t.Helper()
	if v := os.Getenv(env); v != "" {
		return v
	}
	if os.Getenv(require) == "1" {
		t.Fatalf("%s=1 but %s is not set: %s (scripts/test.sh does)", require, env, how)
	}
	t.Skipf("%s is not set (%s, or run scripts/test.sh)", env, how)
	return ""
}

// ownRedis starts a redis-server of the test's own on a free loopback port,
// keeping nothing on disk, and stops it when the test ends. The chaos run
// empties its Redis database with FLUSHDB, which must never reach a server
// the test did not start (REDIS_ADDR may be someone's). redis-server comes
// from REDIS_SERVER_BIN or PATH; like the other services it is required
// when REQUIRE_REDIS=1.
func ownRedis(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("REDIS_SERVER_BIN")
	if bin == "" {
		bin, _ = exec.LookPath("redis-server")
	}
	if bin == "" {
		requireService(t, "REDIS_SERVER_BIN", "REQUIRE_REDIS", "install redis-server")
	}
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	waitRedis(t, addr, exited, filepath.Join(dir, "redis.log"))
	return addr
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitRedis polls addr until Redis answers PING; it fails the test if the
// server exits first (its log says why) or does not answer in a minute.
func waitRedis(t *testing.T, addr string, exited <-chan struct{}, logPath string) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	defer c.Close()
	deadline := time.Now().Add(time.Minute)
	for c.Ping(context.Background()).Err() != nil {
		select {
		case <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("redis-server on %s exited:\n%s", addr, log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer within a minute", addr)
		}
	}
}

// TestChaos runs a small storm end to end (the real worker binary, the
// emulator, Redis, the simulator with faults, one SIGKILL) and checks the
// exit status and the report's zero counts.
func TestChaos(t *testing.T) {
	requireService(t, "PUBSUB_EMULATOR_HOST", "REQUIRE_EMULATOR", "start the Pub/Sub emulator")
	if testing.Short() {
		t.Skip("-short: the chaos run takes about a minute")
	}
	// One node keeps the worker's window small (100 tasks outstanding), so
	// the kill meets tasks answered, in flight and not yet pulled. The logs
	// go to a directory the test removes.
	storm(t, 300, 1, "--nodes", "1", "--task-timeout", "10s", "--timeout-hold", "13s", "--stall", "45s",
		"--timeout", "150s")
}

// TestChaosDocumented is the README's run, `go run ./cmd/chaos` with its
// defaults: 10 000 creates at nodes 20 and two SIGKILLs. Its volume is what
// the small storm lacks: 2 % of requests hanging 20 s at 500 requests/s
// hold about 200 slots at once, which is how a regression of the adaptive
// in-flight cap dead-lettered 4 000 tasks while TestChaos still passed.
// It takes about two minutes and runs alone: scripts/test.sh runs it last
// with CHAOS_DOCUMENTED=1.
func TestChaosDocumented(t *testing.T) {
	requireService(t, "PUBSUB_EMULATOR_HOST", "REQUIRE_EMULATOR", "start the Pub/Sub emulator")
	if os.Getenv("CHAOS_DOCUMENTED") != "1" {
		t.Skip("CHAOS_DOCUMENTED is not 1: the documented chaos run takes about two minutes; scripts/test.sh runs it alone")
	}
	storm(t, 10000, 2, "--timeout", "10m")
}

// storm runs cmd/chaos with tasks creates, kills SIGKILLs and args, on a
// Redis of its own, and checks the exit status and the report's counts.
func storm(t *testing.T, tasks, kills int, args ...string) {
	t.Helper()
	args = append([]string{"chaos", "--tasks", strconv.Itoa(tasks), "--kills", strconv.Itoa(kills),
		"--redis", ownRedis(t), "--log-dir", t.TempDir()}, args...)
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
	if got := rep["tasks published"]; got != strconv.Itoa(tasks) {
		t.Errorf("tasks published: %q, want %d", got, tasks)
	}
	if got := rep["results (distinct tasks answered)"]; got != strconv.Itoa(tasks) {
		t.Errorf("results (distinct tasks answered): %q, want every one of %d", got, tasks)
	}
	if got := rep["worker restarts"]; got != strconv.Itoa(kills) {
		t.Errorf("worker restarts: %q, want %d", got, kills)
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
