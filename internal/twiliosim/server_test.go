package twiliosim_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// TestConcurrentCreates: parallel creates each get their own row (run with
// -race).
func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, twiliosim.New(twiliosim.Config{}), nil)
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := e.api.CreateMessage((&openapi.CreateMessageParams{}).SetTo("+15558675310").SetFrom("+15017122661").SetBody("hi"))
			if err != nil {
				t.Error(err)
			}
			if _, err := e.api.ListMessage((&openapi.ListMessageParams{}).SetPageSize(5).SetLimit(5)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	seen := map[any]bool{}
	for _, row := range e.sim.Rows("messages") {
		seen[row["sid"]] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct messages stored, want %d", len(seen), n)
	}
}

// TestRequestLog: the log says what arrived, when, and how it was answered.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newSim(t, twiliosim.Config{}), nil)
	e.do(t, http.MethodPost, accountURI+"/Messages.json", url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {"hi"}})
	e.do(t, http.MethodGet, accountURI+"/Messages.json?To=%2B15558675310", nil)
	got := e.sim.Requests()
	if len(got) != 2 {
		t.Fatalf("%d requests logged, want 2", len(got))
	}
	if r := got[0]; r.Method != "POST" || r.Path != accountURI+"/Messages.json" || r.Form.Get("Body") != "hi" || r.Status != 201 || !r.Time.Equal(clock) {
		t.Errorf("logged create %+v", r)
	}
	if r := got[1]; r.Method != "GET" || r.Query.Get("To") != "+15558675310" || r.Status != 200 {
		t.Errorf("logged list %+v", r)
	}
	if rows := e.sim.Rows("no_such_key"); rows != nil {
		t.Errorf("Rows of an unknown key = %v, want nil", rows)
	}
}

// TestLatency: every answer waits Config.Latency, errors included.
func TestLatency(t *testing.T) {
	t.Parallel()
	const latency = 60 * time.Millisecond
	e := newEnv(t, twiliosim.New(twiliosim.Config{Latency: latency}), nil)
	for _, path := range []string{accountURI + "/Messages.json", accountURI + "/Nope.json"} {
		start := time.Now()
		e.do(t, http.MethodGet, path, nil)
		if d := time.Since(start); d < latency {
			t.Errorf("GET %s answered in %v, before the %v latency", path, d, latency)
		}
	}
}
