package taskstore_test

import (
	"context"
	"errors"
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
	{"abort without a sent mark", testAbortClean},
	{"abort with a sent mark", testAbortSideEffects},
	{"abort of another attempt", testAbortFenced},
	{"renew keeps the lease", testRenew},
	{"renew and mark need the lease", testLeaseLost},
	{"abandoned without a mark", testAbandonedUnsent},
	{"unmark withdraws the attempt's own mark", testUnmark},
	{"renewal keeps the record past the retention", testRenewKeepsRecord},
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

// finish calls Finish and fails the test unless it stored result.
func finish(t *testing.T, s taskstore.Store, id string, result []byte, ttl time.Duration) {
	t.Helper()
	if earlier, err := s.Finish(ctx, id, result, ttl); err != nil || earlier != nil {
		t.Fatalf("Finish(%q) = %q, %v; want it stored", id, earlier, err)
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
	finish(t, f.store, "t1", []byte(result), time.Minute)
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
	finish(t, f.store, "t1", []byte(`"first"`), time.Minute)
	if earlier, err := f.store.Finish(ctx, "t1", []byte(`"second"`), time.Minute); err != nil || string(earlier) != `"first"` {
		t.Errorf("second Finish = %q, %v; want the first result back", earlier, err)
	}
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
	finish(t, f.store, "t1", []byte(`{}`), time.Minute)
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
	c := begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Renew(ctx, "t1", c.Attempt, time.Minute))
	must(t, f.store.Abort(ctx, "t1", c.Attempt))
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.Abort(ctx, "never-begun", 1))
	begin(t, f.store, "never-begun", time.Minute, taskstore.New, 1)
}

func testAbortSideEffects(t *testing.T, open opener) {
	f := open(t)
	c := begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.MarkSent(ctx, "t1", c.Attempt, time.Minute))
	must(t, f.store.Abort(ctx, "t1", c.Attempt))
	if c := begin(t, f.store, "t1", time.Minute, taskstore.Abandoned, 2); !c.Sent {
		t.Error("Abandoned after a marked attempt, but Sent is false")
	}
	begin(t, f.store, "t1", time.Minute, taskstore.InProgress, 2)
	// The mark stays with the task: a later attempt that sent nothing
	// does not make it forget the first one's request.
	must(t, f.store.Abort(ctx, "t1", 2))
	if c := begin(t, f.store, "t1", time.Minute, taskstore.Abandoned, 3); !c.Sent {
		t.Error("the mark of attempt 1 was lost by attempt 2's Abort")
	}
}

func testAbortFenced(t *testing.T, open opener) {
	f := open(t)
	const lease = 200 * time.Millisecond
	begin(t, f.store, "t1", lease, taskstore.New, 1)
	if !f.after(lease, is(t, f.store, "t1", taskstore.Abandoned)) { // attempt 2 now holds it
		t.Fatal("Begin never reported Abandoned after the lease ran out")
	}
	must(t, f.store.Abort(ctx, "t1", 1)) // the old attempt gives up late
	begin(t, f.store, "t1", time.Minute, taskstore.InProgress, 2)
}

func testRenew(t *testing.T, open opener) {
	f := open(t)
	const lease = 2 * time.Second
	c := begin(t, f.store, "t1", lease, taskstore.New, 1)
	for range 4 { // 4 × 700 ms: past the first lease, never past a renewed one
		f.after(700*time.Millisecond, func() bool { return true })
		must(t, f.store.Renew(ctx, "t1", c.Attempt, lease))
	}
	begin(t, f.store, "t1", lease, taskstore.InProgress, 1)
	if !f.after(lease, is(t, f.store, "t1", taskstore.Abandoned)) {
		t.Fatal("the lease did not lapse once renewals stopped")
	}
}

func testLeaseLost(t *testing.T, open opener) {
	f := open(t)
	const lease = 200 * time.Millisecond
	c := begin(t, f.store, "t1", lease, taskstore.New, 1)
	f.after(2*lease, func() bool { return true }) // polling Renew would keep the lease
	if err := f.store.Renew(ctx, "t1", c.Attempt, lease); !errors.Is(err, taskstore.ErrLeaseLost) {
		t.Fatalf("Renew of a lapsed lease = %v, want ErrLeaseLost", err)
	}
	if err := f.store.MarkSent(ctx, "t1", c.Attempt, time.Minute); !errors.Is(err, taskstore.ErrLeaseLost) {
		t.Errorf("MarkSent of a lapsed lease = %v, want ErrLeaseLost", err)
	}
	c2 := begin(t, f.store, "t1", time.Minute, taskstore.Abandoned, 2)
	if c2.Sent {
		t.Error("the refused MarkSent left a mark")
	}
	for _, err := range []error{f.store.Renew(ctx, "t1", 1, time.Minute), f.store.MarkSent(ctx, "t1", 1, time.Minute),
		f.store.MarkSent(ctx, "never-begun", 1, time.Minute)} {
		if !errors.Is(err, taskstore.ErrLeaseLost) {
			t.Errorf("Renew/MarkSent without the lease = %v, want ErrLeaseLost", err)
		}
	}
	finish(t, f.store, "t1", []byte(`"r"`), time.Minute)
	if err := f.store.Renew(ctx, "t1", 2, time.Minute); !errors.Is(err, taskstore.ErrLeaseLost) {
		t.Errorf("Renew of a done task = %v, want ErrLeaseLost", err)
	}
}

