package schemas_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/twilio/twilio-go/client"

	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// echoOps answers every task: LIST with rows and a next-page token, the
// others with a key object, or with the configured error.
type echoOps struct{ err error }

var _ handler.Ops = echoOps{}

func (echoOps) Canonical(entity string) (string, bool) { return entity, entity != "" }

func (o echoOps) Do(_ context.Context, t *task.Task) (task.Output, error) {
	if o.err != nil {
		return task.Output{}, o.err
	}
	if t.Operation == task.OpList {
		return task.Output{Payload: []map[string]any{{"Sid": "SM1"}}, NextPageToken: "next"}, nil
	}
	if t.Operation == task.OpDelete {
		return task.Output{}, nil // nil must still become {}
	}
	return task.Output{Payload: map[string]any{"Sid": "SM1"}}, nil
}

// TestHandlerResultsMatchSchema runs every example task, valid or not,
// through the documented chain and validates what the worker would publish.
func TestHandlerResultsMatchSchema(t *testing.T) {
	t.Parallel()
	schema := compile(t, "result.schema.json")
	files := append(glob(t, "testdata/task-*.json"), glob(t, "testdata/invalid/*.json")...)
	for _, ops := range []echoOps{{}, {err: &client.TwilioRestError{Status: 400, Code: 21211, Message: "bad To", MoreInfo: "https://www.twilio.com/docs/errors/21211"}},
		{err: errors.New("error decoding the response for an HTTP error code: 502: invalid character '<'")}, {err: context.DeadlineExceeded}} {
		h := handler.Chain(handler.New(ops, time.Now), handler.Classify(), handler.Recover())
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := h(context.Background(), &handler.Message{ID: "m-1", Data: data})
			if err != nil || r == nil {
				t.Fatalf("%s: chain = %v, %v; want a result", file, r, err)
			}
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("%s (ops err %v): result %s does not match the schema: %v", filepath.Base(file), ops.err, out, err)
			}
		}
	}
}

// TestResultSchemaRejects checks the result schema's own rules.
func TestResultSchemaRejects(t *testing.T) {
	t.Parallel()
	schema := compile(t, "result.schema.json")
	const base = `"taskId":"t","entity":"Messages","operation":"GET","startedAt":"2024-03-01T10:20:00Z","finishedAt":"2024-03-01T10:20:01Z"`
	const errObj = `"error":{"code":"NOT_FOUND","message":"gone","retryable":false}`
	tests := map[string]string{
		"success without payload":   `{` + base + `,"status":"SUCCEEDED"}`,
		"success with null payload": `{` + base + `,"status":"SUCCEEDED","connectorOutputPayload":null}`,
		"success with error":        `{` + base + `,"status":"SUCCEEDED","connectorOutputPayload":{},` + errObj + `}`,
		"failure without error":     `{` + base + `,"status":"FAILED"}`,
		"failure with payload":      `{` + base + `,"status":"FAILED","connectorOutputPayload":{},` + errObj + `}`,
		"failure with next token":   `{` + base + `,"status":"FAILED","listEntitiesNextPageToken":"n",` + errObj + `}`,
		"unknown status":            `{` + base + `,"status":"DONE","connectorOutputPayload":{}}`,
		"unknown error code":        `{` + base + `,"status":"FAILED","error":{"code":"BAD_REQUEST","message":"x","retryable":false}}`,
		"error without retryable":   `{` + base + `,"status":"FAILED","error":{"code":"INTERNAL","message":"x"}}`,
		"timestamp not UTC":         `{` + strings.Replace(base, "10:20:00Z", "10:20:00+01:00", 1) + `,"status":"SUCCEEDED","connectorOutputPayload":{}}`,
		"timestamp not RFC 3339":    `{` + strings.Replace(base, "2024-03-01T10:20:00Z", "yesterday Z", 1) + `,"status":"SUCCEEDED","connectorOutputPayload":{}}`,
		"missing taskId":            `{` + strings.Replace(base, `"taskId":"t",`, "", 1) + `,"status":"SUCCEEDED","connectorOutputPayload":{}}`,
	}
	for name, doc := range tests {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if schema.Validate(inst) == nil {
			t.Errorf("%s: schema accepts %s", name, doc)
		}
	}
}
