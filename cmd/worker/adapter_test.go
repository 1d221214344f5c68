package main

// Adapter tests (docs/maintainers.md §4): serve and its adapter against
// pstest, the in-process Pub/Sub server, with handler.Funcs the tests
// control. They assert what the contract promises, not how: one result per
// task, the ack only once that result is published, a nack (so a
// redelivery) otherwise. pstest ignores RetryPolicy and mishandles dead
// letters, so nothing here counts backoff or DLQ copies (docs/maintainers.md
// §2.3).

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/pubsub/v2/pstest"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap/zaptest"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	taskcodes "github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// waitLong bounds waiting on asynchronous outcomes: generous, because a
// loaded CI machine is slow, and never an assertion about speed.
const waitLong = 30 * time.Second

const getMessage = `{"entity":"Messages","operation":"GET","entityId":"SM3ad97d41e786c02bca47c8ce1745053b"}`

func TestAdapterAnswersAndAcks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		data      string
		attrs     map[string]string
		do        func() (task.Output, error)
		wantCalls int32
		wantCode  taskcodes.Code // "" for SUCCEEDED
		wantAttrs map[string]string
	}{
		{name: "success copies task attributes",
			data: getMessage, attrs: map[string]string{"taskId": "task-ok", "corr": "c-1", "status": "spoofed"},
			do:        func() (task.Output, error) { return task.Output{Payload: map[string]any{"Sid": "SM1"}}, nil },
			wantCalls: 1,
			wantAttrs: map[string]string{"taskId": "task-ok", "corr": "c-1", "status": "SUCCEEDED", "entity": "Messages", "operation": "GET"}},
		{name: "permanent failure is answered",
			data: getMessage, attrs: map[string]string{"taskId": "task-gone", "replyTo": "r"},
			do: func() (task.Output, error) {
				return task.Output{}, taskcodes.Errorf(taskcodes.NotFound, "no such row")
			},
			wantCalls: 1, wantCode: taskcodes.NotFound,
			wantAttrs: map[string]string{"taskId": "task-gone", "replyTo": "r", "status": "FAILED", "entity": "Messages", "operation": "GET"}},
		{name: "a result over Pub/Sub's 10 MB is answered with a small FAILED one",
			data: `{"entity":"Messages","operation":"LIST"}`, attrs: map[string]string{"taskId": "task-huge"},
			do: func() (task.Output, error) {
				return task.Output{Payload: []any{strings.Repeat("x", 11<<20)}}, nil
			},
			wantCalls: 1, wantCode: taskcodes.InvalidArgument,
			wantAttrs: map[string]string{"taskId": "task-huge", "status": "FAILED", "entity": "Messages", "operation": "LIST"}},
		{name: "malformed task is answered, not redelivered forever",
			data: "not json", attrs: map[string]string{"taskId": "task-bad"},
			wantCalls: 0, wantCode: taskcodes.InvalidArgument,
			wantAttrs: map[string]string{"taskId": "task-bad", "status": "FAILED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, nil)
			ops := &stubOps{do: tt.do}
			s := r.start(t, handler.Chain(handler.New(ops, nil), handler.Classify(), handler.Recover()))
			id := r.srv.Publish(r.taskTopic, []byte(tt.data), tt.attrs)

			res := r.waitResults(t, 1)[0]
			r.waitAcked(t, id)
			r.checkSettled(t, s, id, 1)
			if diff := cmp.Diff(tt.wantAttrs, res.Attributes); diff != "" {
				t.Errorf("result attributes (-want +got):\n%s", diff)
			}
			checkResult(t, res.Data, tt.attrs["taskId"], tt.wantCode)
			if got := ops.calls.Load(); got != tt.wantCalls {
				t.Errorf("executor calls: got %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestAdapterNacksUnansweredTasks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		handle handler.Func
	}{
		// Shutdown interrupted the task: nothing to publish.
		{"context canceled", func(context.Context, *handler.Message) (*task.Result, error) {
			return nil, context.Canceled
		}},
		// A chain without Classify leaks raw errors; the adapter must not
		// ack a task nobody answered.
		{"unclassified error", func(context.Context, *handler.Message) (*task.Result, error) {
			return nil, taskcodes.Errorf(taskcodes.Unavailable, "twilio unreachable")
		}},
		// No Recover in the chain: the adapter's last-resort recover must
		// keep the process alive and nack.
		{"panic", func(context.Context, *handler.Message) (*task.Result, error) {
			panic("handler bug")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, nil)
			h, calls := counted(tt.handle)
			s := r.start(t, h)
			id := r.srv.Publish(r.taskTopic, []byte(getMessage), map[string]string{"taskId": "t"})

			eventually(t, waitLong, "a redelivery after the nack", func() bool {
				return r.srv.Message(id).Deliveries >= 2 && calls.Load() >= 2
			})
			m := r.srv.Message(id)
			if !nacked(m) {
				t.Errorf("task was redelivered without a nack (modacks %+v); want an explicit nack", m.Modacks)
			}
			if m.Acks != 0 {
				t.Errorf("task acks: got %d, want 0", m.Acks)
			}
			if got := r.results(); len(got) != 0 {
				t.Errorf("results: got %d, want none", len(got))
			}
			if err := s.stop(t, waitLong); err != nil {
				t.Errorf("serve after %s: got %v, want nil", tt.name, err)
			}
		})
	}
}

// A result that cannot be published must leave the task unacked, so the
// task is redelivered and still gets its one result once Pub/Sub recovers.
func TestAdapterNacksWhenResultPublishFails(t *testing.T) {
	t.Parallel()
	// PermissionDenied, not Unavailable: the client retries Unavailable
	// itself for up to a minute, which TestAdapterRidesOutTransientPublishErrors
	// covers.
	faults := &publishFaults{code: codes.PermissionDenied}
	faults.left.Store(1 << 30)
	r := newRig(t, faults)
	h, calls := counted(answer)
	s := r.start(t, h)
	id := r.srv.Publish(r.taskTopic, []byte(getMessage), map[string]string{"taskId": "t-pub"})

	eventually(t, waitLong, "a redelivery after the failed publish", func() bool {
		return r.srv.Message(id).Deliveries >= 2 && calls.Load() >= 2
	})
	if m := r.srv.Message(id); m.Acks != 0 || !nacked(m) {
		t.Fatalf("while publishing fails: got acks %d, nacked %v; want 0 acks and a nack", m.Acks, nacked(m))
	}
	if n := faults.failed.Load(); n < 1 {
		t.Fatalf("injected publish failures: got %d, want at least 1", n)
	}
	if got := r.results(); len(got) != 0 {
		t.Fatalf("results while publishing fails: got %d, want none", len(got))
	}

	faults.left.Store(0) // Pub/Sub recovers
	res := r.waitResults(t, 1)[0]
	r.waitAcked(t, id)
	checkResult(t, res.Data, "t-pub", "")
	// Deliveries still in flight (earlier ones, nacked, may have been
	// redelivered meanwhile) publish before serve returns.
	if err := s.stop(t, waitLong); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if got := r.results(); len(got) != 1 {
		t.Errorf("results after recovery: got %d, want exactly 1", len(got))
	}
}

func TestAdapterRidesOutTransientPublishErrors(t *testing.T) {
	t.Parallel()
	faults := &publishFaults{code: codes.Unavailable}
	faults.left.Store(2) // the client's own retry (100 ms, then 400 ms) gets through
	r := newRig(t, faults)
	s := r.start(t, answer)
	id := r.srv.Publish(r.taskTopic, []byte(getMessage), map[string]string{"taskId": "t-flaky"})

	res := r.waitResults(t, 1)[0]
	r.waitAcked(t, id)
	r.checkSettled(t, s, id, 1)
	checkResult(t, res.Data, "t-flaky", "")
	if n := faults.failed.Load(); n != 2 {
		t.Errorf("injected publish failures: got %d, want 2", n)
	}
}

// On shutdown serve stops pulling but finishes what is in flight: the
// blocked task still publishes its result and is acked before serve returns.
func TestServeShutdownFinishesTasksInFlight(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	g := newGate()
	s := r.start(t, g.handle)
	id := r.srv.Publish(r.taskTopic, []byte(getMessage), map[string]string{"taskId": "t-inflight"})
	g.waitEntered(t)

	s.cancel()
	// Receive must not return while the task is still running.
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup's wait
		t.Fatalf("serve returned %v while a task was in flight; want it to wait", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(g.release)
	if err := s.wait(t, waitLong); err != nil {
		t.Fatalf("serve: got %v, want nil", err)
	}
	// run closes the client right after serve returns; so do we, so an ack
	// still queued in the client would be lost and show here.
	_ = r.client.Close()
	r.waitAcked(t, id)
	if got := r.results(); len(got) != 1 {
		t.Fatalf("results: got %d, want exactly 1", len(got))
	}
	checkResult(t, r.results()[0].Data, "t-inflight", "")
}

// A task still running when the shutdown grace ends is cancelled, answers
// nothing and is left for redelivery; serve does not wait for it forever.
func TestServeShutdownGraceCancelsTask(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.cfg.ShutdownGrace = 300 * time.Millisecond
	g := newGate() // never released: only the grace can end the task
	s := r.start(t, g.handle)
	id := r.srv.Publish(r.taskTopic, []byte(getMessage), map[string]string{"taskId": "t-slow"})
	g.waitEntered(t)

	start := time.Now()
	if err := s.stop(t, 10*time.Second); err != nil {
		t.Fatalf("serve: got %v, want nil", err)
	}
	t.Logf("serve returned %v after cancel (grace %v)", time.Since(start).Round(time.Millisecond), r.cfg.ShutdownGrace)
	if !g.cancelled.Load() {
		t.Error("the task's context was not cancelled at the end of the grace")
	}
	if m := r.srv.Message(id); m.Acks != 0 {
		t.Errorf("task acks: got %d, want 0", m.Acks)
	}
	if got := r.results(); len(got) != 0 {
		t.Fatalf("results: got %d, want none", len(got))
	}

	// The next worker gets the task again and answers it.
	r.start(t, answer)
	res := r.waitResults(t, 1)[0]
	r.waitAcked(t, id)
	checkResult(t, res.Data, "t-slow", "")
	if m := r.srv.Message(id); m.Deliveries < 2 {
		t.Errorf("deliveries: got %d, want at least 2", m.Deliveries)
	}
}

// rig is one pstest server with a task topic and subscription and a result
// topic, named after the test, and a Config that points serve at them.
type rig struct {
	srv       *pstest.Server
	client    *pubsub.Client
	cfg       *Config
	taskTopic string
}

// newRig starts pstest; faults, when not nil, is installed on Publish for
// the result topic only, so tasks can still be published.
func newRig(t *testing.T, faults *publishFaults) *rig {
	t.Helper()
	name := strings.Map(func(c rune) rune {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			return c
		}
		return '-'
	}, t.Name())
	r := &rig{taskTopic: "projects/proj/topics/tasks-" + name, cfg: &Config{
		Subscription: "projects/proj/subscriptions/tasks-" + name,
		ResultTopic:  "projects/proj/topics/results-" + name,
		Nodes:        2, TaskTimeout: time.Minute, ShutdownGrace: waitLong,
	}}
	var opts []pstest.ServerReactorOption
	if faults != nil {
		faults.topic = r.cfg.ResultTopic
		opts = append(opts, pstest.ServerReactorOption{FuncName: "Publish", Reactor: faults})
	}
	r.srv = pstest.NewServer(opts...)
	t.Cleanup(func() { _ = r.srv.Close() })
	r.client = pstestClient(t, r.srv)
	ctx := context.Background()
	for _, topic := range []string{r.taskTopic, r.cfg.ResultTopic} {
		if _, err := r.client.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
			t.Fatalf("creating %s: %v", topic, err)
		}
	}
	if _, err := r.client.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{
		Name: r.cfg.Subscription, Topic: r.taskTopic, AckDeadlineSeconds: 10}); err != nil {
		t.Fatalf("creating %s: %v", r.cfg.Subscription, err)
	}
	return r
}

