package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary be the minimal pipeline too: the bench
// re-executes its own binary, which under go test is this one.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == minimalCmd {
		os.Exit(minimalMain())
	}
	os.Exit(m.Run())
}

// requireEmulator returns the emulator's address. Without one the test
// skips locally, but fails when REQUIRE_EMULATOR=1 (CI, scripts/test.sh):
// a missing service must never pass silently.
func requireEmulator(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("PUBSUB_EMULATOR_HOST")
	if addr == "" {
		if os.Getenv("REQUIRE_EMULATOR") == "1" {
			t.Fatal("REQUIRE_EMULATOR=1 but PUBSUB_EMULATOR_HOST is not set: start the Pub/Sub emulator (scripts/test.sh does)")
		}
		t.Skip("PUBSUB_EMULATOR_HOST is not set (start the Pub/Sub emulator, or run scripts/test.sh)")
	}
	return addr
}

// TestBench runs both pipelines end to end on a small backlog and checks
// that every task was answered and the report is complete. It never
// judges speed: the machine is shared.
func TestBench(t *testing.T) {
	addr := requireEmulator(t)
	args := []string{"bench", "--tasks", "200", "--nodes", "2", "--warmup", "0", "--minimal-streams", "2",
		"--emulator", addr, "--json", "--timeout", "5m"}
	// The run keeps its log directory when it fails, also with
	// errOverBudget, which this test tolerates: keep it under the test's
	// own temporary directory, removed at the end.
	t.Setenv("TMPDIR", t.TempDir())
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	start := time.Now()
	err := run(ctx, args, os.Getenv, &stdout, &stderr)
	t.Logf("bench took %v; report:\n%s\nprogress:\n%s", time.Since(start).Round(time.Second), &stdout, &stderr)
	// The budget check stamps requests in this busy process: jitter, not
	// the worker, can trip it, and the limiter has its own tests.
	if err != nil && !errors.Is(err, errOverBudget) {
		t.Fatalf("run: %v", err)
	}
	rep := parseJSON(t, stdout.String())
	if len(rep.Runs) != 2 || len(rep.Ratios) != 1 {
		t.Fatalf("%d runs and %d ratios, want 2 and 1", len(rep.Runs), len(rep.Ratios))
	}
	for i, want := range []string{pipeWorker, pipeMinimal} {
		r := rep.Runs[i]
		if r.Pipeline != want || r.Tasks != 200 || r.Exit != "exit status 0" {
			t.Errorf("run %d: %s, %d tasks, %q; want %s, 200, exit status 0", i, r.Pipeline, r.Tasks, r.Exit, want)
		}
		// Every task reached the fake Twilio; no fault, so no retry either.
		if r.Requests != 200 || r.NewConns < 1 || r.Busiest < 1 {
			t.Errorf("%s: %d requests, %d connections, busiest %d", r.Pipeline, r.Requests, r.NewConns, r.Busiest)
		}
		if r.TasksPerSec <= 0 || r.CPUSeconds <= 0 || r.PeakRSSBytes <= 0 {
			t.Errorf("%s: tasks/s %v, CPU %v s, peak RSS %d: want all measured", r.Pipeline, r.TasksPerSec, r.CPUSeconds, r.PeakRSSBytes)
		}
	}
	if rep.Runs[0].Budget != 50 || rep.Runs[0].Achieved == nil {
		t.Errorf("worker budget %d, achieved %v; want 50 and a fraction", rep.Runs[0].Budget, rep.Runs[0].Achieved)
	}
}

// jsonReport is what TestBench reads of the --json report.
type jsonReport struct {
	Runs   []rowJSON `json:"runs"`
	Ratios []ratio   `json:"workerOverMinimal"`
}

// parseJSON reads the JSON report that follows the table.
func parseJSON(t *testing.T, out string) jsonReport {
	t.Helper()
	i := strings.Index(out, "\n{")
	if i < 0 {
		t.Fatalf("no JSON report in:\n%s", out)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(out[i+1:]), &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	return rep
}
