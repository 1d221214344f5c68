package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/connectorworks/twilio-worker/internal/redistest"
	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

const recordingGet = `{"entity":"Recordings","operation":"GET","entityId":"RE2e915e78549694bd0a0742d2d39454e5"}`

// poolWorker starts a worker of a pool of nodes 2 sharing the budget in
// the Redis at addr, logging each departure (debug).
func poolWorker(t *testing.T, tp *topology, simURL, redisAddr string, extra ...string) *worker {
	t.Helper()
	args := append([]string{"--nodes", "2", "--log-level", "debug", "--connection-name", "pool-e2e",
		"--budget-store", "redis://" + redisAddr + "/0"}, extra...)
	return startWorker(t, tp, simURL, args...)
}

// waitFor polls cond every 20 ms; the bound only keeps a broken worker
// from hanging the test.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", within, what)
		}
	}
}

// queuedMean is the mean rate of the first run of departures without a
// gap over a second, and that run's span. At 50/s the pool never idles
// that long while tasks are queued; a shorter stall (a loaded machine
// pausing every process, the kill) stays inside the run and is paid for in
// its mean, which is what the test judges.
func queuedMean(sent []time.Time) (float64, time.Duration) {
	end := len(sent) - 1
	for i := 1; i < len(sent); i++ {
		if sent[i].Sub(sent[i-1]) > time.Second {
			end = i - 1
			break
		}
	}
	span := sent[end].Sub(sent[0])
	return float64(end) / span.Seconds(), span
}

// TestEndToEndPool: three worker processes at nodes 2 share one budget of
// 50 requests/s through Redis. One is SIGKILLed midway and another started.
// Every task is answered, never with two different results; no one-second
// window of all the workers' departures (their debug lines) holds more
// than 50; while tasks are queued the pool sends at least 45/s (see the
// end of the test for why not 47.5 here).
func TestEndToEndPool(t *testing.T) {
	requireEmulator(t)
	srv := redistest.Start(t)
	sim, simURL := simulator(t, twiliosim.Config{})
	tp := newTopology(t)
	const n, budget = 900, 50 // ~15 s of queued work after the kill: its transient is amortised
	for i := range n {
		tp.publish(t, fmt.Sprint("pool-", i), recordingGet, nil)
	}
	store := "--task-store=redis://" + srv.Addr + "/1" // a redelivery republishes, never answers anew
	workers := []*worker{poolWorker(t, tp, simURL, srv.Addr, store), poolWorker(t, tp, simURL, srv.Addr, store),
		poolWorker(t, tp, simURL, srv.Addr, store)}
	waitFor(t, "100 requests at the simulator", 60*time.Second, func() bool { return len(sim.Requests()) >= 100 })
	_ = workers[0].cmd.Process.Signal(syscall.SIGKILL)
	killedAt := time.Now()
	workers = append(workers, poolWorker(t, tp, simURL, srv.Addr, store))
	got, counts := tp.collect(t, n, 180*time.Second)
	if len(got) != n {
		t.Fatalf("got results for %d tasks, want %d", len(got), n)
	}
	for id, r := range got {
		if r.Result.Status != "SUCCEEDED" {
			t.Errorf("task %s: %s %+v", id, r.Result.Status, r.Result.Error)
		}
	}
	var sent []time.Time
	for _, w := range workers {
		sent = append(sent, departures(w.log())...)
	}
	if len(sent) < n || len(sim.Requests()) > len(sent) {
		t.Fatalf("the workers logged %d departures, the simulator saw %d requests; want at least %d, and no request unlogged",
			len(sent), len(sim.Requests()), n)
	}
	busiest := busiestWindow(sent)
	mean, span := queuedMean(sent)
	redelivered := 0
	for _, c := range counts {
		redelivered += c - 1
	}
	t.Logf("%d departures; busiest one-second window %d (budget %d); mean %.2f/s over the first %v of queued work; "+
		"%d results republished after the kill", len(sent), busiest, budget, mean, span.Round(time.Millisecond), redelivered)
	if busiest > budget {
		t.Errorf("busiest one-second window of the pool had %d requests, budget is %d", busiest, budget)
	}
	if !sent[0].Add(span).After(killedAt) {
		t.Errorf("the queued period (%v) ended before the kill: the test did not measure it", span)
	}
	// 95 % of the budget is judged where only the budget is measured
	// (internal/poolbudget TestPoolSharesOneBudget: three limiters, one
	// Redis). Here three worker processes, the emulator and Redis share two
	// cores while one replica dies and another starts, and starved processes
	// wake late and drop tokens: measured 47.0–48.8/s. 90 % still catches a
	// pool that loses a replica's share or stalls on the kill.
	if mean < 0.90*budget {
		t.Errorf("the pool sent %.2f requests/s while tasks were queued, want at least %.2f", mean, 0.90*budget)
	}
}

