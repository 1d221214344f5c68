package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeTwilio answers Messages creates as Twilio does, and nothing else. It
// is deliberately not twiliosim: the simulator validates every request
// against the OpenAPI spec and keeps rows, which costs CPU in this process,
// on the same cores as the pipeline under measurement.
type fakeTwilio struct {
	srv     *http.Server
	url     string
	latency time.Duration
	prefix  string // random first half of every sid, so runs never share one
	next    atomic.Uint64
	conns   atomic.Int64 // new TCP connections

	mu     sync.Mutex
	stamps []time.Time // arrival of every request
}

// startFake serves a fake on a loopback port; expect sizes its request log.
func startFake(latency time.Duration, expect int) (*fakeTwilio, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fake Twilio: %w", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	f := &fakeTwilio{url: "http://" + ln.Addr().String(), latency: latency,
		prefix: hex.EncodeToString(b), stamps: make([]time.Time, 0, expect+expect/8)}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: time.Minute,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				f.conns.Add(1)
			}
		}}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// close stops the server and drops its connections.
func (f *fakeTwilio) close() { _ = f.srv.Close() }

// jitterAllowance is the spread of delays between a request leaving the
// limiter and the fake stamping it that the budget check forgives. The
// stamp comes after the rest of the sender's transport, the network and
// this process's scheduler: on 2 cores shared with the emulator and other
// work (load average 5 to 8), a 1 ms ticker in this process fired up to
// 145 ms late, and the requests that arrived meanwhile were stamped
// together (runs saw up to 15 % over the budget in some second).
const jitterAllowance = 200 * time.Millisecond

// counts returns the requests received, the TCP connections opened, and
// the most requests that arrived within any one second and within any
// second less jitterAllowance. If departures never exceed n in a second
// and each took between d and d + jitterAllowance to be stamped, no window
// of 1 s − jitterAllowance holds more than n stamps: a second count above
// the budget is more than jitter.
func (f *fakeTwilio) counts() (requests, conns int64, busiestSecond, busiestShort int) {
	f.mu.Lock()
	stamps := slices.Clone(f.stamps)
	f.mu.Unlock()
	return int64(len(stamps)), f.conns.Load(), busiest(stamps, time.Second), busiest(stamps, time.Second-jitterAllowance)
}

// busiest returns the most stamps in any half-open window [t, t+span),
// the same measure the limiter bounds. It sorts stamps.
func busiest(stamps []time.Time, span time.Duration) int {
	slices.SortFunc(stamps, func(a, b time.Time) int { return a.Compare(b) })
	most, lo := 0, 0
	for hi, t := range stamps {
		for t.Sub(stamps[lo]) >= span {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// message is a Message resource as Twilio's create answers it.
type message struct {
	AccountSID      string            `json:"account_sid"`
	APIVersion      string            `json:"api_version"`
	Body            string            `json:"body"`
	DateCreated     string            `json:"date_created"`
	DateSent        *string           `json:"date_sent"`
	DateUpdated     string            `json:"date_updated"`
	Direction       string            `json:"direction"`
	ErrorCode       *int              `json:"error_code"`
	ErrorMessage    *string           `json:"error_message"`
	From            string            `json:"from"`
	MessagingSvcSID *string           `json:"messaging_service_sid"`
	NumMedia        string            `json:"num_media"`
	NumSegments     string            `json:"num_segments"`
	Price           *string           `json:"price"`
	PriceUnit       string            `json:"price_unit"`
	SID             string            `json:"sid"`
	Status          string            `json:"status"`
	SubresourceURIs map[string]string `json:"subresource_uris"`
	To              string            `json:"to"`
	URI             string            `json:"uri"`
}

// ServeHTTP answers POST /2010-04-01/Accounts/{AC}/Messages.json with 201
// and a queued message, after the configured latency.
func (f *fakeTwilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.stamps = append(f.stamps, time.Now())
	f.mu.Unlock()
	account, ok := messagesAccount(r.URL.Path)
	switch {
	case !ok || r.Method != http.MethodPost:
		http.Error(w, `{"code":20404,"message":"The requested resource was not found","status":404}`, http.StatusNotFound)
		return
	case !hasBasicAuth(r):
		http.Error(w, `{"code":20003,"message":"Authenticate","status":401}`, http.StatusUnauthorized)
		return
	case r.ParseForm() != nil:
		http.Error(w, `{"code":21602,"message":"Message body is required.","status":400}`, http.StatusBadRequest)
		return
	}
	if !f.wait(r) {
		return
	}
	data, _ := json.Marshal(f.created(account, r)) // cannot fail: strings and maps of strings
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(data)
}

// wait sleeps for the latency; false when the client went away meanwhile.
func (f *fakeTwilio) wait(r *http.Request) bool {
	if f.latency <= 0 {
		return true
	}
	t := time.NewTimer(f.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// created is the new message for the create request r on account.
func (f *fakeTwilio) created(account string, r *http.Request) message {
	sid := fmt.Sprintf("SM%s%016x", f.prefix, f.next.Add(1))
	now := time.Now().UTC().Format(time.RFC1123Z)
	uri := "/2010-04-01/Accounts/" + account + "/Messages/" + sid
	return message{AccountSID: account, APIVersion: "2010-04-01", Body: r.PostForm.Get("Body"),
		DateCreated: now, DateUpdated: now, Direction: "outbound-api", From: r.PostForm.Get("From"),
		NumMedia: "0", NumSegments: "1", PriceUnit: "USD", SID: sid, Status: "queued",
		SubresourceURIs: map[string]string{"media": uri + "/Media.json"}, To: r.PostForm.Get("To"), URI: uri + ".json"}
}

// messagesAccount returns the account of a Messages list path.
func messagesAccount(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/2010-04-01/Accounts/")
	if !ok {
		return "", false
	}
	account, ok := strings.CutSuffix(rest, "/Messages.json")
	return account, ok && strings.HasPrefix(account, "AC") && !strings.Contains(account, "/")
}

// hasBasicAuth reports whether r carries credentials; like twiliosim
// without --auth-token, any well-formed ones pass.
func hasBasicAuth(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	return ok && user != "" && pass != ""
}
