package main

import (
	"slices"
	"strings"
	"testing"
)

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestCheckResult(t *testing.T) {
	for _, c := range []struct {
		data, id, problem string
	}{
		{`{"taskId":"a","status":"SUCCEEDED","connectorOutputPayload":{"Sid":"SM1"}}`, "a", ""},
		{`{"taskId":"a","status":"SUCCEEDED","connectorOutputPayload":{}}`, "a", "without a message sid"},
		{`{"taskId":"a","status":"FAILED","error":{"code":"UNAVAILABLE","message":"down"}}`, "a", "FAILED UNAVAILABLE: down"},
		{`{"taskId":"a","status":"PENDING"}`, "a", "status PENDING"},
		{`not json`, "", "unreadable result"},
	} {
		id, problem := checkResult([]byte(c.data))
		if id != c.id || (c.problem == "") != (problem == "") || !strings.Contains(problem, c.problem) {
			t.Errorf("%s: %q, %q; want %q, containing %q", c.data, id, problem, c.id, c.problem)
		}
	}
}

func TestCollector(t *testing.T) {
	c := newCollector([]string{"a", "b", "c"})
	ok := func(id string) []byte {
		return []byte(`{"taskId":"` + id + `","status":"SUCCEEDED","connectorOutputPayload":{"Sid":"SM1"}}`)
	}
	c.add(ok("a"), "")
	if !closed(c.first) || closed(c.done) {
		t.Fatal("after one result: first must be closed, done not")
	}
	c.add(ok("a"), "")                        // a redelivery counts once
	c.add([]byte(`{"status":"FAILED"}`), "b") // the attribute names the task
	c.add(ok("z"), "")                        // not of this run
	if n, _ := c.progress(); n != 2 || closed(c.done) {
		t.Fatalf("answered %d, want 2, done open", n)
	}
	if got := c.missing(5); !slices.Equal(got, []string{"c"}) {
		t.Errorf("missing %v, want [c]", got)
	}
	c.add(ok("c"), "")
	if !closed(c.done) {
		t.Fatal("every task answered but done is open")
	}
	err := c.verdict()
	if err == nil || !strings.Contains(err.Error(), "1 of 3 tasks answered without success, e.g. b: status FAILED") {
		t.Errorf("verdict %v", err)
	}
	c.failed = 0
	if err := c.verdict(); err == nil || !strings.Contains(err.Error(), "1 results for no task") {
		t.Errorf("verdict with a stray result %v", err)
	}
}
