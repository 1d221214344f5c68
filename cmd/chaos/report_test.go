package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBuildReport: each kind of task outcome lands in its own count.
func TestBuildReport(t *testing.T) {
	t.Parallel()
	col := newCollector()
	ok := func(sid string) string {
		return `{"taskId":"%s","status":"SUCCEEDED","connectorOutputPayload":{"Sid":"` + sid + `"}}`
	}
	failed := func(code string, retryable bool) string {
		r := "false"
		if retryable {
			r = "true"
		}
		return `{"taskId":"%s","status":"FAILED","error":{"code":"` + code + `","retryable":` + r + `}}`
	}
	add := func(msgID, task, format string) {
		col.addResult(msgID, []byte(strings.ReplaceAll(format, "%s", task)), "")
	}
	add("1", "ok", ok("SM1"))
	add("2", "republished", ok("SM2"))
	add("3", "republished", ok("SM2"))
	add("3", "republished", ok("SM2")) // the same message twice: counted once
	add("4", "two-answers", ok("SM3"))
	add("5", "two-answers", failed("DEADLINE_EXCEEDED", false))
	add("6", "unknown-created", failed("DEADLINE_EXCEEDED", false))
	add("7", "unknown-not-created", failed("UNAVAILABLE", false))
	add("8", "throttled", failed("RESOURCE_EXHAUSTED", true))
	add("9", "wrongly-definite", failed("RESOURCE_EXHAUSTED", true))
	add("10", "wrong-sid", ok("SM1"))
	add("11", "dead-answered", ok("SM9"))
	col.addResult("12", []byte("not json"), "x")
	col.addDead("dead-answered")
	col.addDead("dead-created")
	col.addDead("dead")
	rows := []map[string]any{
		{"sid": "SM1", "body": "ok"}, {"sid": "SM2", "body": "republished"}, {"sid": "SM3", "body": "two-answers"},
		{"sid": "SM4", "body": "unknown-created"}, {"sid": "SM5", "body": "wrongly-definite"},
		{"sid": "SM6", "body": "dup"}, {"sid": "SM7", "body": "dup"}, {"sid": "SM8", "body": "dead-created"},
		{"sid": "SM9", "body": "dead-answered"},
	}
	ids := []string{"ok", "republished", "two-answers", "unknown-created", "unknown-not-created", "throttled",
		"wrongly-definite", "wrong-sid", "dead-answered", "dead-created", "dead", "dup", "lost"}
	got := buildReport(ids, col, rows)
	want := report{published: 13, answered: 9, resultMessages: 11, lost: 2, multiDistinct: 1, republished: 1,
		dupCreates: 1, unknown: 2, unknownCreated: 1, succeeded: 5,
		failed:       map[string]int{"DEADLINE_EXCEEDED": 1, "UNAVAILABLE": 1, "RESOURCE_EXHAUSTED": 2},
		contradicted: 2, dead: 3, deadOnly: 2, deadCreated: 1, malformed: 1}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(report{})); diff != "" {
		t.Errorf("buildReport (-want +got):\n%s", diff)
	}
}

// TestReportTargets: the exit status follows the targets, and each missed
// one is named.
func TestReportTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    report
		want []string
	}{
		{"met", report{published: 3, answered: 3, dead: 1}, nil},
		{"dead-lettered unanswered", report{published: 3, answered: 2, dead: 1, deadOnly: 1}, []string{
			"target missed: dead-lettered without a result = 1, want 0"}},
		{"lost", report{lost: 2}, []string{"target missed: tasks without a result (and not dead-lettered) = 2, want 0"}},
		{"duplicates", report{multiDistinct: 1, dupCreates: 1}, []string{
			"target missed: tasks with more than one distinct result = 1, want 0",
			"target missed: Twilio messages created more than once per task = 1, want 0"}},
		{"unclean exit", report{exitErr: errors.New("exit status 1")}, []string{
			"target missed: worker exit after SIGTERM = exit status 1, want exit status 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.r.missed()); diff != "" {
				t.Errorf("missed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReportWrite: every line is "name: value", in the documented order.
func TestReportWrite(t *testing.T) {
	t.Parallel()
	r := report{published: 2, answered: 2, succeeded: 1, failed: map[string]int{"UNAVAILABLE": 1}}
	var buf bytes.Buffer
	r.write(&buf)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for _, l := range lines {
		if name, _, ok := strings.Cut(l, ": "); !ok || name == "" {
			t.Errorf("line %q is not name: value", l)
		}
	}
	wantPrefixes := []string{"tasks published: 2", "results (distinct tasks answered): 2",
		"result messages (including republished duplicates): 0"}
	for i, p := range wantPrefixes {
		if lines[i] != p {
			t.Errorf("line %d = %q, want %q", i, lines[i], p)
		}
	}
	if !strings.Contains(buf.String(), "\nfailed UNAVAILABLE: 1\n") {
		t.Errorf("no per-code line in:\n%s", &buf)
	}
}
