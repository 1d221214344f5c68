package handler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

const secret = "s3cr3t-token"

// logCase is one task through the chain and the log line it must produce.
type logCase struct {
	data   string
	do     func(context.Context, *task.Task) (task.Output, error)
	cancel bool
	level  zapcore.Level
	fields map[string]any // expected values; duration is checked separately
}

func logCases() []logCase {
	withSecret := `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"Body":"` + secret + `"}}`
	fields := func(entity, op, status string, extra ...any) map[string]any {
		m := map[string]any{"entity": entity, "operation": op, "status": status, "delivery_attempt": int64(3)}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	failure := func(code codes.Code, retryable bool, twilio, status int64) []any {
		return []any{"error_code", string(code), "retryable", retryable, "twilio_code", twilio, "http_status", status}
	}
	return []logCase{
		{data: withSecret, do: returns(task.Output{Payload: map[string]any{"Sid": "SM1", "Body": secret}}, nil),
			level: zapcore.InfoLevel, fields: fields("Messages", "CREATE", "SUCCEEDED")},
		{data: withSecret, do: fails(twilioErr(400, 21211, "The 'To' number "+secret+" is not a valid phone number.")),
			level: zapcore.WarnLevel, fields: fields("Messages", "CREATE", "FAILED", failure(codes.InvalidArgument, false, 21211, 400)...)},
		{data: getTask, do: fails(twilioErr(500, 20500, "Internal Server Error")),
			level: zapcore.ErrorLevel, fields: fields("Messages", "GET", "FAILED", failure(codes.Unavailable, true, 20500, 500)...)},
		{data: withSecret, do: func(context.Context, *task.Task) (task.Output, error) { panic("bad payload " + secret) },
			level: zapcore.ErrorLevel, fields: fields("Messages", "CREATE", "FAILED", failure(codes.Internal, false, 0, 0)...)},
		{data: `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"Body":"` + secret + `"`,
			level: zapcore.WarnLevel, fields: fields("", "", "FAILED", failure(codes.InvalidArgument, false, 0, 0)...)},
		{data: `{"entity":"Nope","operation":"LIST"}`, do: fails(codes.Errorf(codes.NotFound, "unknown entity %q", secret)),
			level: zapcore.WarnLevel, fields: fields("Nope", "LIST", "FAILED", failure(codes.NotFound, false, 0, 0)...)},
		{data: getTask, cancel: true, do: func(ctx context.Context, _ *task.Task) (task.Output, error) { return task.Output{}, ctx.Err() },
			level: zapcore.InfoLevel, fields: fields("", "", "CANCELED")},
	}
}

func TestLog(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	cases := logCases()
	for i, c := range cases {
		h := handler.Chain(handler.New(&fakeOps{do: c.do}, clock),
			handler.Log(zap.New(core)), handler.Classify(), handler.Timeout(time.Second), handler.Recover())
		ctx, cancel := context.WithCancel(context.Background())
		if c.cancel {
			cancel()
		}
		m := &handler.Message{ID: fmt.Sprintf("msg-%d", i), Data: []byte(c.data), DeliveryAttempt: 3,
			Attributes: map[string]string{"taskId": fmt.Sprintf("task-%d", i), "authorization": "Bearer " + secret}}
		_, _ = h(ctx, m)
		cancel()
	}

	entries := logs.AllUntimed()
	if len(entries) != len(cases) {
		t.Fatalf("got %d log entries for %d tasks, want one each", len(entries), len(cases))
	}
	for i, e := range entries {
		c, ctx := cases[i], e.ContextMap()
		if e.Level != c.level {
			t.Errorf("task %d: level %v, want %v (%q)", i, e.Level, c.level, e.Message)
		}
		want := map[string]any{"task_id": fmt.Sprintf("task-%d", i), "message_id": fmt.Sprintf("msg-%d", i)}
		for k, v := range c.fields {
			want[k] = v
		}
		for k, v := range want {
			if ctx[k] != v {
				t.Errorf("task %d: field %s = %#v, want %#v", i, k, ctx[k], v)
			}
		}
		if _, ok := ctx["duration"].(time.Duration); !ok {
			t.Errorf("task %d: no duration field in %v", i, ctx)
		}
	}
	assertNoSecret(t, entries)
}

// assertNoSecret renders every entry as production JSON would and looks for
// the secret anywhere in it.
func assertNoSecret(t *testing.T, entries []observer.LoggedEntry) {
	t.Helper()
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	for i, e := range entries {
		buf, err := enc.EncodeEntry(e.Entry, e.Context)
		if err != nil {
			t.Fatal(err)
		}
		if line := buf.String(); strings.Contains(line, secret) {
			t.Errorf("log entry %d leaks the secret: %s", i, line)
		}
		buf.Free()
	}
}

// TestLogErrorWithoutClassify: without Classify outside it, Log still writes
// one line and derives the error code itself.
func TestLogErrorWithoutClassify(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	h := handler.Chain(handler.New(&fakeOps{do: fails(refused())}, clock), handler.Log(zap.New(core)))
	if _, err := h(context.Background(), msg(getTask)); err == nil {
		t.Fatal("want the raw error back without Classify")
	}
	entries := logs.AllUntimed()
	if len(entries) != 1 {
		t.Fatalf("got %d entries, want 1", len(entries))
	}
	if ctx := entries[0].ContextMap(); entries[0].Level != zapcore.ErrorLevel || ctx["error_code"] != "UNAVAILABLE" || ctx["entity"] != "Messages" {
		t.Errorf("entry = %v %v, want Error level with error_code UNAVAILABLE", entries[0].Level, ctx)
	}
}
