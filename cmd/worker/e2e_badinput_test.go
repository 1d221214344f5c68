package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// TestEndToEndHostileInput: oversize, invalid UTF-8, deeply nested JSON,
// huge arrays and wrong types everywhere each get a FAILED result with a
// clear message, and the worker keeps answering afterwards.
func TestEndToEndHostileInput(t *testing.T) {
	requireEmulator(t)
	_, simURL := simulator(t, twiliosim.Config{})
	tp := newTopology(t)
	w := startWorker(t, tp, simURL)
	huge := `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15558675310","MediaUrl":[` +
		strings.Repeat(`"https://example.com/a.png",`, 300000) + `"x"]}}`
	tasks := map[string]struct{ data, want string }{
		"bad-utf8":     {"{\"entity\":\"Messages\xff\",\"operation\":\"LIST\"}", "UTF-8"},
		"deep":         {strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000), "nest"},
		"huge-array":   {huge, "MediaUrl"},
		"wrong-types":  {`{"entity":5,"operation":["LIST"],"listEntitiesPageSize":"ten"}`, "entity"},
		"op-not-str":   {`{"entity":"Messages","operation":true}`, "operation"},
		"payload-list": {`{"entity":"Messages","operation":"CREATE","connectorInputPayload":[1,2]}`, "connectorInputPayload"},
		"after":        {`{"entity":"Recordings","operation":"GET","entityId":"RE2e915e78549694bd0a0742d2d39454e5"}`, ""},
	}
	for id, tk := range tasks {
		tp.publish(t, id, tk.data, nil)
	}
	got, counts := tp.collect(t, len(tasks), 60*time.Second)
	for id, tk := range tasks {
		r, ok := got[id]
		switch {
		case !ok:
			t.Errorf("%s: no result", id)
		case counts[id] != 1:
			t.Errorf("%s: %d results", id, counts[id])
		case tk.want == "" && r.Result.Status != "SUCCEEDED":
			t.Errorf("%s: the worker stopped answering properly: %v", id, r.Raw)
		case tk.want != "" && (r.Result.Error == nil || r.Result.Error.Code != "INVALID_ARGUMENT" ||
			!strings.Contains(strings.ToLower(r.Result.Error.Message), strings.ToLower(tk.want))):
			b, _ := json.Marshal(r.Raw)
			t.Errorf("%s: got %.400s, want INVALID_ARGUMENT mentioning %q", id, b, tk.want)
		}
	}
	if len(huge) < 8<<20 {
		t.Fatalf("the huge task is only %d bytes", len(huge))
	}
	if err := w.stop(t, 30*time.Second); err != nil {
		t.Errorf("worker exit: %v", err)
	}
}
