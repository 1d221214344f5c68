package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/squidtest"
	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

const proxyPassword = "Sq-pr0xy_Passw0rd"

// startWorkerEnv starts the worker binary like startWorker, with extra
// environment variables (the proxy password has no flag).
func startWorkerEnv(t *testing.T, tp *topology, simURL string, env []string, args ...string) *worker {
	t.Helper()
	cmd := exec.Command(workerBinary(t), args...)
	cmd.Env = append(append(os.Environ(),
		"GOOGLE_CLOUD_PROJECT="+e2eProject, "TASK_SUBSCRIPTION="+tp.taskSub, "RESULT_TOPIC="+tp.resultTopic,
		"TWILIO_ACCOUNT_SID="+e2eAccount, "TWILIO_BASE_URL="+simURL, "LOG_LEVEL=info"), env...)
	if !strings.Contains(strings.Join(env, "\n"), "TWILIO_AUTH_TOKEN") && !strings.Contains(strings.Join(env, "\n"), "TWILIO_API_KEY") {
		cmd.Env = append(cmd.Env, "TWILIO_AUTH_TOKEN="+e2eToken)
	}
	w := &worker{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{w: w.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-w.done
	})
	return w
}

// stderrNow reads the stderr of a worker still running.
func (w *worker) stderrNow() string {
	lw := w.cmd.Stderr.(*lockedWriter)
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.String()
}

// exitWithin waits for the worker to exit on its own.
func (w *worker) exitWithin(t *testing.T, d time.Duration) (int, bool) {
	t.Helper()
	select {
	case err := <-w.done:
		w.done <- err
		if err == nil {
			return 0, true
		}
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), true
		}
		return -1, true
	case <-time.After(d):
		return 0, false
	}
}

// TestEndToEndProxy runs the worker binary through a real squid to the
// simulator, under each authentication scheme and SSL type: the preflight
// and the tasks' requests all cross the proxy (its access log shows them,
// with the user), every task succeeds, and the password is never logged.
func TestEndToEndProxy(t *testing.T) {
	requireEmulator(t)
	squidtest.Binary(t)
	sim, simURL := simulator(t, twiliosim.Config{})
	simHost := strings.TrimPrefix(simURL, "http://")
	for _, c := range []struct {
		auth      squidtest.Auth
		scheme    string
		ssl       string
		httpsURL  bool
		tunnelled bool
	}{
		{squidtest.Basic, "BASIC", "AUTO", false, false}, // http:// simulator: absolute form
		{squidtest.Digest, "DIGEST", "NEVER", false, false},
		{squidtest.Digest, "DIGEST", "TUNNEL", false, true},
		{squidtest.Basic, "BASIC", "ALWAYS", true, true}, // TLS to squid's https_port, then CONNECT
		{squidtest.None, "NONE", "TUNNEL", false, true},
	} {
		t.Run(c.scheme+"_"+c.ssl, func(t *testing.T) {
			sq := squidtest.Start(t, squidtest.Options{Auth: c.auth, User: "worker", Password: proxyPassword})
			proxyURL := sq.HTTP
			if c.httpsURL {
				proxyURL = sq.HTTPS
			}
			env := []string{"PROXY_URL=" + proxyURL.String(), "PROXY_AUTH_SCHEME=" + c.scheme, "PROXY_SSL_TYPE=" + c.ssl,
				"SSL_CERT_FILE=" + sq.CertFile()}
			if c.auth != squidtest.None {
				env = append(env, "PROXY_USER=worker", "PROXY_PASSWORD="+proxyPassword)
			}
			tp := newTopology(t)
			body := "via proxy " + c.scheme + " " + c.ssl
			tp.publish(t, "create", `{"entity":"Messages","operation":"CREATE","connectorInputPayload":`+
				`{"To":"+15558675310","Sender":"+15005550006","Body":"`+body+`"}}`, nil)
			tp.publish(t, "list", `{"entity":"Recordings","operation":"LIST","listEntitiesPageSize":5}`, nil)
			w := startWorkerEnv(t, tp, simURL, env)
			got, _ := tp.collect(t, 2, 60*time.Second)
			for _, id := range []string{"create", "list"} {
				if r, ok := got[id]; !ok || r.Result.Status != "SUCCEEDED" {
					t.Errorf("%s: %+v\nworker:\n%s\nsquid:\n%s", id, got[id].Raw, w.stderrNow(), sq.CacheLog())
				}
			}
			if err := w.stop(t, 30*time.Second); err != nil {
				t.Errorf("exit after SIGTERM: %v", err)
			}
			if n := messagesWithBody(sim, body); n != 1 {
				t.Errorf("the simulator has %d messages %q, want 1", n, body)
			}
			user := " worker "
			if c.auth == squidtest.None {
				user = " - "
			}
			if c.tunnelled {
				if _, ok := sq.WaitAccessLog("TCP_TUNNEL/200", "CONNECT "+simHost, user); !ok {
					t.Errorf("squid's access log has no tunnel to %s:\n%s", simHost, strings.Join(sq.AccessLog(), "\n"))
				}
			} else {
				for _, want := range []string{
					"GET " + simURL + "/2010-04-01/Accounts/" + e2eAccount + ".json", // the preflight
					"POST " + simURL + "/2010-04-01/Accounts/" + e2eAccount + "/Messages.json",
					"GET " + simURL + "/2010-04-01/Accounts/" + e2eAccount + "/Recordings.json",
				} {
					if _, ok := sq.WaitAccessLog("TCP_MISS/", want, user); !ok {
						t.Errorf("squid's access log has no %q:\n%s", want, strings.Join(sq.AccessLog(), "\n"))
					}
				}
			}
			if strings.Contains(w.stderr.String(), proxyPassword) || strings.Contains(w.stderr.String(), e2eToken) {
				t.Error("a password appears in the worker's logs")
			}
		})
	}
}

