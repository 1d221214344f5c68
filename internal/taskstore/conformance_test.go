package taskstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// fixture is one store under test, with records no other test sees.
type fixture struct {
	store taskstore.Store
	// after lets d pass (advancing a fake clock, or sleeping) and then asks
	// cond until it reports true or a deadline passes; it returns cond's
	// last answer. Real clocks get a generous deadline, so that a slow
	// machine makes the test slower, not flaky.
	after func(d time.Duration, cond func() bool) bool
}

// opener builds a fresh fixture; opts go to the store.
type opener func(t *testing.T, opts ...taskstore.Option) fixture

// conformance is the behaviour every Store must show, run by
// TestMemoryConformance and TestRedisConformance.
var conformance = []struct {
	name string
	run  func(t *testing.T, open opener)
}{
	{"round trip", testRoundTrip},
	{"first result wins", testFirstResultWins},
	{"lease expiry", testLeaseExpiry},
	{"concurrent begin", testConcurrentBegin},
	{"abort without side effects", testAbortClean},
	{"abort with side effects", testAbortSideEffects},
	{"abort leaves done alone", testAbortDone},
	{"done expires", testDoneExpires},
	{"started record expires", testRetention},
	{"finish without begin", testFinishWithoutBegin},
	{"ids are independent", testIndependentIDs},
	{"bad arguments", testBadArguments},
	{"closed", testClosed},
}

func runConformance(t *testing.T, open opener) {
	for _, c := range conformance {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open)
		})
	}
}

var ctx = context.Background()

// begin calls Begin and fails the test unless it answers want.
func begin(t *testing.T, s taskstore.Store, id string, lease time.Duration, want taskstore.State, wantAttempt int) taskstore.Claim {
	t.Helper()
	c, err := s.Begin(ctx, id, lease)
	if err != nil {
		t.Fatalf("Begin(%q) error: %v", id, err)
	}
	if c.State != want || c.Attempt != wantAttempt {
		t.Fatalf("Begin(%q) = %v attempt %d, want %v attempt %d", id, c.State, c.Attempt, want, wantAttempt)
	}
	return c
}

// is reports whether Begin answers want (for polling).
func is(t *testing.T, s taskstore.Store, id string, want taskstore.State) func() bool {
	return func() bool {
		c, err := s.Begin(ctx, id, time.Minute)
		if err != nil {
			t.Errorf("Begin(%q) error: %v", id, err)
			return true // stop polling; the error fails the test
		}
		return c.State == want
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testRoundTrip(t *testing.T, open opener) {
	f := open(t)
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	begin(t, f.store, "t1", time.Minute, taskstore.InProgress, 1)
	result := `{"taskId":"t1","status":"SUCCEEDED","connectorOutputPayload":{"Sid":"SM1"}}`
	must(t, f.store.Finish(ctx, "t1", []byte(result), time.Minute))
	for range 2 { // reading a done task changes nothing
		c := begin(t, f.store, "t1", time.Minute, taskstore.Done, 1)
		if string(c.Result) != result {
			t.Errorf("Result = %s, want %s", c.Result, result)
		}
	}
}

func testFirstResultWins(t *testing.T, open opener) {
	f := open(t)
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Finish(ctx, "t1", []byte(`"first"`), time.Minute))
	must(t, f.store.Finish(ctx, "t1", []byte(`"second"`), time.Minute))
	if c := begin(t, f.store, "t1", time.Minute, taskstore.Done, 1); string(c.Result) != `"first"` {
		t.Errorf("Result = %s, want the first result", c.Result)
	}
}

func testLeaseExpiry(t *testing.T, open opener) {
	f := open(t)
	const lease = 200 * time.Millisecond
	begin(t, f.store, "t1", lease, taskstore.New, 1)
	if !f.after(lease, is(t, f.store, "t1", taskstore.Abandoned)) {
		t.Fatal("Begin never reported Abandoned after the lease ran out")
	}
	// The Abandoned answer granted a new lease (a minute, see is).
	begin(t, f.store, "t1", time.Minute, taskstore.InProgress, 2)
	must(t, f.store.Finish(ctx, "t1", []byte(`{}`), time.Minute))
	begin(t, f.store, "t1", time.Minute, taskstore.Done, 2)
}

func testConcurrentBegin(t *testing.T, open opener) {
	f := open(t)
	const n = 20
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		mu     sync.Mutex
		states = map[taskstore.State]int{}
	)
	for range n {
		wg.Go(func() {
			<-start
			c, err := f.store.Begin(ctx, "t1", time.Minute)
			if err != nil {
				t.Errorf("Begin error: %v", err)
				return
			}
			mu.Lock()
			states[c.State]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if states[taskstore.New] != 1 || states[taskstore.InProgress] != n-1 {
		t.Errorf("states = %v, want exactly one New and %d InProgress", states, n-1)
	}
}

func testAbortClean(t *testing.T, open opener) {
	f := open(t)
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Abort(ctx, "t1", false))
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Abort(ctx, "never-begun", false))
	must(t, f.store.Abort(ctx, "never-begun", true))
	begin(t, f.store, "never-begun", time.Minute, taskstore.New, 1)
}

func testAbortSideEffects(t *testing.T, open opener) {
	f := open(t)
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Abort(ctx, "t1", true))
	begin(t, f.store, "t1", time.Minute, taskstore.Abandoned, 2)
	begin(t, f.store, "t1", time.Minute, taskstore.InProgress, 2)
	// A clean abort of the second attempt forgets the first one too: only
	// callers that know no attempt reached Twilio may use it.
	must(t, f.store.Abort(ctx, "t1", true))
	begin(t, f.store, "t1", time.Minute, taskstore.Abandoned, 3)
}

