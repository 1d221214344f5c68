package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
// chain as shipped (memory task store, limiter at nodes 100, retries,
// twilio-go), then the result's encoding and attributes. Pub/Sub is left
// out, so the figures are steadier than cmd/bench's and show what a change
// to the chain saves; the fake Twilio is a few lines, so little of the
// process's CPU is not the worker's.
//
// cpu-µs/op is the process's user and system CPU per task, the fake's
// included; at 2 500 tasks/s the limiter paces it as it paces the worker.
func BenchmarkTaskChain(b *testing.B) {
	var sids atomic.Uint64
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"sid":"SM%032x","account_sid":"%s","to":"+15558675310","from":"+15005550006",`+
			`"body":"benchmark","status":"queued","date_created":"Sat, 05 Dec 2026 10:00:00 +0000",`+
			`"num_segments":"1","price":null,"uri":"/2010-04-01/Accounts/%[2]s/Messages/SM%032[1]x.json"}`,
			sids.Add(1), localAccountSID)
	}))
	defer fake.Close()
	cfg := &Config{Nodes: 100, AccountSID: localAccountSID, AuthToken: secret.New(localToken),
		TwilioBaseURL: fake.URL, TaskTimeout: time.Minute, ShutdownGrace: 10 * time.Second,
		ResultTTL: time.Hour}
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

	// As many tasks at once as the worker holds at nodes 100.
	workers := receiveSettings(cfg).MaxOutstandingMessages
	var next atomic.Int64
	var failed atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				m := &handler.Message{ID: fmt.Sprint(i), Data: data,
					Attributes: map[string]string{task.AttrTaskID: fmt.Sprint("chain-", b.N, "-", i)}}
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
	cpu := processCPU() - cpu0
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d tasks did not succeed", n, b.N)
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
}

// processCPU is the user and system CPU the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
