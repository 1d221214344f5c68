package handler_test

import (
	"testing"

	"github.com/connectorworks/twilio-worker/internal/handler"
)

func TestMessageTaskID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		attrs map[string]string
		want  string
	}{
		{nil, "m-1"},
		{map[string]string{"taskId": ""}, "m-1"},
		{map[string]string{"taskId": "caller-42"}, "caller-42"},
	}
	for _, tt := range tests {
		m := &handler.Message{ID: "m-1", Attributes: tt.attrs}
		if got := m.TaskID(); got != tt.want {
			t.Errorf("TaskID with attributes %v = %q, want %q", tt.attrs, got, tt.want)
		}
	}
}
