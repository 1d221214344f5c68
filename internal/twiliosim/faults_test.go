package twiliosim_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

const messagesPath = accountURI + "/Messages.json"

// dropped stands for "no answer" among the statuses of faultRun.
const dropped = 0

// faultSim is an empty simulator on the fixed clock with cfg's faults.
func faultSim(t *testing.T, cfg twiliosim.Config) (*twiliosim.Server, *env) {
	t.Helper()
	cfg.Now = func() time.Time { return clock }
	sim := twiliosim.New(cfg)
	return sim, newEnv(t, sim, nil)
}

// createMessage posts a valid message create whose Body is body, the way a
// worker would put the task id there.
func (e *env) createMessage(t *testing.T, body string) (answer, error) {
	t.Helper()
	return e.try(e.request(t, http.MethodPost, messagesPath, url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {body}}))
}

// faultRun sends n creates in order and returns the status of each, or
// dropped for those that got no answer.
func faultRun(t *testing.T, e *env, n int) []int {
	t.Helper()
	statuses := make([]int, n)
	for i := range statuses {
		a, err := e.createMessage(t, "task-"+strconv.Itoa(i))
		if err != nil && a.status != 0 {
			t.Fatalf("create %d: %v", i, err)
		}
		statuses[i] = a.status // 0 (dropped) with a transport error
	}
	return statuses
}

// bodies counts the stored messages by body.
func bodies(sim *twiliosim.Server) map[string]int {
	n := map[string]int{}
	for _, row := range sim.Rows("messages") {
		n[row["body"].(string)]++
	}
	return n
}

// TestFaultFractions: with a fixed seed, the fractions of 1000 creates that
// meet each fault are near the configured ones; FaultCounts agrees with
// what the client saw, and the stored rows with what was applied.
func TestFaultFractions(t *testing.T) {
	t.Parallel()
	const n = 1000
	sim, e := faultSim(t, twiliosim.Config{Seed: 7, Fail429: 0.10, Fail500: 0.05, FailTimeout: 0.02, TimeoutHold: time.Millisecond})
	seen := map[int]int{}
	for _, status := range faultRun(t, e, n) {
		seen[status]++
	}
	for _, c := range []struct {
		status int
		want   float64
	}{{http.StatusCreated, 0.83}, {http.StatusTooManyRequests, 0.10}, {http.StatusInternalServerError, 0.05}, {dropped, 0.02}} {
		if got := float64(seen[c.status]) / n; math.Abs(got-c.want) > 0.05 {
			t.Errorf("status %d answered %.3f of the requests, want %.2f ± 0.05", c.status, got, c.want)
		}
	}
	fc := sim.FaultCounts()
	if fc.Fail429 != seen[429] || fc.Fail500Applied+fc.Fail500NotApplied != seen[500] || fc.TimeoutApplied+fc.TimeoutNotApplied != seen[dropped] {
		t.Errorf("FaultCounts %+v, but the client saw %v", fc, seen)
	}
	applied := fc.Fail500Applied + fc.TimeoutApplied
	if rows := len(sim.Rows("messages")); rows != seen[201]+applied {
		t.Errorf("%d messages stored, want %d created + %d applied behind a fault", rows, seen[201], applied)
	}
	if frac := float64(applied) / float64(seen[500]+seen[dropped]); frac < 0.25 || frac > 0.75 {
		t.Errorf("%.2f of the 500s and timeouts were applied, want about 0.5 (the default)", frac)
	}
	logged := 0
	for _, r := range sim.Requests() {
		if r.Status == 0 {
			logged++
		}
	}
	if logged != seen[dropped] {
		t.Errorf("%d requests logged with status 0, want the %d dropped", logged, seen[dropped])
	}
}

