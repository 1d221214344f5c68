package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"golang.org/x/time/rate"
)

// minimalCmd is the first argument that makes the binary the minimal
// pipeline. The bench re-executes itself with it, so that the pipeline's
// CPU and memory are a process's own, measured like the worker's.
const minimalCmd = "minimal"

// minimalOutstanding is the minimal pipeline's flow control: Pub/Sub's
// default, enough to keep 150 ms of fake latency from binding below
// ~6 600 tasks/s.
const minimalOutstanding = 1000

// minimal does only pull → POST → publish → ack: no validation, no rate
// limit, no task store, no retries, no logs.
type minimal struct {
	http       *http.Client
	url        string // the account's Messages.json
	sid, token string
	pub        *pubsub.Publisher
	pace       *rate.Limiter // nil: as fast as it can
}

// runMinimal is the minimal pipeline, configured by the environment the
// worker gets (PUBSUB_EMULATOR_HOST is read by the Pub/Sub client itself)
// plus MINIMAL_STREAMS and, to pace its POSTs, MINIMAL_RATE (requests per
// second, one at a time). It runs until ctx ends.
func runMinimal(ctx context.Context, getenv func(string) string) error {
	streams, err := strconv.Atoi(getenv("MINIMAL_STREAMS"))
	if err != nil || streams < 1 {
		return fmt.Errorf("MINIMAL_STREAMS %q: want a positive integer", getenv("MINIMAL_STREAMS"))
	}
	pace, err := minimalPace(getenv("MINIMAL_RATE"))
	if err != nil {
		return err
	}
	ps, err := pubsub.NewClient(ctx, getenv("GOOGLE_CLOUD_PROJECT"))
	if err != nil {
		return fmt.Errorf("pubsub client: %w", err)
	}
	defer ps.Close()
	m := &minimal{http: minimalHTTPClient(), sid: getenv("TWILIO_ACCOUNT_SID"), token: getenv("TWILIO_AUTH_TOKEN"),
		pub: ps.Publisher(getenv("RESULT_TOPIC")), pace: pace}
	m.url = strings.TrimSuffix(getenv("TWILIO_BASE_URL"), "/") + "/2010-04-01/Accounts/" + m.sid + "/Messages.json"
	defer m.pub.Stop()
	sub := ps.Subscriber(getenv("TASK_SUBSCRIPTION"))
	sub.ReceiveSettings.NumGoroutines = streams
	sub.ReceiveSettings.MaxOutstandingMessages = minimalOutstanding
	return sub.Receive(ctx, m.handle)
}

// minimalPace is the limiter MINIMAL_RATE asks for; "" means none.
func minimalPace(v string) (*rate.Limiter, error) {
	if v == "" {
		return nil, nil
	}
	r, err := strconv.Atoi(v)
	if err != nil || r < 1 {
		return nil, fmt.Errorf("MINIMAL_RATE %q: want a positive integer (requests per second)", v)
	}
	return rate.NewLimiter(rate.Limit(r), 1), nil
}

// minimalHTTPClient keeps an idle connection for every message that can
// be in flight: Go's default of 2 per host would open new ones all the
// time.
func minimalHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * minimalOutstanding
	t.MaxIdleConnsPerHost = minimalOutstanding
	return &http.Client{Transport: t, Timeout: time.Minute}
}

// handle is the Receive callback: one task, one result, then the ack.
func (m *minimal) handle(ctx context.Context, msg *pubsub.Message) {
	id := msg.Attributes["taskId"]
	res := map[string]any{"taskId": id, "entity": "Messages", "operation": "CREATE"}
	if sid, err := m.create(ctx, msg.Data); err != nil {
		res["status"], res["error"] = "FAILED", map[string]string{"code": "UNAVAILABLE", "message": err.Error()}
	} else {
		res["status"], res["connectorOutputPayload"] = "SUCCEEDED", map[string]string{"Sid": sid}
	}
	data, _ := json.Marshal(res) // cannot fail: strings only
	_, err := m.pub.Publish(ctx, &pubsub.Message{Data: data, Attributes: map[string]string{"taskId": id}}).Get(ctx)
	if err != nil {
		msg.Nack()
		return
	}
	msg.Ack()
}

// create POSTs the task's message and returns the new message's sid.
func (m *minimal) create(ctx context.Context, task []byte) (string, error) {
	var t struct {
		Input struct{ To, Sender, Body string } `json:"connectorInputPayload"`
	}
	if err := json.Unmarshal(task, &t); err != nil {
		return "", fmt.Errorf("task: %w", err)
	}
	form := url.Values{"To": {t.Input.To}, "From": {t.Input.Sender}, "Body": {t.Input.Body}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(m.sid, m.token)
	if m.pace != nil {
		if err := m.pace.Wait(ctx); err != nil {
			return "", err
		}
	}
	resp, err := m.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("twilio answered %d: %s (%v)", resp.StatusCode, body, err)
	}
	var created struct{ Sid string }
	if err := json.Unmarshal(body, &created); err != nil {
		return "", fmt.Errorf("twilio's answer: %w", err)
	}
	return created.Sid, nil
}
