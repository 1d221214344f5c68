package twiliohttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

func TestRegionalHost(t *testing.T) {
	for _, c := range []struct{ host, edge, region, want string }{
		{"api.twilio.com", "", "", "api.twilio.com"},
		{"api.twilio.com", "dublin", "ie1", "api.dublin.ie1.twilio.com"},
		{"insights.twilio.com", "sydney", "au1", "insights.sydney.au1.twilio.com"},
		{"messaging.twilio.com", "", "ie1", "messaging.ie1.twilio.com"},
		{"api.twilio.com", "dublin", "", "api.dublin.us1.twilio.com"}, // as the SDKs: an edge alone means us1
		{"api.ie1.twilio.com", "dublin", "", "api.dublin.ie1.twilio.com"},
		{"api.sydney.au1.twilio.com", "", "ie1", "api.sydney.ie1.twilio.com"},
		{"api.twilio.com:443", "dublin", "ie1", "api.dublin.ie1.twilio.com:443"},
		{"127.0.0.1:8089", "dublin", "ie1", "127.0.0.1:8089"},
		{"api.example.com", "dublin", "ie1", "api.example.com"},
	} {
		if got := twiliohttp.RegionalHost(c.host, c.edge, c.region); got != c.want {
			t.Errorf("RegionalHost(%q, %q, %q) = %q, want %q", c.host, c.edge, c.region, got, c.want)
		}
	}
}

// TestReauth: a 401 re-reads the token once and repeats the request, body
// included, with the new one; a 401 with an unchanged token is the answer.
func TestReauth(t *testing.T) {
	var current atomic.Value
	current.Store("new")
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if u, p, _ := r.BasicAuth(); u != "SKkey" || p != current.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	reads := 0
	src := secret.NewSource(secret.New("old"), func(context.Context) (secret.String, error) {
		reads++
		return secret.New("new"), nil
	}, 0)
	rt := twiliohttp.Reauth(http.DefaultTransport, "SKkey", src)
	post := func() int {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader("Body=hi"))
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post(); s != 201 || reads != 1 || strings.Join(bodies, ",") != "Body=hi,Body=hi" {
		t.Errorf("rotated: status %d after %d re-reads, bodies %q", s, reads, bodies)
	}
	current.Store("newest-but-not-in-the-secret")
	if s := post(); s != 401 || reads != 2 {
		t.Errorf("unchanged secret: status %d after %d re-reads, want 401 after 2", s, reads)
	}
}

// TestReauthLeavesTheRequest: the request goes out signed with the current
// secret, whatever the caller signed it with, and the caller's request
// keeps its own headers.
func TestReauthLeavesTheRequest(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, p, _ := r.BasicAuth()
		seen = append(seen, p)
	}))
	defer srv.Close()
	src := secret.NewSource(secret.New("current"), nil, 0)
	rt := twiliohttp.Reauth(http.DefaultTransport, "AC1", src)
	for _, signed := range []string{"stale", "current", ""} {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		if signed != "" {
			req.SetBasicAuth("AC1", signed)
		}
		before := req.Header.Get("Authorization")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := req.Header.Get("Authorization"); got != before {
			t.Errorf("signed %q: the caller's Authorization changed to %q", signed, got)
		}
	}
	if strings.Join(seen, ",") != "current,current,current" {
		t.Errorf("Twilio saw passwords %q, want the current one each time", seen)
	}
}