// httpAddr waits for the worker's "serving /metrics" line and returns the
// address it bound.
func httpAddr(t *testing.T, w *worker) string {
	t.Helper()
	var addr string
	waitFor(t, "the worker's http_addr line", 30*time.Second, func() bool {
		for _, line := range strings.Split(w.log(), "\n") {
			var e struct {
				Addr string `json:"http_addr"`
			}
			if json.Unmarshal([]byte(line), &e) == nil && e.Addr != "" {
				addr = e.Addr
				return true
			}
		}
		return false
	})
	return addr
}

func getStatus(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestEndToEndBudgetStoreOutage: Redis, holding the shared budget, stops
// under load and comes back. While it is away the worker sends nothing
// (bar tokens granted before it went) and /readyz answers 503; after, every
// task is answered and /readyz is 200 again. /metrics, parsed with the
// Prometheus text parser, counts exactly the tasks and requests.
func TestEndToEndBudgetStoreOutage(t *testing.T) {
	requireEmulator(t)
	srv := redistest.Start(t)
	sim, simURL := simulator(t, twiliosim.Config{})
	tp := newTopology(t)
	const n = 150
	for i := range n {
		tp.publish(t, fmt.Sprint("outage-", i), recordingGet, nil)
	}
	w := poolWorker(t, tp, simURL, srv.Addr)
	base := "http://" + httpAddr(t, w)
	if s := getStatus(base + "/healthz"); s != 200 {
		t.Errorf("/healthz: %d, want 200", s)
	}
	waitFor(t, "/readyz 200", 30*time.Second, func() bool { return getStatus(base+"/readyz") == 200 })
	waitFor(t, "40 requests at the simulator", 60*time.Second, func() bool { return len(sim.Requests()) >= 40 })
	srv.Stop()
	stoppedAt := time.Now()
	waitFor(t, "/readyz 503", 30*time.Second, func() bool { return getStatus(base+"/readyz") == 503 })
	time.Sleep(2 * time.Second)
	restartedAt := time.Now()
	srv.Restart()
	got, _ := tp.collect(t, n, 90*time.Second)
	if len(got) != n {
		t.Fatalf("got results for %d tasks, want %d", len(got), n)
	}
	waitFor(t, "/readyz 200 again", 30*time.Second, func() bool { return getStatus(base+"/readyz") == 200 })
	sent := departures(w.log())
	// Tokens granted before the stop are at most 4 (80 ms of budget) ahead.
	for _, at := range sent {
		if at.After(stoppedAt.Add(200*time.Millisecond)) && at.Before(restartedAt) {
			t.Errorf("a request left at %v, while the budget store was away (%v to %v)", at, stoppedAt, restartedAt)
		}
	}
	if b := busiestWindow(sent); b > 50 {
		t.Errorf("busiest one-second window had %d requests, budget is 50", b)
	}
	if !strings.Contains(w.log(), "the budget store does not answer") {
		t.Error("the outage was not logged")
	}
	checkMetrics(t, base, n, len(sim.Requests()))
}

// checkMetrics scrapes /metrics and compares its counters with what the
// test saw: tasks answered and requests the simulator received.
func checkMetrics(t *testing.T, base string, tasks, requests int) {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	sum := func(name string, match map[string]string) float64 {
		var total float64
		f := fams[name]
		if f == nil {
			t.Errorf("/metrics has no %s", name)
			return 0
		}
		for _, m := range f.Metric {
			if labelsMatch(m, match) {
				total += m.GetCounter().GetValue()
			}
		}
		return total
	}
	if got := sum("twilio_worker_tasks_total", map[string]string{"entity": "Recordings", "operation": "GET", "status": "SUCCEEDED"}); got != float64(tasks) {
		t.Errorf("tasks_total{Recordings,GET,SUCCEEDED} = %v, want %d", got, tasks)
	}
	if got := sum("twilio_worker_twilio_requests_total", map[string]string{"method": "GET", "status": "200"}); got != float64(requests) {
		t.Errorf("twilio_requests_total{GET,200} = %v, want the simulator's %d", got, requests)
	}
	for _, name := range []string{"twilio_worker_budget_requests_per_second", "twilio_worker_budget_wait_seconds",
		"twilio_worker_task_duration_seconds", "twilio_worker_twilio_inflight_requests", "twilio_worker_twilio_inflight_cap",
		"twilio_worker_tasks_inflight",
		"go_goroutines", "process_resident_memory_bytes"} {
		if fams[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if g := fams["twilio_worker_budget_requests_per_second"]; g != nil && g.Metric[0].GetGauge().GetValue() != 50 {
		t.Errorf("budget_requests_per_second = %v, want 50", g.Metric[0].GetGauge().GetValue())
	}
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	for k, v := range want {
		found := false
		for _, l := range m.Label {
			if l.GetName() == k && l.GetValue() == v {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
