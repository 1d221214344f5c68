package task_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// checkJSON fails unless r.JSON() is byte for byte json.Marshal(r), or both
// fail.
func checkJSON(t *testing.T, r *task.Result) {
	t.Helper()
	want, werr := json.Marshal(r)
	got, err := r.JSON()
	if (err != nil) != (werr != nil) || !bytes.Equal(got, want) {
		t.Errorf("JSON() = %s, %v\njson.Marshal = %s, %v", got, err, want, werr)
	}
}

func TestResultJSON(t *testing.T) {
	t.Parallel()
	ok := func(p any) *task.Result {
		return &task.Result{TaskID: "t-1", Entity: "Messages", Operation: "CREATE", Status: task.StatusSucceeded,
			Payload: p, StartedAt: "2026-12-05T23:30:52.912257439Z", FinishedAt: "2026-12-05T23:30:52.913993929Z"}
	}
	for name, r := range map[string]*task.Result{
		"create key":      ok(map[string]any{"Sid": "SM5f594b4e62f04ae241910c4ab3a11b69"}),
		"two keys sorted": ok(map[string]any{"Sid": "CA1", "AccountSid": "AC1", "b": "", "a": "x"}),
		"empty map":       ok(map[string]any{}),
		"nil map":         ok(map[string]any(nil)),
		"empty list":      ok([]any{}),
		"rows":            ok([]any{map[string]any{"Sid": "SM1", "NumSegments": json.Number("2"), "x": nil}}),
		"number member":   ok(map[string]any{"Sid": "SM1", "Price": json.Number("-0.0075")}),
		"bad number":      ok(map[string]any{"Price": json.Number("not a number")}),
		"nested":          ok(map[string]any{"a": map[string]any{"b": "c"}}),
		"many keys": ok(map[string]any{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7",
			"h": "8", "i": "9"}),
		"escapes": {TaskID: "a\"b\\c<d>&e\u2028\x01é\xff", Entity: "Messages", Operation: "GET",
			Status: task.StatusSucceeded, Payload: map[string]any{"k<": "v&\n"}, NextPageToken: "tok>",
			DeliveryAttempt: 3, StartedAt: "s", FinishedAt: "f"},
		"failure": {TaskID: "t", Entity: "Calls", Operation: "DELETE", Status: task.StatusFailed,
			Error: &task.ErrorInfo{Code: codes.NotFound, Message: "Twilio error 20404 <see> & more", TwilioCode: 20404,
				HTTPStatus: 404, MoreInfo: "https://www.twilio.com/docs/errors/20404"}, DeliveryAttempt: -1},
		"bare failure": {Status: task.StatusFailed, Error: &task.ErrorInfo{Code: codes.Internal, Retryable: true}},
		"zero":         {},
	} {
		t.Run(name, func(t *testing.T) { checkJSON(t, r) })
	}
}

// FuzzResultJSON holds Result.JSON equal to json.Marshal for any strings,
// attempt numbers and payloads of string members.
func FuzzResultJSON(f *testing.F) {
	f.Add("t-1", "Messages", "SM1", "Sid", "", "2026-12-05T23:30:52.9Z", 0, false, 0)
	f.Add("a\"<é\xff", "", "v\n", "k&", "tok", "", 7, true, 404)
	f.Fuzz(func(t *testing.T, id, entity, value, key, token, stamp string, attempt int, fail bool, status int) {
		r := &task.Result{TaskID: id, Entity: entity, Operation: "CREATE", Status: task.StatusSucceeded,
			Payload: map[string]any{key: value, key + "2": id}, NextPageToken: token, DeliveryAttempt: attempt,
			StartedAt: stamp, FinishedAt: stamp}
		checkJSON(t, r)
		if fail {
			r.Status, r.Payload = task.StatusFailed, nil
			r.Error = &task.ErrorInfo{Code: codes.Code(key), Message: value, Retryable: attempt%2 == 0,
				TwilioCode: attempt, HTTPStatus: status, MoreInfo: token}
			checkJSON(t, r)
		}
	})
}
