package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
)

// collectorStreams is the StreamingPull streams of the result collector.
// One stream carries about 2 000 messages/s from the emulator
// (docs/maintainers.md), less than the minimal pipeline publishes: with
// fewer, the bench would time its own reading.
const collectorStreams = 10

// maxFailures bounds the failed answers a collector keeps to show.
const maxFailures = 5

// collector counts the distinct tasks of one run that got a result. It is
// safe for concurrent use.
type collector struct {
	mu         sync.Mutex
	want       map[string]bool // the run's task ids: answered yet?
	answered   int
	failed     int      // answered with anything but a SUCCEEDED result with an SM sid
	failures   []string // the first maxFailures of them
	unexpected int      // results for tasks not of this run, or without a taskId
	firstAt    time.Time
	lastAt     time.Time     // when the latest task got its first result
	first      chan struct{} // closed at the first task answered
	done       chan struct{} // closed when every task is answered
}

func newCollector(ids []string) *collector {
	c := &collector{want: make(map[string]bool, len(ids)), first: make(chan struct{}), done: make(chan struct{})}
	for _, id := range ids {
		c.want[id] = false
	}
	return c
}

// receive reads subscription sub into the collector until ctx ends.
func (c *collector) receive(ctx context.Context, ps *pubsub.Client, sub string) error {
	s := ps.Subscriber(sub)
	s.ReceiveSettings.NumGoroutines = collectorStreams
	s.ReceiveSettings.MaxOutstandingMessages = 10000
	err := s.Receive(ctx, func(_ context.Context, m *pubsub.Message) {
		m.Ack()
		c.add(m.Data, m.Attributes["taskId"])
	})
	if err != nil {
		return fmt.Errorf("receive %s: %w", sub, err)
	}
	return nil
}

// add records one result message; attrID is its taskId attribute.
func (c *collector) add(data []byte, attrID string) {
	id, problem := checkResult(data)
	if id == "" {
		id = attrID
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	seen, ours := c.want[id]
	switch {
	case !ours:
		c.unexpected++
		return
	case seen: // a redelivery or a second answer; the first one counts
		return
	}
	c.want[id] = true
	c.answered++
	c.lastAt = now
	if problem != "" {
		c.failed++
		if len(c.failures) < maxFailures {
			c.failures = append(c.failures, id+": "+problem)
		}
	}
	if c.answered == 1 {
		c.firstAt = now
		close(c.first)
	}
	if c.answered == len(c.want) {
		close(c.done)
	}
}

// checkResult returns a result's task id and what is wrong with it, "" for
// a SUCCEEDED result carrying a message sid.
func checkResult(data []byte) (id, problem string) {
	var r struct {
		TaskID  string `json:"taskId"`
		Status  string `json:"status"`
		Payload struct {
			Sid string `json:"Sid"`
		} `json:"connectorOutputPayload"`
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return "", "unreadable result: " + err.Error()
	}
	switch {
	case r.Error != nil:
		return r.TaskID, fmt.Sprintf("%s %s: %s", r.Status, r.Error.Code, r.Error.Message)
	case r.Status != "SUCCEEDED":
		return r.TaskID, "status " + r.Status
	case !strings.HasPrefix(r.Payload.Sid, "SM"):
		return r.TaskID, fmt.Sprintf("SUCCEEDED without a message sid: %s", data)
	}
	return r.TaskID, ""
}

// progress returns how many tasks are answered and when the latest was.
func (c *collector) progress() (answered int, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.answered, c.lastAt
}

// missing returns up to n ids of tasks without a result.
func (c *collector) missing(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for id, seen := range c.want {
		if !seen && len(out) < n {
			out = append(out, id)
		}
	}
	return out
}

// verdict returns an error when a task was answered with a failure or a
// result arrived for no task of the run.
func (c *collector) verdict() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.failed > 0:
		return fmt.Errorf("%d of %d tasks answered without success, e.g. %s", c.failed, len(c.want),
			strings.Join(c.failures, "; "))
	case c.unexpected > 0:
		return fmt.Errorf("%d results for no task of the run", c.unexpected)
	}
	return nil
}
