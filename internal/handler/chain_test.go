package handler_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"
	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// fullChain is the chain doc.go documents, with a short task deadline.
func fullChain(ops handler.Ops) handler.Func {
	return handler.Chain(handler.New(ops, clock),
		handler.Log(zap.NewNop()), handler.Classify(), handler.Timeout(50*time.Millisecond), handler.Recover())
}

const (
	getTask    = `{"entity":"messages","operation":"get","entityId":"SM1"}`
	createTask = `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15005550001"}}`
)

func twilioErr(status, code int, msg string) error {
	return &client.TwilioRestError{Status: status, Code: code, Message: msg,
		MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code)}
}

func refused() error {
	return &url.Error{Op: "Post", URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
}

type chainCase struct {
	name string
	data string
	do   func(context.Context, *task.Task) (task.Output, error)
	want *task.Result // Error.Message is checked by msg, not compared
	msg  []string
}

func ok(entity, op string, payload any) *task.Result {
	return &task.Result{TaskID: "task-1", Entity: entity, Operation: op, Status: task.StatusSucceeded,
		Payload: payload, DeliveryAttempt: 2, StartedAt: clockStamp, FinishedAt: clockStamp}
}

func failed(entity, op string, info task.ErrorInfo) *task.Result {
	return &task.Result{TaskID: "task-1", Entity: entity, Operation: op, Status: task.StatusFailed,
		Error: &info, DeliveryAttempt: 2, StartedAt: clockStamp, FinishedAt: clockStamp}
}

func chainCases() []chainCase {
	list := `{"entity":"Recordings","operation":"LIST"}`
	return []chainCase{
		{name: "ok GET", data: getTask, do: returns(task.Output{Payload: map[string]any{"Sid": "SM1"}}, nil),
			want: ok("Messages", "GET", map[string]any{"Sid": "SM1"})},
		{name: "ok LIST nil slice becomes []", data: list, do: returns(task.Output{Payload: []map[string]any(nil), NextPageToken: "next"}, nil),
			want: func() *task.Result {
				r := ok("Recordings", "LIST", []map[string]any{})
				r.NextPageToken = "next"
				return r
			}()},
		{name: "ok DELETE nil payload becomes {}", data: `{"entity":"Calls","operation":"DELETE","entityId":"CA1"}`,
			want: ok("Calls", "DELETE", map[string]any{})},
		{name: "bad JSON", data: `{"entity":`, want: failed("", "", task.ErrorInfo{Code: codes.InvalidArgument}), msg: []string{"not valid JSON"}},
		{name: "not an object", data: `["LIST"]`, want: failed("", "", task.ErrorInfo{Code: codes.InvalidArgument}), msg: []string{"must be a JSON object"}},
		{name: "invalid task still named", data: `{"entity":"messages","operation":"get"}`,
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.InvalidArgument}), msg: []string{"entityId is required for GET"}},
		{name: "bad operation kept raw", data: `{"entity":"Calls","operation":"fetch"}`,
			want: failed("Calls", "fetch", task.ErrorInfo{Code: codes.InvalidArgument}), msg: []string{`operation "fetch"`}},
		{name: "unknown entity", data: `{"entity":"Bogus","operation":"LIST"}`, do: fails(codes.Errorf(codes.NotFound, `unknown entity "Bogus"; entities are ...`)),
			want: failed("Bogus", "LIST", task.ErrorInfo{Code: codes.NotFound}), msg: []string{`unknown entity "Bogus"`}},
		{name: "codes error passes through wrapped", data: getTask,
			do:   fails(fmt.Errorf("messages get: %w", &codes.Error{Code: codes.Unimplemented, Message: "Messages cannot do that", Retryable: true, TwilioCode: 1, HTTPStatus: 405, MoreInfo: "m"})),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.Unimplemented, Retryable: true, TwilioCode: 1, HTTPStatus: 405, MoreInfo: "m"}),
			msg:  []string{"Messages cannot do that"}},
		{name: "Twilio 400 21211", data: createTask, do: fails(fmt.Errorf("messages create: %w", twilioErr(400, 21211, "The 'To' number +15005550001 is not a valid phone number."))),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.InvalidArgument, TwilioCode: 21211, HTTPStatus: 400, MoreInfo: "https://www.twilio.com/docs/errors/21211"}),
			msg:  []string{"Twilio error 21211 (HTTP 400): The 'To' number +15005550001 is not a valid phone number. More info: https://www.twilio.com/docs/errors/21211."}},
		{name: "Twilio 400 other", data: createTask, do: fails(twilioErr(400, 21604, "A 'To' phone number is required.")),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.InvalidArgument, TwilioCode: 21604, HTTPStatus: 400, MoreInfo: "https://www.twilio.com/docs/errors/21604"}),
			msg:  []string{"A 'To' phone number is required."}},
		{name: "Twilio 21610 unsubscribed", data: createTask, do: fails(twilioErr(400, 21610, "Attempt to send to unsubscribed recipient")),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.FailedPrecondition, TwilioCode: 21610, HTTPStatus: 400, MoreInfo: "https://www.twilio.com/docs/errors/21610"}),
			msg:  []string{"unsubscribed", "21610"}},
		{name: "Twilio 21611 queue full", data: createTask, do: fails(twilioErr(400, 21611, "Queue overflow")),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.ResourceExhausted, Retryable: true, TwilioCode: 21611, HTTPStatus: 400, MoreInfo: "https://www.twilio.com/docs/errors/21611"}),
			msg:  []string{"Queue overflow", "retry later"}},
		{name: "Twilio 21606 not owned", data: createTask, do: fails(twilioErr(400, 21606, "The From phone number is not a valid, SMS-capable inbound phone number")),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.FailedPrecondition, TwilioCode: 21606, HTTPStatus: 400, MoreInfo: "https://www.twilio.com/docs/errors/21606"})},
		{name: "Twilio 401", data: getTask, do: fails(twilioErr(401, 20003, "Authenticate")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.Unauthenticated, TwilioCode: 20003, HTTPStatus: 401, MoreInfo: "https://www.twilio.com/docs/errors/20003"}),
			msg:  []string{"Authenticate", "auth token"}},
		{name: "Twilio 403", data: getTask, do: fails(twilioErr(403, 20008, "Resource not accessible with Test Account Credentials")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.PermissionDenied, TwilioCode: 20008, HTTPStatus: 403, MoreInfo: "https://www.twilio.com/docs/errors/20008"})},
		{name: "Twilio 404", data: getTask, do: fails(twilioErr(404, 20404, "The requested resource was not found")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.NotFound, TwilioCode: 20404, HTTPStatus: 404, MoreInfo: "https://www.twilio.com/docs/errors/20404"})},
		{name: "Twilio 429", data: getTask, do: fails(twilioErr(429, 20429, "Too Many Requests")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.ResourceExhausted, Retryable: true, TwilioCode: 20429, HTTPStatus: 429, MoreInfo: "https://www.twilio.com/docs/errors/20429"})},
		{name: "Twilio 500 on GET", data: getTask, do: fails(twilioErr(500, 20500, "Internal Server Error")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.Unavailable, Retryable: true, TwilioCode: 20500, HTTPStatus: 500, MoreInfo: "https://www.twilio.com/docs/errors/20500"})},
		{name: "Twilio 500 on CREATE", data: createTask, do: fails(twilioErr(500, 20500, "Internal Server Error")),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.Unavailable, TwilioCode: 20500, HTTPStatus: 500, MoreInfo: "https://www.twilio.com/docs/errors/20500"}),
			msg:  []string{"unknown"}},
		{name: "Twilio 422 without code", data: getTask, do: fails(&client.TwilioRestError{Status: 422}),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.InvalidArgument, HTTPStatus: 422}), msg: []string{"Twilio answered HTTP 422"}},
		{name: "Twilio 405", data: getTask, do: fails(&client.TwilioRestError{Status: 405, Code: 20004, Message: "Method not allowed"}),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.Unimplemented, TwilioCode: 20004, HTTPStatus: 405})},
		{name: "Twilio 410 retired", data: getTask, do: fails(&client.TwilioRestError{Status: 410, Code: 20410, Message: "Gone"}),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.FailedPrecondition, TwilioCode: 20410, HTTPStatus: 410})},
		{name: "Twilio error without status", data: getTask, do: fails(&client.TwilioRestError{}),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.Unavailable, Retryable: true})},
		{name: "Twilio v1 error", data: getTask, do: fails(&client.RestErrorV1{Code: 20404, Message: "Not found", HttpStatusCode: 404}),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.NotFound, TwilioCode: 20404, HTTPStatus: 404})},
		{name: "non-JSON 502", data: getTask, do: fails(errors.New("error decoding the response for an HTTP error code: 502: invalid character '<' looking for beginning of value")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.Unavailable, Retryable: true, HTTPStatus: 502}),
			msg:  []string{"HTTP 502", "not a Twilio error"}},
		{name: "non-JSON 400", data: getTask, do: fails(errors.New("error decoding the response for an HTTP error code: 400: EOF")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.InvalidArgument, HTTPStatus: 400})},
		{name: "deadline exceeded on CREATE", data: createTask, do: waitForDeadline,
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.DeadlineExceeded}),
			msg:  []string{"timed out", "this CREATE: whether it happened is unknown"}},
		{name: "deadline exceeded on GET", data: getTask, do: waitForDeadline,
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.DeadlineExceeded, Retryable: true}),
			msg:  []string{"timed out", "Retrying later is safe"}},
		{name: "connection refused on CREATE", data: createTask, do: fails(refused()),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.Unavailable, Retryable: true}),
			msg:  []string{"connection refused", "nothing was sent"}},
		{name: "connection dropped on CREATE", data: createTask,
			do:   fails(&url.Error{Op: "Post", URL: "https://user:hunter2@proxy.example/Messages.json", Err: io.ErrUnexpectedEOF}),
			want: failed("Messages", "CREATE", task.ErrorInfo{Code: codes.Unavailable}),
			msg:  []string{"unexpected EOF", "user:xxxxx@proxy.example", "unknown"}},
		{name: "other error", data: getTask, do: fails(errors.New("boom")),
			want: failed("Messages", "GET", task.ErrorInfo{Code: codes.Internal}), msg: []string{"internal error: boom"}},
	}
}

