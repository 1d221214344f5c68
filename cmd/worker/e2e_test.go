package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// TestEndToEndDocumentedExamples runs the real worker binary against the
// real Pub/Sub emulator and the simulator (behind the spec checker): the
// nine documented examples, bad input of every kind, and read-back of what
// was written.
func TestEndToEndDocumentedExamples(t *testing.T) {
	requireEmulator(t)
	sim, simURL := simulator(t, twiliosim.Config{})
	chk := specChecker(t)
	chk.Reset()
	tp := newTopology(t)
	w := startWorker(t, tp, simURL)

	examples := readLines(t, filepath.Join("..", "..", "examples", "seed-tasks.jsonl"))
	for i, line := range examples {
		tp.publish(t, fmt.Sprintf("example-%d", i+1), line, map[string]string{"corr": fmt.Sprint("c", i+1)})
	}
	bad := map[string]string{
		"not-json":       `{"entity": "Messages", "operation": `,
		"unknown-entity": `{"entity": "Faxes", "operation": "LIST"}`,
		"unsupported-op": `{"entity": "Recordings", "operation": "CREATE", "connectorInputPayload": {"CallSid": "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"}}`,
		"unknown-column": `{"entity": "Messages", "operation": "CREATE", "connectorInputPayload": {"To": "+15558675310", "Senderr": "+15005550006", "Body": "x"}}`,
		"twilio-21211":   `{"entity": "Messages", "operation": "CREATE", "connectorInputPayload": {"To": "+15005550001", "Sender": "+15005550006", "Body": "x"}}`,
		"bad-filter":     `{"entity": "Messages", "operation": "LIST", "filterClause": "Status = "}`,
	}
	for id, data := range bad {
		tp.publish(t, id, data, nil)
	}
	got, counts := tp.collect(t, len(examples)+len(bad), 60*time.Second)
	for id, n := range counts {
		if n != 1 {
			t.Errorf("task %s has %d results, want exactly 1", id, n)
		}
	}
	checkExamples(t, got)
	wantErr := map[string]string{
		"not-json": "INVALID_ARGUMENT", "unknown-entity": "NOT_FOUND", "unsupported-op": "UNIMPLEMENTED",
		"unknown-column": "INVALID_ARGUMENT", "twilio-21211": "INVALID_ARGUMENT", "bad-filter": "INVALID_ARGUMENT",
	}
	for id, code := range wantErr {
		r, ok := got[id]
		if !ok {
			t.Errorf("%s: no result", id)
			continue
		}
		if r.Result.Status != "FAILED" || r.Result.Error == nil || string(r.Result.Error.Code) != code {
			t.Errorf("%s: got %+v, want FAILED %s", id, r.Raw, code)
		}
	}
	if e := got["unknown-column"].Result.Error; e != nil && !strings.Contains(e.Message, "Senderr") {
		t.Errorf("unknown column message does not name the column: %q", e.Message)
	}
	if e := got["twilio-21211"].Result.Error; e == nil || e.TwilioCode != 21211 || e.HTTPStatus != 400 {
		t.Errorf("21211: got %+v", e)
	}
	if n := len(sim.Rows("messages")); n != 2 {
		t.Errorf("simulator has %d messages, want 2 (the fixture and example 6; 21211 created none)", n)
	}
	readBack(t, tp, got)
	if err := w.stop(t, 30*time.Second); err != nil {
		t.Errorf("worker exit after SIGTERM: %v, want status 0", err)
	}
	if strings.Contains(w.stderr.String(), e2eToken) {
		t.Error("the auth token appears in the worker's logs")
	}
	if v := chk.Violations(); len(v) > 0 {
		t.Errorf("requests or responses broke Twilio's spec:\n%s", strings.Join(v, "\n"))
	}
}

