package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"

	"github.com/connectorworks/twilio-worker/internal/oaispec"
	"github.com/connectorworks/twilio-worker/internal/speccheck"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

const (
	e2eAccount = "AC0123456789abcdef0123456789abcdef"
	e2eToken   = "e2eSecretToken42"
	e2eProject = "e2e-project"
)

// requireEmulator returns the emulator address. Without one the test skips
// locally, but fails when REQUIRE_EMULATOR=1 (CI): a missing service must
// never pass silently.
func requireEmulator(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("PUBSUB_EMULATOR_HOST")
	if addr == "" {
		if os.Getenv("REQUIRE_EMULATOR") == "1" {
			t.Fatal("REQUIRE_EMULATOR=1 but PUBSUB_EMULATOR_HOST is not set: start the emulator (scripts/test.sh does)")
		}
		t.Skip("no Pub/Sub emulator (set PUBSUB_EMULATOR_HOST, or run scripts/test.sh)")
	}
	return addr
}

var (
	buildOnce sync.Once
	binDir    string // removed by TestMain
	binPath   string
	buildErr  error
)

// TestMain removes the directory of the worker binary, which the tests
// share and so cannot leave to a test's own TempDir.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// workerBinary builds the real worker binary once per test run.
func workerBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "worker-bin")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "worker")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building worker: %v\n%s", buildErr, binPath)
	}
	return binPath
}

var (
	checkerOnce sync.Once
	checker     *speccheck.Checker
	checkerErr  error
)

func specChecker(t *testing.T) *speccheck.Checker {
	t.Helper()
	checkerOnce.Do(func() {
		var dir string
		if dir, checkerErr = oaispec.Dir(); checkerErr == nil {
			checker, checkerErr = speccheck.Load(dir)
		}
	})
	if checkerErr != nil {
		t.Fatalf("Twilio's OpenAPI specs are required: %v", checkerErr)
	}
	return checker
}

// simulator starts twiliosim behind the spec checker (our stand-in for the
// validating proxy of the acceptance run) and returns it with its URL.
func simulator(t *testing.T, cfg twiliosim.Config) (*twiliosim.Server, string) {
	t.Helper()
	cfg.AccountSID, cfg.AuthToken = e2eAccount, e2eToken
	sim := twiliosim.New(cfg)
	f, err := os.ReadFile(filepath.Join("..", "..", "examples", "seed-fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.LoadFixtures(bytes.NewReader(f)); err != nil {
		t.Fatal(err)
	}
	chk := specChecker(t)
	srv := httptest.NewServer(chk.Middleware(sim))
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// topology is a fresh task topic + subscription and result topic +
// subscription on the emulator.
type topology struct {
	client                 *pubsub.Client
	taskTopic, resultTopic string
	taskSub, resultSub     string
}

func newTopology(t *testing.T) *topology {
	t.Helper()
	ctx := context.Background()
	c, err := pubsub.NewClient(ctx, e2eProject)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	id := randomID()
	tp := &topology{client: c,
		taskTopic: "projects/" + e2eProject + "/topics/tasks-" + id, resultTopic: "projects/" + e2eProject + "/topics/results-" + id,
		taskSub: "projects/" + e2eProject + "/subscriptions/tasks-" + id, resultSub: "projects/" + e2eProject + "/subscriptions/results-" + id}
	for _, topic := range []string{tp.taskTopic, tp.resultTopic} {
		if _, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: topic}); err != nil {
			t.Fatal(err)
		}
	}
	for sub, topic := range map[string]string{tp.taskSub: tp.taskTopic, tp.resultSub: tp.resultTopic} {
		if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{
			Name: sub, Topic: topic, AckDeadlineSeconds: 30}); err != nil {
			t.Fatal(err)
		}
	}
	return tp
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// publish sends one task with a taskId attribute and extra attributes.
func (tp *topology) publish(t *testing.T, taskID string, data string, attrs map[string]string) {
	t.Helper()
	a := map[string]string{"taskId": taskID}
	for k, v := range attrs {
		a[k] = v
	}
	pub := tp.client.Publisher(tp.taskTopic)
	defer pub.Stop()
	if _, err := pub.Publish(context.Background(), &pubsub.Message{Data: []byte(data), Attributes: a}).Get(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// received is one result message.
type received struct {
	Result task.Result
	Raw    map[string]any
	Attrs  map[string]string
}

// collect reads results until n distinct task ids arrived or the timeout;
// it also counts every delivery per task id so duplicates show.
func (tp *topology) collect(t *testing.T, n int, timeout time.Duration) (map[string]received, map[string]int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var mu sync.Mutex
	got, counts := map[string]received{}, map[string]int{}
	if n <= 0 { // expecting nothing: listen briefly for strays
		ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
	}
	err := tp.client.Subscriber(tp.resultSub).Receive(ctx, func(_ context.Context, m *pubsub.Message) {
		m.Ack()
		var r received
		if err := json.Unmarshal(m.Data, &r.Result); err != nil {
			t.Errorf("result is not JSON: %v: %s", err, m.Data)
			return
		}
		_ = json.Unmarshal(m.Data, &r.Raw)
		r.Attrs = m.Attributes
		mu.Lock()
		defer mu.Unlock()
		counts[r.Result.TaskID]++
		got[r.Result.TaskID] = r
		if len(got) >= n {
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, counts
}

// worker is a running worker binary.
type worker struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer // read it after exit, or through log while it runs
	lw     *lockedWriter
	done   chan error
}

// log is the worker's stderr so far, safe to read while it runs.
func (w *worker) log() string {
	w.lw.mu.Lock()
	defer w.lw.mu.Unlock()
	return w.stderr.String()
}

func startWorker(t *testing.T, tp *topology, simURL string, extra ...string) *worker {
	t.Helper()
	cmd := exec.Command(workerBinary(t), extra...)
	cmd.Env = append(os.Environ(),
		"GOOGLE_CLOUD_PROJECT="+e2eProject, "TASK_SUBSCRIPTION="+tp.taskSub, "RESULT_TOPIC="+tp.resultTopic,
		"TWILIO_ACCOUNT_SID="+e2eAccount, "TWILIO_AUTH_TOKEN="+e2eToken, "TWILIO_BASE_URL="+simURL,
		// Any free port: tests run workers side by side, and :8080 may be
		// someone else's. The address bound is logged at info.
		"LOG_LEVEL=info", "HTTP_ADDR=127.0.0.1:0")
	w := &worker{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	w.lw = &lockedWriter{w: w.stderr}
	cmd.Stderr = w.lw
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

// stop sends SIGTERM and waits for the exit status.
func (w *worker) stop(t *testing.T, within time.Duration) error {
	t.Helper()
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-w.done:
		w.done <- err // for Cleanup
		return err
	case <-time.After(within):
		t.Fatalf("worker did not exit within %v after SIGTERM; stderr:\n%s", within, w.stderr)
		return nil
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
