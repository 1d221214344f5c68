package main

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/harness"
)

func noEnv(string) string { return "" }

func TestParseConfigDefaults(t *testing.T) {
	c, err := parseConfig([]string{"bench"}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{tasks: 20000, nodes: 100, rounds: 1, warmup: 2000, streams: 10,
		emulatorBin: harness.DefaultEmulatorBin, timeout: 30 * time.Minute}
	if c != want {
		t.Errorf("defaults %+v, want %+v", c, want)
	}
	if got := c.pipelines(1); !slices.Equal(got, []string{pipeWorker, pipeMinimal}) {
		t.Errorf("round 1 runs %v, want the worker first", got)
	}
	if got := c.pipelines(2); !slices.Equal(got, []string{pipeMinimal, pipeWorker}) {
		t.Errorf("round 2 runs %v, want the minimal pipeline first", got)
	}
	if c.budget() != 2500 {
		t.Errorf("budget %d, want 2500", c.budget())
	}
}

func TestParseConfigFlags(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"PUBSUB_EMULATOR_BIN": "/opt/emu", "PUBSUB_EMULATOR_HOST": "127.0.0.1:1"}[k]
	}
	c, err := parseConfig(strings.Fields("bench --tasks 200 --nodes 50 --latency 150ms --max-in-flight 300 "+
		"--rounds 3 --only minimal --minimal-streams 1 --minimal-paced --worker-bin /w --json --warmup 0"), env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{tasks: 200, nodes: 50, latency: 150 * time.Millisecond, maxInFlight: 300, rounds: 3,
		only: pipeMinimal, streams: 1, paced: true, workerBin: "/w", emulatorBin: "/opt/emu", json: true, timeout: 30 * time.Minute}
	if c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
	// PUBSUB_EMULATOR_HOST is not a default: sharing an emulator is asked for.
	if c.emulator != "" {
		t.Errorf("emulator %q taken from the environment", c.emulator)
	}
	if got := c.pipelines(2); !slices.Equal(got, []string{pipeMinimal}) {
		t.Errorf("pipelines %v", got)
	}
}

func TestParseConfigRejects(t *testing.T) {
	for _, args := range []string{
		"--tasks 0", "--nodes 0", "--nodes 101", "--latency -1s", "--latency 2m", "--max-in-flight -1",
		"--rounds 0", "--only both", "--minimal-streams 0", "--minimal-streams 101", "--timeout 0",
		"--warmup -1", "--tasks x", "--bogus", "extra",
	} {
		_, err := parseConfig(append([]string{"bench"}, strings.Fields(args)...), noEnv, io.Discard)
		var ce configError
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %v, want a configError", args, err)
		}
	}
}

func TestParseConfigHelp(t *testing.T) {
	var usage strings.Builder
	_, err := parseConfig([]string{"bench", "-h"}, noEnv, &usage)
	if !errors.Is(err, errHelp) {
		t.Fatalf("error %v, want errHelp", err)
	}
	if !strings.Contains(usage.String(), "-max-in-flight") {
		t.Errorf("usage lacks the flags:\n%s", usage.String())
	}
}

// TestMinimalPace: MINIMAL_RATE paces the minimal pipeline one request at
// a time; unset, it is not paced; anything but a positive integer fails.
func TestMinimalPace(t *testing.T) {
	if p, err := minimalPace(""); p != nil || err != nil {
		t.Errorf(`minimalPace("") = %v, %v; want no limiter`, p, err)
	}
	p, err := minimalPace("2500")
	if err != nil || p.Limit() != 2500 || p.Burst() != 1 {
		t.Errorf(`minimalPace("2500") = %v, %v; want 2500/s, burst 1`, p, err)
	}
	for _, v := range []string{"0", "-5", "fast", "2.5"} {
		if _, err := minimalPace(v); err == nil {
			t.Errorf("minimalPace(%q) accepted", v)
		}
	}
}
