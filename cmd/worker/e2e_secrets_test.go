package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// fakeSecretManager serves AccessSecretVersion from a map that the test
// changes (a rotation), counting the reads per version name.
type fakeSecretManager struct {
	secretmanagerpb.UnimplementedSecretManagerServiceServer
	mu     sync.Mutex
	values map[string]string
	reads  map[string]int
}

func (f *fakeSecretManager) AccessSecretVersion(_ context.Context, req *secretmanagerpb.AccessSecretVersionRequest) (*secretmanagerpb.AccessSecretVersionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads[req.GetName()]++
	v, ok := f.values[req.GetName()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "secret version %s not found", req.GetName())
	}
	return &secretmanagerpb.AccessSecretVersionResponse{Name: req.GetName(), Payload: &secretmanagerpb.SecretPayload{Data: []byte(v)}}, nil
}

func (f *fakeSecretManager) set(name, v string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values[name] = v
}

func (f *fakeSecretManager) readsOf(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads[name]
}

// startSecretManager serves the fake on a loopback port (plaintext, as
// SECRET_MANAGER_ENDPOINT on a loopback address expects).
func startSecretManager(t *testing.T) (*fakeSecretManager, string) {
	t.Helper()
	f := &fakeSecretManager{values: map[string]string{}, reads: map[string]int{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	secretmanagerpb.RegisterSecretManagerServiceServer(srv, f)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return f, l.Addr().String()
}

// rotatingTwilio is the simulator behind a gate that accepts only the
// current password for user, answering Twilio's 401 otherwise.
type rotatingTwilio struct {
	mu       sync.Mutex
	user, pw string
	refused  int
}

func (g *rotatingTwilio) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		g.mu.Lock()
		ok := u == g.user && p == g.pw
		if !ok {
			g.refused++
		}
		g.mu.Unlock()
		if !ok {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`)
			return
		}
		// The simulator checks an API key's secret too: show it the one it knows.
		r.SetBasicAuth(u, "firstSecret1")
		next.ServeHTTP(w, r)
	})
}

func (g *rotatingTwilio) rotate(pw string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pw = pw
}

// TestEndToEndSecretRotation: the Twilio credential (auth token, or an API
// key's secret) is read from Secret Manager's versions/latest; it rotates
// mid-run, Twilio answers 401 to the old value, the worker re-reads the
// secret once and no task fails.
func TestEndToEndSecretRotation(t *testing.T) {
	requireEmulator(t)
	const apiKey = "SK0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		name, user string
		env        func(secretName string) []string
	}{
		{"auth token", e2eAccount, func(n string) []string { return []string{"TWILIO_AUTH_TOKEN_SECRET=" + n} }},
		{"API key", apiKey, func(n string) []string {
			return []string{"TWILIO_API_KEY=" + apiKey, "TWILIO_API_SECRET_SECRET=" + n}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sm, smAddr := startSecretManager(t)
			name := "projects/" + e2eProject + "/secrets/twilio/versions/latest"
			sm.set(name, "firstSecret1")
			gate := &rotatingTwilio{user: c.user, pw: "firstSecret1"}
			sim := twiliosim.New(twiliosim.Config{AccountSID: e2eAccount, APIKeySID: apiKey, APIKeySecret: "firstSecret1"})
			srv := httptest.NewServer(gate.wrap(sim))
			defer srv.Close()
			tp := newTopology(t)
			w := startWorkerEnv(t, tp, srv.URL, append(c.env(name), "SECRET_MANAGER_ENDPOINT="+smAddr))
			create := func(id string) string {
				return `{"entity":"Messages","operation":"CREATE","connectorInputPayload":` +
					`{"To":"+15558675310","Sender":"+15005550006","Body":"` + id + `"}}`
			}
			const n = 6
			for i := range n {
				tp.publish(t, fmt.Sprint("before-", i), create(fmt.Sprint("before-", i)), nil)
			}
			got, _ := tp.collect(t, n, 60*time.Second)
			sm.set(name, "secondSecret2") // rotated: Twilio takes only the new value now
			gate.rotate("secondSecret2")
			for i := range n {
				tp.publish(t, fmt.Sprint("after-", i), create(fmt.Sprint("after-", i)), nil)
			}
			after, _ := tp.collect(t, n, 60*time.Second)
			for k, v := range after {
				got[k] = v
			}
			for _, phase := range []string{"before-", "after-"} {
				for i := range n {
					id := fmt.Sprint(phase, i)
					if r, ok := got[id]; !ok || r.Result.Status != "SUCCEEDED" {
						t.Errorf("%s: %+v", id, r.Raw)
					}
				}
			}
			if err := w.stop(t, 30*time.Second); err != nil {
				t.Errorf("exit: %v", err)
			}
			if r := sm.readsOf(name); r != 2 {
				t.Errorf("Secret Manager was read %d times, want 2 (at start, once after the rotation)", r)
			}
			if gate.refused == 0 {
				t.Error("Twilio never refused the old value: the rotation was not exercised")
			}
			out := w.stderr.String()
			if strings.Contains(out, "firstSecret1") || strings.Contains(out, "secondSecret2") {
				t.Error("a secret appears in the worker's logs")
			}
		})
	}
}
