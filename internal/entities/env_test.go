package entities_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/speccheck"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

const (
	testAccount = "AC11111111111111111111111111111111"
	testToken   = "t0ken"
)

var (
	checkerOnce sync.Once
	checker     *speccheck.Checker
	checkerErr  error
)

// env is the executor wired to the simulator through the real twilio-go
// client, with every request and response checked against Twilio's spec.
type env struct {
	x   *entities.Executor
	sim *twiliosim.Server
	chk *speccheck.Checker
}

func newEnv(t testing.TB, fixtures any) *env {
	t.Helper()
	return newEnvChecked(t, fixtures, true)
}

// newEnvChecked is newEnv, optionally without the spec checker (whose
// response validation would dominate a benchmark).
func newEnvChecked(t testing.TB, fixtures any, check bool) *env {
	t.Helper()
	dir := specDir(t)
	checkerOnce.Do(func() { checker, checkerErr = speccheck.Load(dir) })
	if checkerErr != nil {
		t.Fatal(checkerErr)
	}
	sim := twiliosim.New(twiliosim.Config{AccountSID: testAccount, AuthToken: testToken, Seed: 7})
	if fixtures != nil {
		b, _ := json.Marshal(fixtures)
		if err := sim.LoadFixtures(bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
	}
	checker.Reset()
	var h http.Handler = sim
	if check {
		h = checker.Middleware(sim)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		if v := checker.Violations(); len(v) > 0 {
			t.Errorf("spec violations:\n%s", strings.Join(v, "\n"))
		}
	})
	base, _ := url.Parse(srv.URL)
	stack := twiliohttp.BufferErrors(twiliohttp.Rewrite(base, http.DefaultTransport))
	f := twiliohttp.NewFactory(testAccount, secret.New(testToken), stack, 10*time.Second)
	return &env{x: &entities.Executor{Catalogue: entities.NewCatalogue(), AccountSID: testAccount, Handler: f.Handler},
		sim: sim, chk: checker}
}

// do runs a task given as JSON through the same decoder the worker uses.
func (e *env) do(t *testing.T, taskJSON string) (task.Output, error) {
	t.Helper()
	tk, err := task.Decode([]byte(taskJSON))
	if err != nil {
		t.Fatalf("bad test task %s: %v", taskJSON, err)
	}
	return e.x.Do(context.Background(), tk)
}

func (e *env) ok(t *testing.T, taskJSON string) task.Output {
	t.Helper()
	out, err := e.do(t, taskJSON)
	if err != nil {
		t.Fatalf("%s: %v", taskJSON, err)
	}
	return out
}

// messageFixtures builds n messages with varied columns; msgs are the same
// rows as Go values for computing expectations independently.
type msg struct {
	Sid, To, From, Status, Body, Segments string
	Sent                                  time.Time
}

func messageFixtures(n int) ([]msg, map[string]any) {
	statuses := []string{"delivered", "sent", "failed", "undelivered"}
	base := time.Date(2024, 3, 1, 6, 0, 0, 0, time.UTC)
	var msgs []msg
	var rows []any
	for i := 0; i < n; i++ {
		m := msg{Sid: fmt.Sprintf("SM%032x", i+1), To: fmt.Sprintf("+1555000%04d", i%5),
			From: []string{"+15005550006", "+15017122661"}[i%2], Status: statuses[i%4],
			Body: fmt.Sprintf("message %d", i), Segments: fmt.Sprint(1 + i%3),
			Sent: base.Add(time.Duration(i) * 7 * time.Hour)}
		msgs = append(msgs, m)
		rows = append(rows, map[string]any{"sid": m.Sid, "to": m.To, "from": m.From, "status": m.Status,
			"body": m.Body, "num_segments": m.Segments, "date_sent": m.Sent.Format(time.RFC1123Z),
			"date_created": m.Sent.Format(time.RFC1123Z), "direction": "outbound-api"})
	}
	return msgs, map[string]any{"messages": rows}
}

// sids extracts the Sid column of a LIST payload.
func sids(t *testing.T, payload any) []string {
	t.Helper()
	rows, ok := payload.([]any)
	if !ok {
		t.Fatalf("payload is %T, want an array", payload)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.(map[string]any)["Sid"].(string)
	}
	return out
}
