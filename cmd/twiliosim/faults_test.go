package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

func TestParseFaultFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want twiliosim.Config
	}{
		{"defaults", nil, twiliosim.Config{Fail500AfterApply: 0.5, TimeoutHold: 30 * time.Second}},
		{"all set", []string{"--fail-429", "0.1", "--fail-500", "0.05", "--fail-500-applied", "1", "--fail-timeout", "0.02", "--fail-timeout-hold", "2s", "--seed", "9"},
			twiliosim.Config{Fail429: 0.1, Fail500: 0.05, Fail500AfterApply: 1, FailTimeout: 0.02, TimeoutHold: 2 * time.Second, Seed: 9}},
		{"never applied", []string{"--fail-500", "1", "--fail-500-applied", "0"},
			twiliosim.Config{Fail500: 1, Fail500AfterApply: -1, TimeoutHold: 30 * time.Second}},
		{"decimals summing to 1", []string{"--fail-429", "0.33", "--fail-500", "0.56", "--fail-timeout", "0.11"},
			twiliosim.Config{Fail429: 0.33, Fail500: 0.56, FailTimeout: 0.11, Fail500AfterApply: 0.5, TimeoutHold: 30 * time.Second}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseConfig(append([]string{"twiliosim"}, c.args...), noEnv, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, cfg.sim); diff != "" {
				t.Errorf("simulator config (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunInjectsFaults: with --fail-429 1 every request is a 429 with
// Retry-After, except those with X-Twiliosim-No-Faults: 1.
func TestRunInjectsFaults(t *testing.T) {
	base, _, _ := start(t, "--fail-429", "1", "--seed", "3")
	get := func(noFaults bool) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, base+"/2010-04-01/Accounts/"+testAccount+"/Messages.json", nil)
		req.SetBasicAuth(testAccount, testToken)
		if noFaults {
			req.Header.Set(twiliosim.NoFaultsHeader, "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := get(false); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("got %d with Retry-After %q, want 429 with 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp := get(true); resp.StatusCode != http.StatusOK {
		t.Errorf("with %s: %d, want 200", twiliosim.NoFaultsHeader, resp.StatusCode)
	}
}

// TestRunShutdownEndsHolds: a request held by --fail-timeout does not keep
// a graceful shutdown waiting for its hold; the client gets no answer. Were
// the hold to outlast the shutdown, Shutdown would give up after its grace
// and run would return that error.
func TestRunShutdownEndsHolds(t *testing.T) {
	base, done, cancel := start(t, "--fail-timeout", "1", "--fail-timeout-hold", "1h")
	// Expect: 100-continue makes the server say when its handler reads the
	// body: from then on the request is being served, not waiting in a
	// backlog that shutdown would just reset, which would pass for the
	// wrong reason.
	hc := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Hour}}
	reading := make(chan struct{})
	trace := &httptrace.ClientTrace{Got100Continue: func() { close(reading) }}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodPost,
		base+"/2010-04-01/Accounts/"+testAccount+"/Messages.json",
		strings.NewReader("To=%2B15558675310&From=%2B15017122661&Body=held"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Expect", "100-continue")
	req.SetBasicAuth(testAccount, testToken)
	answered := make(chan error, 1)
	go func() {
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	select {
	case <-reading:
	case err := <-answered:
		t.Fatalf("the request ended (%v) before the server read it; want it held", err)
	case <-time.After(time.Minute):
		t.Fatal("the server never read the request")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel with a held request: %v, want a clean exit", err)
		}
	case <-time.After(time.Minute): // a hang, not a speed: the grace is 5 s
		t.Fatal("run did not return: the held request kept it waiting")
	}
	if err := <-answered; err == nil {
		t.Error("the held request got an answer, want none")
	}
}