func waitForDeadline(ctx context.Context, _ *task.Task) (task.Output, error) {
	<-ctx.Done()
	return task.Output{}, fmt.Errorf("messages: %w", ctx.Err())
}

func TestChain(t *testing.T) {
	t.Parallel()
	for _, tt := range chainCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := fullChain(&fakeOps{do: tt.do})
			attrs := map[string]string{"taskId": "task-1"}
			got, err := h(context.Background(), &handler.Message{ID: "msg-1", Data: []byte(tt.data), Attributes: attrs, DeliveryAttempt: 2})
			if err != nil {
				t.Fatalf("chain returned error %v; want a result and no error", err)
			}
			if got == nil {
				t.Fatal("chain returned no result")
			}
			checkMessage(t, got, tt.msg)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// checkMessage checks the error message's substrings, then blanks it so the
// rest of the result can be compared whole.
func checkMessage(t *testing.T, r *task.Result, want []string) {
	t.Helper()
	if r.Error == nil {
		return
	}
	if r.Error.Message == "" {
		t.Error("error message is empty")
	}
	for _, w := range want {
		if !strings.Contains(r.Error.Message, w) {
			t.Errorf("error message %q\ndoes not contain %q", r.Error.Message, w)
		}
	}
	if strings.Contains(r.Error.Message, "hunter2") {
		t.Errorf("error message %q leaks a URL password", r.Error.Message)
	}
	r.Error.Message = ""
}
