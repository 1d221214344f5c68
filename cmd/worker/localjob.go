package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// runLocalJob publishes the task lines, runs the pipeline, and prints one
// result per line; it returns when every line has its result or ctx ends.
func runLocalJob(ctx context.Context, cfg *Config, ps *pubsub.Client, h handler.Func, lines []taskLine, stdout io.Writer, log *zap.Logger) error {
	if len(lines) == 0 {
		return nil
	}
	out := newResultPrinter(stdout, lines, cfg.Unordered)
	if err := publishTasks(ctx, ps, lines, out, log); err != nil {
		return err
	}
	if out.complete() { // every line was answered without the pipeline
		return nil
	}
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	var g errgroup.Group
	g.Go(func() error { return serve(workCtx, cfg, ps, h, log) })
	g.Go(func() error {
		defer stopWork()
		return collectResults(workCtx, ps, out)
	})
	return g.Wait()
}

// publishTasks publishes every line with its line number as the taskId
// attribute. A line Pub/Sub cannot carry (over its 10 MB) is answered
// FAILED here, as no worker could ever receive it.
func publishTasks(ctx context.Context, ps *pubsub.Client, lines []taskLine, out *resultPrinter, log *zap.Logger) error {
	pub := ps.Publisher("projects/local/topics/tasks")
	defer pub.Stop()
	results := make([]*pubsub.PublishResult, len(lines))
	for i, l := range lines {
		if l.data != nil {
			results[i] = pub.Publish(ctx, &pubsub.Message{Data: l.data, Attributes: map[string]string{task.AttrTaskID: l.id()}})
		}
	}
	for i, r := range results {
		var err error
		if r != nil {
			_, err = r.Get(ctx)
		}
		if r == nil || unpublishable(err) {
			log.Warn("task line over Pub/Sub's message limit; answered FAILED without publishing it",
				zap.String("task_id", lines[i].id()), zap.Int("bytes", lines[i].size))
			out.add(lines[i].id(), oversizedLine(lines[i]))
		} else if err != nil {
			return fmt.Errorf("publishing the task of line %d: %w", lines[i].n, err)
		}
	}
	return nil
}

// oversizedLine is the FAILED result of a line too large to publish.
func oversizedLine(l taskLine) []byte {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	r := &task.Result{TaskID: l.id(), Status: task.StatusFailed, StartedAt: now, FinishedAt: now,
		Error: &task.ErrorInfo{Code: codes.InvalidArgument, Message: fmt.Sprintf("task message (line %d) is %d bytes; "+
			"Pub/Sub carries at most %d bytes (10 MB) in one publish request, message attributes included, so it "+
			"was not sent: shrink connectorInputPayload", l.n, l.size, maxLineBytes)}}
	data, _ := r.JSON() // no payload: cannot fail
	return data
}

// localStreams is the number of pull streams on the in-process Pub/Sub:
// pstest delivers about 100 messages/s per stream, so one stream would cap
// worker local near 100 tasks/s.
const localStreams = 16

// collectResults receives results until the printer has them all.
func collectResults(ctx context.Context, ps *pubsub.Client, out *resultPrinter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := ps.Subscriber(localResultSub)
	sub.ReceiveSettings.NumGoroutines = localStreams
	return sub.Receive(ctx, func(_ context.Context, m *pubsub.Message) {
		m.Ack()
		if out.add(m.Attributes[task.AttrTaskID], m.Data) {
			cancel()
		}
	})
}

// resultPrinter writes results in input order (or as they come), once
// each, matching them to lines by task id.
type resultPrinter struct {
	mu        sync.Mutex
	w         io.Writer
	order     map[string]int // task id → index among the task lines
	pending   map[int][]byte
	next      int
	seen      map[string]bool
	unordered bool
}

func newResultPrinter(w io.Writer, lines []taskLine, unordered bool) *resultPrinter {
	order := make(map[string]int, len(lines))
	for i, l := range lines {
		order[l.id()] = i
	}
	return &resultPrinter{w: w, order: order, pending: map[int][]byte{}, seen: map[string]bool{}, unordered: unordered}
}

// add records one result and reports whether every task now has one.
func (p *resultPrinter) add(taskID string, data []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	idx, ok := p.order[taskID]
	if !ok || p.seen[taskID] {
		return len(p.seen) == len(p.order) // a redelivered result, or not ours
	}
	p.seen[taskID] = true
	line := compact(data)
	if p.unordered {
		fmt.Fprintf(p.w, "%s\n", line)
	} else {
		p.pending[idx] = line
		for l, ok := p.pending[p.next]; ok; l, ok = p.pending[p.next] {
			fmt.Fprintf(p.w, "%s\n", l)
			delete(p.pending, p.next)
			p.next++
		}
	}
	return len(p.seen) == len(p.order)
}

// complete reports whether every task has its result.
func (p *resultPrinter) complete() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen) == len(p.order)
}

func compact(data []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, data) != nil {
		return data
	}
	return b.Bytes()
}
