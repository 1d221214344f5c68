package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
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

// TestHelp: every way of asking for help succeeds and prints, on stdout,
// the commands and every setting with its environment variable and
// default; each command has its own.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"-help"}, {"--nodes", "5", "--help"}} {
		var out, errs bytes.Buffer
		if err := run(context.Background(), append([]string{"worker"}, args...), noEnv, nil, &out, &errs); err != nil {
			t.Fatalf("worker %v: %v", args, err)
		}
		help := out.String()
		for _, want := range []string{"worker local [flags] [FILE|-]", "worker entities", "worker describe NAME", "PUBSUB_EMULATOR_HOST"} {
			if !strings.Contains(help, want) {
				t.Errorf("worker %v: help lacks %q", args, want)
			}
		}
		for _, s := range (&Config{}).settings() {
			if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(flagText(s.flag)) + ` +` + s.env + ` +` +
				regexp.QuoteMeta(defaultText(s, false)) + `$`).MatchString(help) {
				t.Errorf("worker %v: help lacks the line of %s with %s and its default %q", args, s.flag, s.env, defaultText(s, false))
			}
		}
	}
	for cmd, want := range map[string][]string{
		"local":    {"--fixtures FILE", "--unordered", "line-3", "Blank lines", "TWILIO_BASE_URL"},
		"entities": {"Usage: worker entities [--json]"},
		"describe": {"Usage: worker describe ENTITY|ACTION [--json]", "JSON type rows carry"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"worker", cmd, "--help"}, noEnv, nil, &out, &out); err != nil {
			t.Fatalf("worker %s --help: %v", cmd, err)
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("worker %s --help lacks %q:\n%s", cmd, w, out.String())
			}
		}
	}
}

// TestBinaryHelpAndProblems checks exit statuses on the built binary:
// help is 0 on stdout; an empty environment is 2 with each missing setting
// on its own line; a malformed TASK_STORE is 2 naming it.
func TestBinaryHelpAndProblems(t *testing.T) {
	bin := workerBinary(t)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"local", "--help"}, {"describe", "-h"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{}
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "worker") {
			t.Errorf("worker %v: %v, stdout %d bytes; want status 0 and the help", args, err, len(out))
		}
	}
	cases := []struct {
		env  []string
		want []string
	}{
		{nil, []string{"GOOGLE_CLOUD_PROJECT is required", "TASK_SUBSCRIPTION is required", "RESULT_TOPIC is required",
			"TWILIO_ACCOUNT_SID is required", "auth token is missing"}},
		{[]string{"GOOGLE_CLOUD_PROJECT=p", "TASK_SUBSCRIPTION=s", "RESULT_TOPIC=r", "TWILIO_AUTH_TOKEN=t",
			"TWILIO_ACCOUNT_SID=AC00000000000000000000000000000001", "TASK_STORE=memory://somewhere"},
			[]string{"--task-store / TASK_STORE is invalid"}},
	}
	for _, c := range cases {
		cmd := exec.Command(bin)
		cmd.Env = c.env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("env %v: exit %v, want status 2\n%s", c.env, err, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != len(c.want)+1 {
			t.Errorf("env %v: %d lines, want %d problems and the --help line:\n%s", c.env, len(lines), len(c.want), stderr.String())
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(lines[i], "worker: configuration: ") || !strings.Contains(lines[i], w) {
				t.Errorf("line %d = %q, want a configuration line containing %q", i+1, lines[i], w)
			}
		}
	}
}