func checkExamples(t *testing.T, got map[string]received) {
	t.Helper()
	for i := 1; i <= 9; i++ {
		id := fmt.Sprintf("example-%d", i)
		r, ok := got[id]
		if !ok {
			t.Errorf("%s: no result", id)
			continue
		}
		if r.Result.Status != "SUCCEEDED" {
			t.Errorf("%s: %+v", id, r.Raw)
			continue
		}
		if r.Attrs["corr"] != fmt.Sprint("c", i) || r.Attrs["taskId"] != id || r.Attrs["status"] != "SUCCEEDED" {
			t.Errorf("%s: result attributes %v", id, r.Attrs)
		}
	}
	payload := func(id string) string { return fmt.Sprint(got[id].Raw["connectorOutputPayload"]) }
	want := map[string]string{
		"example-3": "map[]",
		"example-4": "map[Sid:CAdefbf2b4caa7df11dc48106385e32345]",
		"example-7": "map[]",
		"example-8": "map[Sid:PN4047ac009a15885690a50a1d388b8411]",
		"example-9": "[map[Sid:PN6f5f9bf39cb1801a6e21a5a80d274bdd]]",
	}
	for id, w := range want {
		if p := payload(id); p != w {
			t.Errorf("%s payload = %s, want %s", id, p, w)
		}
	}
	if rows, ok := got["example-1"].Raw["connectorOutputPayload"].([]any); !ok || len(rows) != 2 {
		t.Errorf("example-1: want the 2 fixture recordings, got %s", payload("example-1"))
	}
	if row, _ := got["example-2"].Raw["connectorOutputPayload"].(map[string]any); row["Sid"] != "RE2e915e78549694bd0a0742d2d39454e5" ||
		row["CallSid"] != "CAdefbf2b4caa7df11dc48106385e32345" || row["DateCreated"] != "2014-06-02T10:15:00Z" {
		t.Errorf("example-2 row = %v", row)
	}
	for id, prefix := range map[string]string{"example-5": "FS", "example-6": "SM"} {
		row, _ := got[id].Raw["connectorOutputPayload"].(map[string]any)
		if sid, _ := row["Sid"].(string); !strings.HasPrefix(sid, prefix) || len(sid) != 34 || len(row) != 1 {
			t.Errorf("%s payload = %v, want {Sid: %s…}", id, row, prefix)
		}
	}
}

// readBack reads what the examples wrote.
func readBack(t *testing.T, tp *topology, got map[string]received) {
	t.Helper()
	sms, _ := got["example-6"].Raw["connectorOutputPayload"].(map[string]any)
	tasks := map[string]string{
		"rb-message": fmt.Sprintf(`{"entity":"Messages","operation":"GET","entityId":%q}`, sms["Sid"]),
		"rb-number":  `{"entity":"IncomingPhoneNumbers","operation":"GET","entityId":"PN4047ac009a15885690a50a1d388b8411"}`,
		"rb-redact":  `{"entity":"messages","operation":"list","filterClause":"Sid = 'SM3ad97d41e786c02bca47c8ce1745053b' AND Body = ''"}`,
		"rb-deleted": `{"entity":"Calls","operation":"GET","entityId":"CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"}`,
		"rb-caller":  `{"entity":"OutgoingCallerIds","operation":"LIST","filterClause":"Name LIKE 'Name Updated%'"}`,
	}
	for id, data := range tasks {
		tp.publish(t, id, data, nil)
	}
	rb, _ := tp.collect(t, len(tasks), 30*time.Second)
	row := func(id string) map[string]any {
		m, _ := rb[id].Raw["connectorOutputPayload"].(map[string]any)
		return m
	}
	if m := row("rb-message"); m["To"] != "whatsapp:+91789230000" || m["Sender"] != "whatsapp:+14155238886" || m["Body"] != "Message is sent from Google Cloud" {
		t.Errorf("read-back of example 6: %v", rb["rb-message"].Raw)
	}
	if m := row("rb-number"); m["Name"] != "name of IncomingPhoneNumber is getting updated" {
		t.Errorf("read-back of example 8: %v", rb["rb-number"].Raw)
	}
	if rows, _ := rb["rb-redact"].Raw["connectorOutputPayload"].([]any); len(rows) != 1 {
		t.Errorf("example 7 did not redact the body: %v", rb["rb-redact"].Raw)
	}
	if r := rb["rb-deleted"].Result; r.Error == nil || r.Error.Code != "NOT_FOUND" {
		t.Errorf("example 3 did not delete the call: %v", rb["rb-deleted"].Raw)
	}
	if rows, _ := rb["rb-caller"].Raw["connectorOutputPayload"].([]any); len(rows) != 1 {
		t.Errorf("read-back of example 9: %v", rb["rb-caller"].Raw)
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if l := strings.TrimSpace(s.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}
