package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
)

// outcome is what the run compares of one result: two results of a task
// are the same answer when status, payload and error code agree
// (deliveryAttempt and timestamps may differ between republications).
type outcome struct {
	Status    string
	Payload   string // compact JSON, "" when absent
	Code      string // error.code, "" on success
	Retryable bool
}

// sid is the Sid of a CREATE's payload, "" when there is none.
func (o outcome) sid() string {
	var p struct{ Sid string }
	_ = json.Unmarshal([]byte(o.Payload), &p)
	return p.Sid
}

// answers is every result message seen for one task.
type answers struct {
	messages map[string]bool // Pub/Sub message ids: a redelivery to the run's subscription counts once
	distinct []outcome       // in arrival order
}

// collector records the result and dead-letter messages of a run. It is
// safe for concurrent use.
type collector struct {
	mu           sync.Mutex
	results      map[string]*answers // by task id
	dead         map[string]bool     // task ids dead-lettered
	malformed    []string            // results that could not be read
	lastProgress time.Time           // when a task was last answered or dead-lettered for the first time
}

func newCollector() *collector {
	return &collector{results: map[string]*answers{}, dead: map[string]bool{}, lastProgress: time.Now()}
}

// receive reads subscription sub into the collector until ctx ends; dead
// says whether it is the dead-letter subscription.
func (c *collector) receive(ctx context.Context, ps *pubsub.Client, sub string, dead bool) error {
	s := ps.Subscriber(sub)
	s.ReceiveSettings.MaxOutstandingMessages = 5000
	err := s.Receive(ctx, func(_ context.Context, m *pubsub.Message) {
		m.Ack()
		if dead {
			c.addDead(m.Attributes["taskId"])
			return
		}
		c.addResult(m.ID, m.Data, m.Attributes["taskId"])
	})
	if err != nil {
		return fmt.Errorf("receive %s: %w", sub, err)
	}
	return nil
}

func (c *collector) addDead(taskID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dead[taskID] {
		c.dead[taskID] = true
		if c.results[taskID] == nil {
			c.lastProgress = time.Now()
		}
	}
}

// addResult records result message id with data; attrTaskID is its taskId
// attribute, used when the data has none.
func (c *collector) addResult(id string, data []byte, attrTaskID string) {
	taskID, o, err := decodeResult(data)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.malformed = append(c.malformed, fmt.Sprintf("message %s: %v", id, err))
		return
	}
	if taskID == "" {
		taskID = attrTaskID
	}
	a := c.results[taskID]
	if a == nil {
		a = &answers{messages: map[string]bool{}}
		c.results[taskID] = a
		if !c.dead[taskID] {
			c.lastProgress = time.Now()
		}
	}
	a.messages[id] = true
	for _, d := range a.distinct {
		if d.Status == o.Status && d.Payload == o.Payload && d.Code == o.Code {
			return
		}
	}
	a.distinct = append(a.distinct, o)
}

// decodeResult reads the fields of a result message that the run compares.
func decodeResult(data []byte) (string, outcome, error) {
	var r struct {
		TaskID  string          `json:"taskId"`
		Status  string          `json:"status"`
		Payload json.RawMessage `json:"connectorOutputPayload"`
		Error   *struct {
			Code      string `json:"code"`
			Retryable bool   `json:"retryable"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return "", outcome{}, fmt.Errorf("not a result: %w", err)
	}
	o := outcome{Status: r.Status}
	if len(r.Payload) > 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, r.Payload); err == nil {
			o.Payload = buf.String()
		}
	}
	if r.Error != nil {
		o.Code, o.Retryable = r.Error.Code, r.Error.Retryable
	}
	return r.TaskID, o, nil
}

// progress returns how many tasks are accounted for (answered or
// dead-lettered) and when the latest of them first was.
func (c *collector) progress() (answered, accounted int, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	accounted = len(c.results)
	for id := range c.dead {
		if c.results[id] == nil {
			accounted++
		}
	}
	return len(c.results), accounted, c.lastProgress
}

// messages returns how many distinct result messages arrived so far.
func (c *collector) messages() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, a := range c.results {
		n += len(a.messages)
	}
	return n
}
