package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// TestLocalRunsTheDocumentedExamples is the README's first command, in
// process: nine tasks in, nine SUCCEEDED results out, in input order.
func TestLocalRunsTheDocumentedExamples(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errs bytes.Buffer
	err := run(ctx, []string{"worker", "local", "--fixtures", "../../examples/seed-fixtures.json", "../../examples/seed-tasks.jsonl"},
		noEnv, strings.NewReader(""), &out, &errs)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 9 {
		t.Fatalf("got %d result lines, want 9:\n%s", len(lines), out.String())
	}
	wantOrder := []string{"Recordings", "Recordings", "Calls", "Feedback", "FeedbackSummary", "Messages", "Messages", "IncomingPhoneNumbers", "OutgoingCallerIds"}
	for i, l := range lines {
		var r struct{ Entity, Status string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if r.Status != "SUCCEEDED" || r.Entity != wantOrder[i] {
			t.Errorf("line %d: %s", i+1, l)
		}
	}
}

// TestLocalAnswersEveryLine: malformed lines get FAILED results, in order,
// and blank lines are skipped.
func TestLocalAnswersEveryLine(t *testing.T) {
	in := "not json\n\n{\"entity\":\"Messages\",\"operation\":\"LIST\"}\n{\"entity\":\"Nope\",\"operation\":\"GET\",\"entityId\":\"x\"}\n"
	var out, errs bytes.Buffer
	err := run(context.Background(), []string{"worker", "local", "-"}, noEnv, strings.NewReader(in), &out, &errs)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{`"status":"FAILED"`, `"status":"SUCCEEDED"`, `"code":"NOT_FOUND"`}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %s, want it to contain %s", i+1, lines[i], w)
		}
	}
}

func TestRunConfigErrors(t *testing.T) {
	err := run(context.Background(), []string{"worker", "--nodes", "0"}, noEnv, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, errConfig) {
		t.Errorf("got %v, want a configuration error", err)
	}
	err = run(context.Background(), []string{"worker", "local", "--fixtures", "/nonexistent.json", "-"}, noEnv,
		strings.NewReader("{}"), &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, errConfig) || !strings.Contains(err.Error(), "--fixtures") {
		t.Errorf("got %v, want a configuration error naming --fixtures", err)
	}
}

// TestBinaryExitStatus checks the contract's exit status 2 on the built
// binary, with a message naming the setting.
func TestBinaryExitStatus(t *testing.T) {
	cmd := exec.Command(workerBinary(t), "--nodes", "500")
	cmd.Env = []string{"GOOGLE_CLOUD_PROJECT=p"}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("exit = %v, want status 2; output:\n%s", err, out)
	}
	if !strings.Contains(string(out), "CONNECTOR_NODES") {
		t.Errorf("message does not name the setting: %s", out)
	}
}
