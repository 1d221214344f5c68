package twiliohttp_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// script is a fake transport answering a fixed sequence and recording
// what it received.
type script struct {
	mu      sync.Mutex
	answers []func() (*http.Response, error)
	bodies  []string
}

func (s *script) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body := ""
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
	}
	s.bodies = append(s.bodies, body)
	next := s.answers[0]
	if len(s.answers) > 1 {
		s.answers = s.answers[1:]
	}
	return next()
}

func status(code int, header ...string) func() (*http.Response, error) {
	return func() (*http.Response, error) {
		h := http.Header{}
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader(`{}`))}, nil
	}
}

func refused() (*http.Response, error) { return nil, syscall.ECONNREFUSED }

func TestRetry(t *testing.T) {
	cases := []struct {
		name       string
		method     string
		answers    []func() (*http.Response, error)
		wantStatus int
		wantTries  int
		throttled  int
	}{
		{"429 then ok, any method", "POST", []func() (*http.Response, error){status(429, "Retry-After", "0"), status(201)}, 201, 2, 1},
		{"POST 500 is not repeated", "POST", []func() (*http.Response, error){status(500), status(201)}, 500, 1, 0},
		{"GET 5xx is retried", "GET", []func() (*http.Response, error){status(502), status(503), status(200)}, 200, 3, 0},
		{"DELETE 500 is retried", "DELETE", []func() (*http.Response, error){status(500), status(204)}, 204, 2, 0},
		{"4xx is final", "GET", []func() (*http.Response, error){status(404), status(200)}, 404, 1, 0},
		{"refused POST is retried: nothing was sent", "POST", []func() (*http.Response, error){refused, status(201)}, 201, 2, 0},
		{"attempts are bounded", "GET", []func() (*http.Response, error){status(429, "Retry-After", "0")}, 429, 3, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &script{answers: c.answers}
			throttled := 0
			rt := twiliohttp.Retry(s, twiliohttp.RetryConfig{MaxAttempts: 3, BaseDelay: time.Millisecond,
				OnThrottle: func() { throttled++ }})
			req, _ := http.NewRequest(c.method, "http://twilio.test/x", strings.NewReader("To=%2B1&Body=hi"))
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.wantStatus || len(s.bodies) != c.wantTries || throttled != c.throttled {
				t.Errorf("status %d after %d tries (%d throttled), want %d after %d (%d)",
					resp.StatusCode, len(s.bodies), throttled, c.wantStatus, c.wantTries, c.throttled)
			}
			for i, b := range s.bodies {
				if b != "To=%2B1&Body=hi" {
					t.Errorf("try %d sent body %q: a retry must replay the same form", i+1, b)
				}
			}
		})
	}
}

// TestRetryNeverWaitsPastTheDeadline: a Retry-After beyond the deadline
// answers now with Twilio's 429.
func TestRetryNeverWaitsPastTheDeadline(t *testing.T) {
	s := &script{answers: []func() (*http.Response, error){status(429, "Retry-After", "30"), status(200)}}
	rt := twiliohttp.Retry(s, twiliohttp.RetryConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://twilio.test/x", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil || resp.StatusCode != 429 || len(s.bodies) != 1 {
		t.Errorf("got %v %v after %d tries, want the 429 at once", resp, err, len(s.bodies))
	}
}
