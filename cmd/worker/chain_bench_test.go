package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// BenchmarkTaskChain measures one Messages CREATE task through what the
// worker runs between Pub/Sub's delivery and its publish: the handler
// chain with the worker's defaults (memory task store, limiter at nodes
// 100, retries, twilio-go), then the result's encoding and attributes.
// Pub/Sub is left out, so the figures are steadier than cmd/bench's and
// show what a change to the chain saves.
//
// cpu-µs/op, B/op and allocs/op count the whole process per task: the fake
// Twilio's net/http server (accepting, parsing the request, writing the
// answer) included, which is a fixed share that no change to the worker
// moves. At 2 500 tasks/s the limiter paces the tasks as it paces the
// worker. Every task must succeed with exactly one request to the fake.
func BenchmarkTaskChain(b *testing.B) {
	var sids atomic.Uint64
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/Messages.json") {
			http.Error(w, `{"code":20404,"message":"not a Messages create","status":404}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"sid":"SM%032x","account_sid":"%s","to":"+15558675310","from":"+15005550006",`+
			`"body":"benchmark","status":"queued","date_created":"Sat, 05 Dec 2026 10:00:00 +0000",`+
			`"num_segments":"1","price":null,"uri":"/2010-04-01/Accounts/%[2]s/Messages/SM%032[1]x.json"}`,
			sids.Add(1), localAccountSID)
	}))
	defer fake.Close()
	cfg := &Config{Nodes: 100, AccountSID: localAccountSID, AuthToken: secret.New(localToken),
		TwilioBaseURL: fake.URL, TaskTimeout: 2 * time.Minute, ShutdownGrace: 10 * time.Second,
		ResultTTL: 24 * time.Hour}
	stack, _, err := twilioStack(cfg, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	store, err := taskstore.Open(context.Background(), "memory://", time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	h := newTaskHandler(cfg, cfg.AuthToken, stack, store, zap.NewNop())
	data := []byte(`{"entity":"Messages","operation":"CREATE","connectorInputPayload":` +
		`{"To":"+15558675310","Sender":"+15005550006","Body":"benchmark"}}`)

	msgs := make([]*handler.Message, b.N)
	for i := range msgs {
		msgs[i] = &handler.Message{ID: fmt.Sprint(i), Data: data,
			Attributes: map[string]string{task.AttrTaskID: fmt.Sprint("chain-", i)}}
	}
	// As many tasks at once as the worker holds at nodes 100.
	workers := receiveSettings(cfg).MaxOutstandingMessages
	var next atomic.Int64
	var failed atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				m := msgs[i-1]
				res, err := h(context.Background(), m)
				if err != nil || res == nil || res.Status != task.StatusSucceeded {
					failed.Add(1)
					continue
				}
				if _, err := m.Encoded(res); err != nil {
					failed.Add(1)
				}
				_ = handler.ResultAttributes(m, res)
			}
		}()
	}
	wg.Wait()
	cpu := processCPU(b) - cpu0
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d tasks did not succeed", n, b.N)
	}
	if n := sids.Load(); n != uint64(b.N) {
		b.Fatalf("the fake created %d messages for %d tasks, want one each", n, b.N)
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
}

// processCPU is the user and system CPU the process has used, all its
// threads included.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