// pstestClient connects to srv without credentials and closes on cleanup.
func pstestClient(tb testing.TB, srv *pstest.Server) *pubsub.Client {
	tb.Helper()
	c, err := pubsub.NewClient(context.Background(), "proj", option.WithEndpoint(srv.Addr),
		option.WithoutAuthentication(), option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		tb.Fatalf("pubsub client for pstest: %v", err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// serving is one serve call running in the background.
type serving struct {
	cancel context.CancelFunc
	done   chan error
}

// start runs serve with h until the test ends or stop is called.
func (r *rig) start(t *testing.T, h handler.Func) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{cancel: cancel, done: make(chan error, 1)}
	log := zaptest.NewLogger(t)
	go func() { s.done <- serve(ctx, r.cfg, r.client, h, log) }()
	t.Cleanup(func() { _ = s.stop(t, 2*waitLong) })
	return s
}

// stop cancels serve's context and returns serve's error.
func (s *serving) stop(t *testing.T, within time.Duration) error {
	t.Helper()
	s.cancel()
	return s.wait(t, within)
}

// wait returns serve's error, failing the test if serve is still running
// after within. It may be called more than once.
func (s *serving) wait(t *testing.T, within time.Duration) error {
	t.Helper()
	select {
	case err := <-s.done:
		s.done <- err
		return err
	case <-time.After(within):
		t.Fatalf("serve did not return within %v of its context being cancelled", within)
		return nil
	}
}

// results returns every message published on the result topic so far.
func (r *rig) results() []*pstest.Message {
	var out []*pstest.Message
	for _, m := range r.srv.Messages() {
		if m.Topic == r.cfg.ResultTopic {
			out = append(out, m)
		}
	}
	return out
}

func (r *rig) waitResults(t *testing.T, n int) []*pstest.Message {
	t.Helper()
	eventually(t, waitLong, "results", func() bool { return len(r.results()) >= n })
	return r.results()
}

func (r *rig) waitAcked(t *testing.T, id string) {
	t.Helper()
	eventually(t, waitLong, "the task's ack", func() bool { return r.srv.Message(id).Acks >= 1 })
}

// checkSettled checks that the acked task was delivered exactly deliveries
// times and answered exactly once. It first stops serve, which returns only
// once every delivery in flight has been answered and its result flushed;
// an acked task is not delivered again. So neither count can change after.
func (r *rig) checkSettled(t *testing.T, s *serving, id string, deliveries int) {
	t.Helper()
	if err := s.stop(t, waitLong); err != nil {
		t.Errorf("serve: got %v, want nil", err)
	}
	if got := r.srv.Message(id).Deliveries; got != deliveries {
		t.Errorf("task deliveries: got %d, want %d", got, deliveries)
	}
	if got := len(r.results()); got != 1 {
		t.Errorf("results: got %d, want exactly 1", got)
	}
}

// nacked reports whether a client sent a nack (a modack to 0 s) for m.
func nacked(m *pstest.Message) bool {
	for _, ma := range m.Modacks {
		if ma.AckDeadline == 0 {
			return true
		}
	}
	return false
}

// checkResult decodes a result message and checks its task id and outcome;
// code "" means SUCCEEDED.
func checkResult(t *testing.T, data []byte, taskID string, code taskcodes.Code) {
	t.Helper()
	var res task.Result
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("result is not JSON: %v: %s", err, data)
	}
	if res.TaskID != taskID {
		t.Errorf("result taskId: got %q, want %q", res.TaskID, taskID)
	}
	switch {
	case code == "" && (res.Status != task.StatusSucceeded || res.Error != nil):
		t.Errorf("result: got %s, want SUCCEEDED", data)
	case code != "" && (res.Status != task.StatusFailed || res.Error == nil || res.Error.Code != code):
		t.Errorf("result: got %s, want FAILED %s", data, code)
	}
}

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// answer is a handler.Func that answers every task with a success.
func answer(_ context.Context, m *handler.Message) (*task.Result, error) {
	return &task.Result{TaskID: m.TaskID(), Entity: "Messages", Operation: task.OpGet,
		Status: task.StatusSucceeded, Payload: map[string]any{}}, nil
}

// counted wraps h and counts its calls, so tests see redeliveries reach it.
func counted(h handler.Func) (handler.Func, *atomic.Int32) {
	var n atomic.Int32
	return func(ctx context.Context, m *handler.Message) (*task.Result, error) {
		n.Add(1)
		return h(ctx, m)
	}, &n
}

// gate is a handler that blocks every task until release is closed (then
// answers it) or its context ends (then returns the context's error).
type gate struct {
	entered   chan struct{}
	release   chan struct{}
	cancelled atomic.Bool
}

func newGate() *gate {
	return &gate{entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (g *gate) handle(ctx context.Context, m *handler.Message) (*task.Result, error) {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	select {
	case <-g.release:
		return answer(ctx, m)
	case <-ctx.Done():
		g.cancelled.Store(true)
		return nil, ctx.Err()
	}
}

func (g *gate) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(waitLong):
		t.Fatalf("no task reached the handler within %v", waitLong)
	}
}

// stubOps is a fake entity layer that knows only Messages and counts the
// tasks that reach it.
type stubOps struct {
	do    func() (task.Output, error)
	calls atomic.Int32
}

var _ handler.Ops = (*stubOps)(nil)

func (o *stubOps) Canonical(entity string) (string, bool) {
	return "Messages", strings.EqualFold(entity, "Messages")
}

func (o *stubOps) Do(context.Context, *task.Task) (task.Output, error) {
	o.calls.Add(1)
	return o.do()
}

// publishFaults is a pstest reactor that fails Publish calls for one topic
// with code while left > 0, and counts the failures.
type publishFaults struct {
	topic  string
	code   codes.Code
	left   atomic.Int64
	failed atomic.Int64
}

var _ pstest.Reactor = (*publishFaults)(nil)

func (f *publishFaults) React(req any) (handled bool, ret any, err error) {
	if p, ok := req.(*pubsubpb.PublishRequest); !ok || p.Topic != f.topic || f.left.Load() <= 0 {
		return false, nil, nil
	}
	f.left.Add(-1)
	f.failed.Add(1)
	return true, nil, status.Error(f.code, "injected publish failure")
}
