package twiliohttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/sendmark"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

func TestParseBaseURL(t *testing.T) {
	for in, ok := range map[string]bool{
		"http://127.0.0.1:8089": true, "https://api.twilio.com": true, "https://h/": true,
		"localhost:8089": false, "ftp://h": false, "http://h/path": false, "http://u:p@h": false, "http://h?x=1": false,
	} {
		if _, err := twiliohttp.ParseBaseURL(in); (err == nil) != ok {
			t.Errorf("ParseBaseURL(%q) error = %v, want ok=%v", in, err, ok)
		}
	}
}

// TestParseBaseURLNeverShowsAPassword: whatever shape a base URL with
// credentials has, its error never repeats them.
func TestParseBaseURLNeverShowsAPassword(t *testing.T) {
	const pw = "S3cretPW"
	for _, in := range []string{"https://user:" + pw + "@api.example.com", "user:" + pw + "@host",
		"https://user:" + pw + "@host/path", "http://u:" + pw + "@h:bad port", "https://" + pw + "@h"} {
		_, err := twiliohttp.ParseBaseURL(in)
		if err == nil || strings.Contains(err.Error(), pw) || !strings.Contains(err.Error(), "not shown") {
			t.Errorf("ParseBaseURL(%q) error = %v, want one that says the value is not shown", in, err)
		}
	}
	_, err := twiliohttp.ParseBaseURL("http://h:1/x?k=v")
	if err == nil || strings.Contains(err.Error(), "k=v") || !strings.Contains(err.Error(), `"http://h:1"`) {
		t.Errorf("a URL with a query: error = %v, want it to show scheme and host only", err)
	}
}

// TestHandlerReachesBaseWithContext: a twilio-go request for api.twilio.com
// lands on the base URL with its path and query intact and with Basic
// auth, and the task's context cancels it.
func TestHandlerReachesBaseWithContext(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"code":21211,"message":"bad To","more_info":"x","status":400}`)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	stack := twiliohttp.BufferErrors(twiliohttp.Rewrite(base, http.DefaultTransport))
	f := twiliohttp.NewFactory("AC00000000000000000000000000000001", secret.New("tok"), stack, 0)
	_, err := f.Handler(context.Background()).Get("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?DateSent%3E=v1.2", nil,
		map[string]interface{}{}, "")
	if err == nil || !strings.Contains(err.Error(), "21211") {
		t.Fatalf("err = %v, want Twilio's 21211", err)
	}
	if got.URL.Path != "/2010-04-01/Accounts/AC1/Messages.json" || got.URL.Query().Get("DateSent>") != "v1.2" {
		t.Errorf("request = %s", got.URL)
	}
	if u, p, ok := got.BasicAuth(); !ok || u != "AC00000000000000000000000000000001" || p != "tok" {
		t.Errorf("basic auth = %q %q %v", u, p, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Handler(ctx).Get("https://api.twilio.com/x", nil, map[string]interface{}{}, ""); err == nil ||
		!strings.Contains(err.Error(), "context canceled") {
		t.Errorf("cancelled context: err = %v", err)
	}
}

// TestMarkSent: a POST is announced to the task before it leaves and not
// sent when the task refuses (an ErrNotSent error); a 429 or a refused
// connection is reported unprocessed; a GET is never announced.
func TestMarkSent(t *testing.T) {
	var hits []string
	status := http.StatusCreated
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits = append(hits, r.Method)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	client := &http.Client{Transport: twiliohttp.MarkSent(http.DefaultTransport)}
	var marks, unprocessed int
	var refuse error
	ctx := sendmark.With(context.Background(), sendmark.Hooks{
		Sending:     func(context.Context) error { marks++; return refuse },
		Unprocessed: func(context.Context) { unprocessed++ },
	})
	do := func(method, url string) error {
		req, _ := http.NewRequestWithContext(ctx, method, url, strings.NewReader("To=%2B1"))
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := do(http.MethodGet, srv.URL); err != nil || marks != 0 {
		t.Fatalf("GET: err %v, %d marks; want sent without a mark", err, marks)
	}
	if err := do(http.MethodPost, srv.URL); err != nil || marks != 1 || unprocessed != 0 {
		t.Fatalf("POST: err %v, %d marks, %d unprocessed; want sent after one mark", err, marks, unprocessed)
	}
	status = http.StatusTooManyRequests
	if err := do(http.MethodPost, srv.URL); err != nil || marks != 2 || unprocessed != 1 {
		t.Fatalf("POST answered 429: err %v, %d marks, %d unprocessed; want 2 and 1", err, marks, unprocessed)
	}
	status = http.StatusInternalServerError // may have been processed
	if err := do(http.MethodPost, srv.URL); err != nil || marks != 3 || unprocessed != 1 {
		t.Fatalf("POST answered 500: err %v, %d marks, %d unprocessed; want 3 and 1", err, marks, unprocessed)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // a port nothing listens on: connection refused
	if err := do(http.MethodPost, closed.URL); err == nil || marks != 4 || unprocessed != 2 {
		t.Fatalf("refused POST: err %v, %d marks, %d unprocessed; want an error, 4 and 2", err, marks, unprocessed)
	}
	refuse = errors.New("lease lost")
	err := do(http.MethodPost, srv.URL)
	if !errors.Is(err, codes.ErrNotSent) || !errors.Is(err, refuse) || marks != 5 {
		t.Fatalf("refused mark: err %v, %d marks; want ErrNotSent wrapping the refusal after 5 marks", err, marks)
	}
	if want := "GET,POST,POST,POST"; strings.Join(hits, ",") != want {
		t.Errorf("server saw %v, want %v: a refused request must not leave", hits, want)
	}
}

// TestMarkSentCanceledDuringMark: a task that ended while its mark was
// being written does not send the request, and withdraws the mark.
func TestMarkSentCanceledDuringMark(t *testing.T) {
	sent := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent = true }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	unprocessed := 0
	ctx = sendmark.With(ctx, sendmark.Hooks{
		Sending:     func(context.Context) error { cancel(); return nil }, // shutdown meanwhile
		Unprocessed: func(context.Context) { unprocessed++ },
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("To=%2B1"))
	_, err := twiliohttp.MarkSent(http.DefaultTransport).RoundTrip(req)
	if !errors.Is(err, codes.ErrNotSent) || !errors.Is(err, context.Canceled) || sent || unprocessed != 1 {
		t.Errorf("err %v, sent %v, %d unprocessed; want a not-sent cancellation, nothing sent, 1 unprocessed", err, sent, unprocessed)
	}
}
