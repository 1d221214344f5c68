package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"cloud.google.com/go/pubsub/v2"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/connectorworks/twilio-worker/internal/handler"
)

// readTaskLines reads JSON Lines from path ("" or "-" = stdin). Blank lines
// are skipped; every other line is a task, malformed or not: the pipeline
// answers a malformed one with a FAILED result like any other.
func readTaskLines(path string, stdin io.Reader) ([][]byte, error) {
	r := stdin
	if path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, configErr("tasks file: %v", err)
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReader(r)
	var out [][]byte
	for {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			out = append(out, t)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading tasks: %w", err)
		}
	}
}

// runLocalJob publishes the tasks, runs the pipeline, and prints one result
// per task; it returns when every task has its result or ctx ends.
func runLocalJob(ctx context.Context, cfg *Config, ps *pubsub.Client, h handler.Func, tasks [][]byte, stdout io.Writer, log *zap.Logger) error {
	if len(tasks) == 0 {
		return nil
	}
	order, err := publishTasks(ctx, ps, tasks)
	if err != nil {
		return err
	}
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	out := newResultPrinter(stdout, order, cfg.Unordered)
	var g errgroup.Group
	g.Go(func() error { return serve(workCtx, cfg, ps, h, log) })
	g.Go(func() error {
		defer stopWork()
		return collectResults(workCtx, ps, out)
	})
	return g.Wait()
}

// publishTasks publishes every line and returns message id → input index.
func publishTasks(ctx context.Context, ps *pubsub.Client, tasks [][]byte) (map[string]int, error) {
	pub := ps.Publisher("projects/local/topics/tasks")
	defer pub.Stop()
	results := make([]*pubsub.PublishResult, len(tasks))
	for i, t := range tasks {
		results[i] = pub.Publish(ctx, &pubsub.Message{Data: t})
	}
	order := make(map[string]int, len(tasks))
	for i, r := range results {
		id, err := r.Get(ctx)
		if err != nil {
			return nil, fmt.Errorf("publishing task %d: %w", i+1, err)
		}
		order[id] = i
	}
	return order, nil
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
		if out.add(m.Attributes["taskId"], m.Data) {
			cancel()
		}
	})
}

// resultPrinter writes results in input order (or as they come), once each.
type resultPrinter struct {
	mu        sync.Mutex
	w         io.Writer
	order     map[string]int
	pending   map[int][]byte
	next      int
	seen      map[string]bool
	unordered bool
}

func newResultPrinter(w io.Writer, order map[string]int, unordered bool) *resultPrinter {
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

func compact(data []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, data) != nil {
		return data
	}
	return b.Bytes()
}