func testAbortDone(t *testing.T, open opener) {
	f := open(t)
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Finish(ctx, "t1", []byte(`"r"`), time.Minute))
	must(t, f.store.Abort(ctx, "t1", false))
	must(t, f.store.Abort(ctx, "t1", true))
	begin(t, f.store, "t1", time.Minute, taskstore.Done, 1)
}

func testDoneExpires(t *testing.T, open opener) {
	f := open(t)
	const ttl = 200 * time.Millisecond
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Finish(ctx, "t1", []byte(`"r"`), ttl))
	begin(t, f.store, "t1", time.Minute, taskstore.Done, 1)
	if !f.after(ttl, is(t, f.store, "t1", taskstore.New)) {
		t.Fatal("the done record never expired")
	}
}

func testRetention(t *testing.T, open opener) {
	const retention = 400 * time.Millisecond
	f := open(t, taskstore.WithRetention(retention))
	begin(t, f.store, "t1", 50*time.Millisecond, taskstore.New, 1)
	// Past the lease but within the retention: still known as started.
	begin(t, f.store, "t2", 50*time.Millisecond, taskstore.New, 1)
	if !f.after(100*time.Millisecond, is(t, f.store, "t2", taskstore.Abandoned)) {
		t.Fatal("t2 was not Abandoned after its lease")
	}
	if !f.after(retention, is(t, f.store, "t1", taskstore.New)) {
		t.Fatal("the started record was kept past its retention")
	}
}

func testFinishWithoutBegin(t *testing.T, open opener) {
	f := open(t)
	must(t, f.store.Finish(ctx, "t1", []byte(`"r"`), time.Minute))
	if c := begin(t, f.store, "t1", time.Minute, taskstore.Done, 0); string(c.Result) != `"r"` {
		t.Errorf("Result = %s, want \"r\"", c.Result)
	}
}

func testIndependentIDs(t *testing.T, open opener) {
	f := open(t)
	ids := []string{"a", "a ", "A", "{a}", "a:b", "ünï/cödé", strings.Repeat("x", 1000)}
	for _, id := range ids {
		begin(t, f.store, id, time.Minute, taskstore.New, 1)
	}
	must(t, f.store.Finish(ctx, "a", []byte(`"a"`), time.Minute))
	for _, id := range ids[1:] {
		begin(t, f.store, id, time.Minute, taskstore.InProgress, 1)
	}
}

func testBadArguments(t *testing.T, open opener) {
	f := open(t)
	if _, err := f.store.Begin(ctx, "", time.Minute); err == nil {
		t.Error("Begin with an empty id succeeded")
	}
	if _, err := f.store.Begin(ctx, "t1", 0); err == nil {
		t.Error("Begin with a zero lease succeeded")
	}
	if err := f.store.Finish(ctx, "t1", []byte(`{}`), -time.Second); err == nil {
		t.Error("Finish with a negative ttl succeeded")
	}
	if err := f.store.Abort(ctx, "", true); err == nil {
		t.Error("Abort with an empty id succeeded")
	}
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1) // nothing was recorded
}

func testClosed(t *testing.T, open opener) {
	f := open(t)
	must(t, f.store.Close())
	if _, err := f.store.Begin(ctx, "t1", time.Minute); err == nil {
		t.Error("Begin after Close succeeded")
	}
}
