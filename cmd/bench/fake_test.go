package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestBusiest(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms ...int) []time.Time {
		out := make([]time.Time, len(ms))
		for i, m := range ms {
			out[i] = t0.Add(time.Duration(m) * time.Millisecond)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		stamp []time.Time
		span  time.Duration // 0: a second
		want  int
	}{
		{"none", nil, 0, 0},
		{"one", at(5), 0, 1},
		// Half-open: a request exactly a second after another is in the next window.
		{"a second apart", at(0, 1000, 2000), 0, 1},
		{"just under a second", at(0, 999), 0, 2},
		{"unsorted", at(1500, 0, 900, 1400, 3000, 100), 0, 3},
		{"busiest later", at(0, 2000, 2100, 2200, 2999, 3000), 0, 4},
		{"0.9 s", at(0, 2000, 2100, 2200, 2899, 2900, 2999), 900 * time.Millisecond, 5},
		{"the same in 1 s", at(0, 2000, 2100, 2200, 2899, 2900, 2999), 0, 6},
	} {
		span := c.span
		if span == 0 {
			span = time.Second
		}
		if got := busiest(c.stamp, span); got != c.want {
			t.Errorf("%s: busiest %d, want %d", c.name, got, c.want)
		}
	}
}

func TestMessagesAccount(t *testing.T) {
	for path, want := range map[string]bool{
		"/2010-04-01/Accounts/AC123/Messages.json":        true,
		"/2010-04-01/Accounts/AC123/Messages/SM1.json":    false,
		"/2010-04-01/Accounts/AC1/x/Messages.json":        false,
		"/2010-04-01/Accounts/XX123/Messages.json":        false,
		"/2010-04-01/Accounts/AC123/Calls.json":           false,
		"/v1/Services/MG1/Messages.json":                  false,
		"/2010-04-01/Accounts/AC123/Messages.json/things": false,
	} {
		if _, ok := messagesAccount(path); ok != want {
			t.Errorf("%s: %v, want %v", path, ok, want)
		}
	}
}

// post sends a create to the fake and returns the status and body.
func post(t *testing.T, f *fakeTwilio, path string, auth bool) (int, []byte) {
	t.Helper()
	form := url.Values{"To": {"+15558675310"}, "From": {"+15005550006"}, "Body": {"hi \"there\""}}
	req, _ := http.NewRequest(http.MethodPost, f.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth {
		req.SetBasicAuth("AC123", "token")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestFakeCreates(t *testing.T) {
	f, err := startFake(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	const path = "/2010-04-01/Accounts/AC123/Messages.json"
	sids := map[string]bool{}
	for range 3 {
		status, body := post(t, f, path, true)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil || status != http.StatusCreated {
			t.Fatalf("status %d, body %s (%v)", status, body, err)
		}
		sid, _ := m["sid"].(string)
		if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(sid) || sids[sid] {
			t.Errorf("sid %q: want a new SM + 32 hex digits", sid)
		}
		sids[sid] = true
		if m["body"] != `hi "there"` || m["to"] != "+15558675310" || m["status"] != "queued" ||
			m["account_sid"] != "AC123" || m["uri"] != "/2010-04-01/Accounts/AC123/Messages/"+sid+".json" {
			t.Errorf("message %v", m)
		}
		if _, ok := m["date_sent"]; !ok || m["date_sent"] != nil {
			t.Errorf("date_sent must be present and null: %v", m)
		}
	}
	if status, _ := post(t, f, path, false); status != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", status)
	}
	if status, _ := post(t, f, "/2010-04-01/Accounts/AC123/Calls.json", true); status != http.StatusNotFound {
		t.Errorf("another resource: %d, want 404", status)
	}
	// http.DefaultClient keeps its connection alive across the five requests.
	requests, conns, most, short := f.counts()
	if requests != 5 || conns != 1 || most != 5 || short != 5 {
		t.Errorf("requests %d, connections %d, busiest %d and %d; want 5, 1, 5, 5", requests, conns, most, short)
	}
}

func TestFakeLatency(t *testing.T) {
	f, err := startFake(50*time.Millisecond, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	start := time.Now()
	if status, _ := post(t, f, "/2010-04-01/Accounts/AC1/Messages.json", true); status != http.StatusCreated {
		t.Fatalf("status %d", status)
	}
	// A lower bound only: the fake must not answer early; how late is noise.
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered after %v, want at least 50ms", d)
	}
}

// TestMinimalCreate checks that the minimal pipeline's request is one the
// fake accepts, and that it reads the sid back.
func TestMinimalCreate(t *testing.T) {
	f, err := startFake(0, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	m := &minimal{http: minimalHTTPClient(), url: f.url + "/2010-04-01/Accounts/" + accountSID + "/Messages.json",
		sid: accountSID, token: authToken}
	sid, err := m.create(context.Background(), []byte(`{"entity":"Messages","operation":"CREATE",`+
		`"connectorInputPayload":{"To":"+15558675310","Sender":"+15005550006","Body":"x"}}`))
	if err != nil || !strings.HasPrefix(sid, "SM") {
		t.Errorf("create: sid %q, %v", sid, err)
	}
	m.url = f.url + "/nowhere"
	if _, err := m.create(context.Background(), []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("create on a wrong path: %v, want a 404 error", err)
	}
}
