package taskstore_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

// model is what the contract lets a test know about one task id, whatever
// the store evicted: a Memory store whose tombstones all survive must
// answer as if it kept every record in full, except that a done record may
// have lost its result (Abandoned with Sent instead of Done).
type model struct {
	exists     bool
	done       bool
	result     string
	attempt    int   // the latest attempt granted (0: none, or Finish alone)
	leaseUntil int64 // of attempt
	marked     bool  // attempt's own mark
	markBefore bool  // an earlier attempt's mark, or a done record's result that was evicted
}

// sent reports what Claim.Sent must say if Begin answers Abandoned.
func (m *model) sent() bool { return m.marked || m.markBefore }

// TestMemoryRandomOperations runs random operation sequences on small
// stores with small bounds and checks every answer against the model; in
// particular Begin never answers New for an id that was marked sent and not
// unmarked, nor for one that is done.
func TestMemoryRandomOperations(t *testing.T) {
	t.Parallel()
	seeds := 200
	if testing.Short() {
		seeds = 20
	}
	for seed := range seeds {
		runModel(t, uint64(seed), 1500)
	}
}

const modelLease = 10 * time.Second

// runModel runs ops random operations on ids from a small set.
func runModel(t *testing.T, seed uint64, ops int) {
	rng := rand.New(rand.NewPCG(seed, 42))
	clock := newClock()
	start := clock.Now()
	maxEntries, maxBytes := 1+rng.IntN(6), 200+rng.IntN(1500)
	// More tombstone positions than operations: none is pushed out, so the
	// model can demand that every evicted record is remembered.
	s := taskstore.NewMemory(clock.Now, taskstore.WithLimits(maxEntries, maxBytes), taskstore.WithTombstones(2*ops))
	ids := make([]string, 4+rng.IntN(12))
	for i := range ids {
		ids[i] = "task-" + strconv.Itoa(i)
	}
	models := make(map[string]*model, len(ids))
	for _, id := range ids {
		models[id] = &model{}
	}
	fail := func(step int, format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d (limits %d, %d B), step %d: %s", seed, maxEntries, maxBytes, step, fmt.Sprintf(format, args...))
	}
	for step := range ops {
		id := ids[rng.IntN(len(ids))]
		m := models[id]
		now := int64(clock.Now().Sub(start))
		live := m.exists && !m.done && now < m.leaseUntil
		// An attempt number to act as: mostly the latest, sometimes a stale one.
		attempt := max(m.attempt-rng.IntN(3)/2, 0)
		holds := live && attempt == m.attempt
		switch op := rng.IntN(8); op {
		case 0:
			clock.Advance(time.Duration(rng.Int64N(int64(2 * modelLease))))
		case 1, 2:
			c, err := s.Begin(ctx, id, modelLease)
			if err != nil {
				fail(step, "Begin(%s): %v", id, err)
			}
			checkBegin(step, fail, id, m, c, live)
			if c.State == taskstore.New || c.State == taskstore.Abandoned {
				m.markBefore, m.marked = m.sent() || m.done, false
				m.exists, m.done, m.attempt, m.leaseUntil = true, false, c.Attempt, now+int64(modelLease)
			}
		case 3, 4, 5:
			var err error
			switch op {
			case 3:
				err = s.MarkSent(ctx, id, attempt, modelLease)
			case 4:
				err = s.Unmark(ctx, id, attempt, modelLease)
			default:
				err = s.Renew(ctx, id, attempt, modelLease)
			}
			if holds != (err == nil) || (err != nil && !errors.Is(err, taskstore.ErrLeaseLost)) {
				fail(step, "op %d (%s, attempt %d, holds %v) = %v", op, id, attempt, holds, err)
			}
			if holds {
				m.leaseUntil = now + int64(modelLease)
				m.marked = op == 3 || (op == 5 && m.marked)
			}
		case 6:
			result := strconv.Itoa(step)
			earlier, err := s.Finish(ctx, id, []byte(result), time.Hour)
			switch {
			case err != nil:
				fail(step, "Finish(%s): %v", id, err)
			case earlier != nil && (!m.done || string(earlier) != m.result):
				fail(step, "Finish(%s) = %s, want nil or %s (done %v)", id, earlier, m.result, m.done)
			case earlier == nil && m.done: // the earlier result was evicted
				m.markBefore = true
			}
			if earlier == nil {
				m.exists, m.done, m.result = true, true, result
			}
		case 7:
			if err := s.Abort(ctx, id, attempt); err != nil {
				fail(step, "Abort(%s): %v", id, err)
			}
			switch {
			case !m.exists || m.done || attempt != m.attempt:
			case m.sent():
				m.leaseUntil = min(m.leaseUntil, now)
			default:
				*m = model{}
			}
		}
	}
}

// checkBegin checks Begin's answer c for id against its model m.
func checkBegin(step int, fail func(int, string, ...any), id string, m *model, c taskstore.Claim, live bool) {
	want := taskstore.Abandoned
	switch {
	case !m.exists:
		want = taskstore.New
	case m.done && c.State == taskstore.Done:
		want = taskstore.Done
	case live:
		want = taskstore.InProgress
	}
	if c.State != want {
		fail(step, "Begin(%s) = %v, want %v (model %+v)", id, c.State, want, *m)
	}
	switch c.State {
	case taskstore.New:
		if c.Attempt != 1 {
			fail(step, "Begin(%s) = New attempt %d, want 1", id, c.Attempt)
		}
	case taskstore.Abandoned:
		if sent := m.sent() || m.done; c.Sent != sent || c.Attempt != m.attempt+1 {
			fail(step, "Begin(%s) = Abandoned attempt %d sent %v; want attempt %d sent %v", id, c.Attempt, c.Sent, m.attempt+1, sent)
		}
	case taskstore.Done:
		if string(c.Result) != m.result || c.Attempt != m.attempt {
			fail(step, "Begin(%s) = Done %s attempt %d; want %s attempt %d", id, c.Result, c.Attempt, m.result, m.attempt)
		}
	case taskstore.InProgress:
		if c.Attempt != m.attempt {
			fail(step, "Begin(%s) = InProgress attempt %d; want %d", id, c.Attempt, m.attempt)
		}
	}
}
