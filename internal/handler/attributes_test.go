package handler_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

func TestResultAttributes(t *testing.T) {
	t.Parallel()
	res := &task.Result{TaskID: "task-1", Entity: "Messages", Operation: "CREATE", Status: task.StatusFailed}
	tests := []struct {
		name  string
		attrs map[string]string
		r     *task.Result
		want  map[string]string
	}{
		{"no task attributes", nil, res,
			map[string]string{"taskId": "task-1", "status": "FAILED", "entity": "Messages", "operation": "CREATE"}},
		{"copied unchanged, worker's names win",
			map[string]string{"correlationId": "c-9", "replyTo": "projects/p/topics/r", "taskId": "task-1", "status": "PENDING", "entity": "x", "operation": "y", "": "empty key"},
			res,
			map[string]string{"correlationId": "c-9", "replyTo": "projects/p/topics/r", "": "empty key",
				"taskId": "task-1", "status": "FAILED", "entity": "Messages", "operation": "CREATE"}},
		{"ACTION without entity drops a caller's entity",
			map[string]string{"entity": "from-caller"},
			&task.Result{TaskID: "t", Operation: "ACTION", Status: task.StatusSucceeded},
			map[string]string{"taskId": "t", "status": "SUCCEEDED", "operation": "ACTION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := &handler.Message{ID: "m", Attributes: tt.attrs}
			before := maps(tt.attrs)
			got := handler.ResultAttributes(m, tt.r)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ResultAttributes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, maps(m.Attributes)); diff != "" {
				t.Errorf("task attributes were modified:\n%s", diff)
			}
		})
	}
}

func maps(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestResultAttributesStayUnderPubSubLimit(t *testing.T) {
	attrs := map[string]string{}
	for i := 0; i < 100; i++ {
		attrs[fmt.Sprintf("k%03d", i)] = "v"
	}
	r := &task.Result{TaskID: "t", Status: task.StatusSucceeded, Entity: "Messages", Operation: "GET"}
	got := handler.ResultAttributes(&handler.Message{ID: "m", Attributes: attrs}, r)
	if len(got) != 100 {
		t.Fatalf("got %d attributes, want 100 (Pub/Sub's limit)", len(got))
	}
	if got["taskId"] != "t" || got["k000"] != "v" || got["k095"] != "v" {
		t.Errorf("the worker's attributes and the first 96 task attributes must be kept: %v", got)
	}
	if _, ok := got["k096"]; ok {
		t.Error("attribute k096 should have been dropped")
	}
}