// TestFaultOutcomes: what each fault answers, and whether the create
// behind it happened.
func TestFaultOutcomes(t *testing.T) {
	t.Parallel()
	hold := 50 * time.Millisecond
	cases := []struct {
		name   string
		cfg    twiliosim.Config
		status int // dropped: no answer
		code   int
		rows   int
		counts twiliosim.FaultCounts
	}{
		{"429", twiliosim.Config{Fail429: 1, Fail500AfterApply: 1}, 429, 20429, 0, twiliosim.FaultCounts{Fail429: 1}},
		{"500 applied", twiliosim.Config{Fail500: 1, Fail500AfterApply: 1}, 500, 20500, 1, twiliosim.FaultCounts{Fail500Applied: 1}},
		{"500 not applied", twiliosim.Config{Fail500: 1, Fail500AfterApply: -1}, 500, 20500, 0, twiliosim.FaultCounts{Fail500NotApplied: 1}},
		{"timeout applied", twiliosim.Config{FailTimeout: 1, Fail500AfterApply: 1, TimeoutHold: hold}, dropped, 0, 1, twiliosim.FaultCounts{TimeoutApplied: 1}},
		{"timeout not applied", twiliosim.Config{FailTimeout: 1, Fail500AfterApply: -1, TimeoutHold: hold}, dropped, 0, 0, twiliosim.FaultCounts{TimeoutNotApplied: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sim, e := faultSim(t, c.cfg)
			start := time.Now()
			a, err := e.createMessage(t, "task-1")
			switch {
			case c.status == dropped && err == nil:
				t.Fatalf("got %d %v, want no answer", a.status, a.body)
			case c.status == dropped && time.Since(start) < hold:
				t.Errorf("dropped after %v, before the %v hold", time.Since(start), hold)
			case c.status != dropped:
				wantError(t, a, c.status, c.code)
			}
			if c.status == 429 && a.header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q, want 1", a.header.Get("Retry-After"))
			}
			if got := bodies(sim)["task-1"]; got != c.rows {
				t.Errorf("%d messages with the request's body stored, want %d", got, c.rows)
			}
			if diff := cmp.Diff(c.counts, sim.FaultCounts()); diff != "" {
				t.Errorf("FaultCounts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFaultTimeoutClientLeaves: a held request ends when the client gives
// up, long before the hold, and the create it applied stays.
func TestFaultTimeoutClientLeaves(t *testing.T) {
	t.Parallel()
	sim, e := faultSim(t, twiliosim.Config{FailTimeout: 1, Fail500AfterApply: 1, TimeoutHold: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := e.request(t, http.MethodPost, messagesPath, url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {"task-9"}})
	if a, err := e.try(req.WithContext(ctx)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %d %v, %v; want the client's deadline", a.status, a.body, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(sim.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := sim.Requests(); len(got) != 1 || got[0].Status != 0 {
		t.Fatalf("request log %+v, want the create dropped (status 0) soon after the client left", got)
	}
	if got := bodies(sim)["task-9"]; got != 1 {
		t.Errorf("%d messages with the request's body stored, want the applied one", got)
	}
}

// TestFaultSeed: the same seed gives the same outcomes and rows for the
// same requests; another seed does not.
func TestFaultSeed(t *testing.T) {
	t.Parallel()
	outcome := func(seed uint64) string {
		sim, e := faultSim(t, twiliosim.Config{Seed: seed, Fail429: 0.2, Fail500: 0.2, FailTimeout: 0.1, TimeoutHold: time.Millisecond})
		statuses := faultRun(t, e, 200)
		var sids []string
		for _, row := range sim.Rows("messages") {
			sids = append(sids, row["sid"].(string)+"="+row["body"].(string))
		}
		return fmt.Sprint(statuses, sids)
	}
	first, again, other := outcome(42), outcome(42), outcome(43)
	if first != again {
		t.Errorf("seed 42 twice gave different outcomes:\n%s\n%s", first, again)
	}
	if first == other {
		t.Error("seeds 42 and 43 gave the same outcomes")
	}
}

// TestFaultEligibility: auth and validation errors come before faults, and
// NoFaultsHeader exempts a request.
func TestFaultEligibility(t *testing.T) {
	t.Parallel()
	sim, e := faultSim(t, twiliosim.Config{Fail429: 1})
	form := func(to string) url.Values {
		return url.Values{"To": {to}, "From": {"+15017122661"}, "Body": {"hi"}}
	}
	wantError(t, e.doAs(t, http.MethodPost, messagesPath, form("+15558675310"), accountSID, ""), 401, 20003)
	wantError(t, e.do(t, http.MethodPost, messagesPath, url.Values{"From": {"+15017122661"}, "Body": {"hi"}}), 400, 21604)
	wantError(t, e.do(t, http.MethodPost, messagesPath, form("+15005550001")), 400, 21211)
	wantError(t, e.do(t, http.MethodGet, accountURI+"/Nope.json", nil), 404, 20404)
	wantError(t, e.do(t, http.MethodDelete, messagesPath, nil), 405, 20004)
	wantError(t, e.do(t, http.MethodPost, messagesPath, form("+15558675310")), 429, 20429)

	req := e.request(t, http.MethodPost, messagesPath, form("+15558675310"))
	req.Header.Set(twiliosim.NoFaultsHeader, "1")
	if a := e.send(t, req); a.status != http.StatusCreated {
		t.Errorf("create with %s: %d %v, want 201", twiliosim.NoFaultsHeader, a.status, a.body)
	}
	req = e.request(t, http.MethodGet, messagesPath, nil)
	req.Header.Set(twiliosim.NoFaultsHeader, "1")
	if a := e.send(t, req); a.status != http.StatusOK || len(a.body["messages"].([]any)) != 1 {
		t.Errorf("list with %s: %d %v, want the one message", twiliosim.NoFaultsHeader, a.status, a.body)
	}
	if diff := cmp.Diff(twiliosim.FaultCounts{Fail429: 1}, sim.FaultCounts()); diff != "" {
		t.Errorf("FaultCounts (-want +got):\n%s", diff)
	}
}

// TestFaultWrites: a faulted update or delete takes effect per
// Fail500AfterApply; a faulted read never runs.
func TestFaultWrites(t *testing.T) {
	t.Parallel()
	sim, e := faultSim(t, twiliosim.Config{Fail500: 1, Fail500AfterApply: 1})
	req := e.request(t, http.MethodPost, messagesPath, url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {"hi"}})
	req.Header.Set(twiliosim.NoFaultsHeader, "1")
	sid := e.send(t, req).body["sid"].(string)
	path := accountURI + "/Messages/" + sid + ".json"
	wantError(t, e.do(t, http.MethodGet, path, nil), 500, 20500)
	wantError(t, e.do(t, http.MethodPost, path, url.Values{"Body": {""}}), 500, 20500)
	if rows := sim.Rows("messages"); len(rows) != 1 || rows[0]["body"] != "" {
		t.Errorf("after a faulted, applied redaction: %v, want the body empty", rows)
	}
	wantError(t, e.do(t, http.MethodDelete, path, nil), 500, 20500)
	wantError(t, e.do(t, http.MethodDelete, path, nil), 500, 20500) // ran, but 404: not applied
	if rows := sim.Rows("messages"); len(rows) != 0 {
		t.Errorf("after a faulted, applied delete: %v, want none", rows)
	}
	want := twiliosim.FaultCounts{Fail500Applied: 2, Fail500NotApplied: 2}
	if diff := cmp.Diff(want, sim.FaultCounts()); diff != "" {
		t.Errorf("FaultCounts (-want +got):\n%s", diff)
	}
}

// faultAnswers runs in the conformance test, where the spec checker
// validates the fault answers' error bodies: every create meets a 429 or a
// 500 (applied), and the requests exempted read the state back.
func faultAnswers(t *testing.T, e *env) {
	seen := map[int]int{}
	for i := range 20 {
		a := e.do(t, http.MethodPost, messagesPath, url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {"fault-" + strconv.Itoa(i)}})
		seen[a.status]++
		switch a.status {
		case http.StatusTooManyRequests:
			wantError(t, a, 429, 20429, "Too Many Requests")
			if a.header.Get("Retry-After") != "1" {
				t.Errorf("429 with Retry-After %q, want 1", a.header.Get("Retry-After"))
			}
		default:
			wantError(t, a, 500, 20500)
		}
	}
	if seen[429] == 0 || seen[500] == 0 {
		t.Errorf("statuses %v, want both 429 and 500", seen)
	}
	req := e.request(t, http.MethodGet, messagesPath+"?PageSize=100", nil)
	req.Header.Set(twiliosim.NoFaultsHeader, "1")
	a := e.send(t, req)
	n := 0
	for _, m := range a.body["messages"].([]any) {
		if strings.HasPrefix(m.(map[string]any)["body"].(string), "fault-") {
			n++
		}
	}
	if n != seen[500] {
		t.Errorf("%d messages listed from the faulted creates, want the %d behind a 500", n, seen[500])
	}
}