func testAbandonedUnsent(t *testing.T, open opener) {
	f := open(t)
	const lease = 200 * time.Millisecond
	begin(t, f.store, "t1", lease, taskstore.New, 1)
	if !f.after(lease, is(t, f.store, "t1", taskstore.Abandoned)) {
		t.Fatal("Begin never reported Abandoned after the lease ran out")
	}
	// is granted attempt 2 a minute's lease; it marks and dies.
	must(t, f.store.MarkSent(ctx, "t1", 2, lease))
	var last taskstore.Claim
	if !f.after(lease, func() bool {
		c, err := f.store.Begin(ctx, "t1", time.Minute)
		last = c
		return err == nil && c.State == taskstore.Abandoned
	}) {
		t.Fatal("the marked attempt's lease never lapsed")
	}
	if !last.Sent {
		t.Error("Abandoned after a marked attempt, but Sent is false")
	}
}

func testUnmark(t *testing.T, open opener) {
	f := open(t)
	c := begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	must(t, f.store.MarkSent(ctx, "t1", c.Attempt, time.Minute))
	must(t, f.store.Unmark(ctx, "t1", c.Attempt, time.Minute)) // Twilio answered 429
	must(t, f.store.Abort(ctx, "t1", c.Attempt))
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1) // nothing took effect: forgotten

	must(t, f.store.MarkSent(ctx, "t1", 1, time.Minute))
	must(t, f.store.Abort(ctx, "t1", 1))
	begin(t, f.store, "t1", time.Minute, taskstore.Abandoned, 2)
	must(t, f.store.MarkSent(ctx, "t1", 2, time.Minute))
	must(t, f.store.Unmark(ctx, "t1", 2, time.Minute))
	must(t, f.store.Abort(ctx, "t1", 2))
	if c := begin(t, f.store, "t1", time.Minute, taskstore.Abandoned, 3); !c.Sent {
		t.Error("attempt 2's Unmark withdrew attempt 1's mark")
	}
	if err := f.store.Unmark(ctx, "t1", 2, time.Minute); !errors.Is(err, taskstore.ErrLeaseLost) {
		t.Errorf("Unmark by a superseded attempt = %v, want ErrLeaseLost", err)
	}
}

func testRenewKeepsRecord(t *testing.T, open opener) {
	const retention = time.Second
	f := open(t, taskstore.WithRetention(retention))
	c := begin(t, f.store, "t1", retention, taskstore.New, 1)
	for range 3 { // 3 × 700 ms: past the retention counted from Begin
		f.after(700*time.Millisecond, func() bool { return true })
		must(t, f.store.MarkSent(ctx, "t1", c.Attempt, retention))
	}
	begin(t, f.store, "t1", retention, taskstore.InProgress, 1)
}

func testAbortDone(t *testing.T, open opener) {
	f := open(t)
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	finish(t, f.store, "t1", []byte(`"r"`), time.Minute)
	must(t, f.store.Abort(ctx, "t1", 1))
	begin(t, f.store, "t1", time.Minute, taskstore.Done, 1)
}

func testDoneExpires(t *testing.T, open opener) {
	f := open(t)
	const ttl = 200 * time.Millisecond
	begin(t, f.store, "t1", time.Minute, taskstore.New, 1)
	finish(t, f.store, "t1", []byte(`"r"`), ttl)
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
	finish(t, f.store, "t1", []byte(`"r"`), time.Minute)
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
	finish(t, f.store, "a", []byte(`"a"`), time.Minute)
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
	if _, err := f.store.Finish(ctx, "t1", []byte(`{}`), -time.Second); err == nil {
		t.Error("Finish with a negative ttl succeeded")
	}
	if err := f.store.Renew(ctx, "t1", 1, 0); err == nil {
		t.Error("Renew with a zero lease succeeded")
	}
	if err := f.store.Abort(ctx, "", 1); err == nil {
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
