package main

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseConfigErrors: a missing service or a bad flag is a configError
// that says what to do.
func TestParseConfigErrors(t *testing.T) {
	t.Parallel()
	full := map[string]string{"PUBSUB_EMULATOR_HOST": "127.0.0.1:8085", "REDIS_ADDR": "127.0.0.1:6379"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no emulator", map[string]string{"REDIS_ADDR": "127.0.0.1:6379"}, nil, "PUBSUB_EMULATOR_HOST is not set: start the Pub/Sub emulator"},
		{"no redis", map[string]string{"PUBSUB_EMULATOR_HOST": "127.0.0.1:8085"}, nil, "pass --redis 127.0.0.1:6379 or set REDIS_ADDR"},
		{"hold too short", full, []string{"--timeout-hold", "10s"}, "--timeout-hold 10s must be longer than --task-timeout 15s"},
		{"fractions", full, []string{"--fail-429", "0.6", "--fail-500", "0.5"}, "must sum to at most 1"},
		{"attempts", full, []string{"--max-delivery-attempts", "3"}, "from 5 to 100"},
		{"argument", full, []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tt.env[k] }
			_, err := parseConfig(append([]string{"chaos"}, tt.args...), getenv, io.Discard)
			var ce configError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a configError containing %q", err, tt.want)
			}
		})
	}
}

// TestParseConfigDefaults: the defaults are the storm, and
// --redis falls back to REDIS_ADDR.
func TestParseConfigDefaults(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PUBSUB_EMULATOR_HOST": "e:1", "REDIS_ADDR": "r:2"}
	c, err := parseConfig([]string{"chaos"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.tasks, c.fail429, c.fail500, c.failTimeout, c.kills, c.nodes, c.seed, c.redisAddr, c.redisDB, c.maxAttempts}
	want := []any{10000, 0.10, 0.05, 0.02, 2, 20, uint64(1), "r:2", 15, 5}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

// TestKillPoints: kills are spread from 25 % to 60 % of the tasks answered.
func TestKillPoints(t *testing.T) {
	t.Parallel()
	for kills, want := range map[int][]float64{0: {}, 1: {0.25}, 2: {0.25, 0.60}, 3: {0.25, 0.425, 0.60}} {
		c := config{kills: kills}
		if diff := cmp.Diff(want, c.killPoints(), cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); diff != "" {
			t.Errorf("%d kills (-want +got):\n%s", kills, diff)
		}
	}
}