// TestEndToEndProxyRefused: a wrong proxy password stops the worker at
// start (the preflight) with status 2 and a message naming the proxy and
// the 407, never the password; nothing reaches Twilio.
func TestEndToEndProxyRefused(t *testing.T) {
	requireEmulator(t)
	squidtest.Binary(t)
	sim, simURL := simulator(t, twiliosim.Config{})
	for _, c := range []struct {
		auth        squidtest.Auth
		scheme, ssl string
	}{{squidtest.Basic, "BASIC", "AUTO"}, {squidtest.Digest, "DIGEST", "TUNNEL"}} {
		t.Run(c.scheme, func(t *testing.T) {
			sq := squidtest.Start(t, squidtest.Options{Auth: c.auth, User: "worker", Password: proxyPassword})
			tp := newTopology(t)
			w := startWorkerEnv(t, tp, simURL, []string{"PROXY_URL=" + sq.HTTP.String(), "PROXY_AUTH_SCHEME=" + c.scheme,
				"PROXY_SSL_TYPE=" + c.ssl, "PROXY_USER=worker", "PROXY_PASSWORD=wrong-" + proxyPassword})
			code, exited := w.exitWithin(t, 20*time.Second)
			out := w.stderr.String()
			if !exited || code != 2 {
				t.Fatalf("exited %v with %d, want status 2; stderr:\n%s", exited, code, out)
			}
			for _, want := range []string{"preflight", "proxy " + sq.HTTP.String(), "407", "PROXY_PASSWORD"} {
				if !strings.Contains(out, want) {
					t.Errorf("stderr does not say %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, proxyPassword) {
				t.Errorf("stderr shows the password:\n%s", out)
			}
		})
	}
	if n := len(sim.Rows("accounts")); n != 0 {
		t.Errorf("the simulator saw the account fetched (%d rows): the request crossed the proxy", n)
	}
}

// TestEndToEndProxyUnreachable: with the proxy down, the preflight keeps
// the worker waiting (no exit, a warning, no task pulled); without the
// preflight a create is answered UNAVAILABLE, retryable, and nothing was
// sent.
func TestEndToEndProxyUnreachable(t *testing.T) {
	requireEmulator(t)
	sim, simURL := simulator(t, twiliosim.Config{})
	dead := httptest.NewServer(nil)
	dead.Close()
	env := []string{"PROXY_URL=" + dead.URL, "TASK_TIMEOUT=10s"}
	tp := newTopology(t)
	waiting := startWorkerEnv(t, tp, simURL, env)
	tp.publish(t, "create", `{"entity":"Messages","operation":"CREATE","connectorInputPayload":`+
		`{"To":"+15558675310","Sender":"+15005550006","Body":"never sent"}}`, nil)
	if got, _ := tp.collect(t, 0, 0); len(got) != 0 {
		t.Errorf("a worker waiting for its preflight answered %v", got)
	}
	// The preflight's own retries (the tasks' Retry) come first, then its
	// warning; the worker must still be running.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(waiting.stderrNow(), "preflight: Twilio not reachable yet") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if _, exited := waiting.exitWithin(t, 100*time.Millisecond); exited || !strings.Contains(waiting.stderrNow(), "preflight: Twilio not reachable yet") {
		t.Fatalf("want a live worker warning about its preflight; exited %v, stderr:\n%s", exited, waiting.stderrNow())
	}
	if !strings.Contains(waiting.stderrNow(), "could not connect to the proxy") {
		t.Errorf("the warning does not say the proxy is unreachable:\n%s", waiting.stderrNow())
	}
	if err := waiting.stop(t, 10*time.Second); err != nil {
		t.Errorf("SIGTERM during the preflight: exit %v, want 0", err)
	}
	w := startWorkerEnv(t, tp, simURL, env, "--preflight=false")
	got, _ := tp.collect(t, 1, 60*time.Second)
	r, ok := got["create"]
	if !ok || r.Result.Error == nil || r.Result.Error.Code != "UNAVAILABLE" || !r.Result.Error.Retryable ||
		!strings.Contains(r.Result.Error.Message, "proxy") {
		t.Errorf("create: %+v, want FAILED UNAVAILABLE, retryable, naming the proxy\n%s", r.Raw, w.stderrNow())
	}
	if n := messagesWithBody(sim, "never sent"); n != 0 {
		t.Errorf("the simulator has %d messages: nothing should have been sent", n)
	}
}
