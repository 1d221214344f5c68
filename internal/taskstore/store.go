package taskstore

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// State is what Begin found for a task id. The zero value is not a state:
// a Claim returned together with an error has it.
type State int

// The states Begin reports.
const (
	// New: no record of the task; the caller now holds the first attempt's
	// lease.
	New State = iota + 1
	// InProgress: another attempt holds a live lease; the caller holds
	// nothing and should try again later (nack the message).
	InProgress
	// Abandoned: an earlier attempt started and neither finished nor gave
	// up cleanly before its lease ran out (its worker died, or it aborted
	// after it may have reached Twilio). The caller now holds a new lease.
	Abandoned
	// Done: a result is stored; Claim.Result holds it. The caller holds
	// nothing.
	Done
)

// String returns the state's name, for messages and test output.
func (s State) String() string {
	switch s {
	case New:
		return "New"
	case InProgress:
		return "InProgress"
	case Abandoned:
		return "Abandoned"
	case Done:
		return "Done"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Claim is Begin's answer. Result is the stored result JSON when State is
// Done, nil otherwise. Attempt counts the attempts that have started,
// including the caller's own when Begin granted it a lease (1 for New); it
// also names that lease for Renew, MarkSent and Abort. Sent, for
// Abandoned, says that an earlier attempt called MarkSent: a request with
// side effects may have reached Twilio. Without it the earlier attempts
// never sent one, and running the task again is safe.
type Claim struct {
	State   State
	Result  []byte
	Attempt int
	Sent    bool
}

// Store records task attempts and results. Implementations are safe for
// concurrent use, and Begin is atomic: of any number of concurrent Begin
// calls for one id, at most one is granted a lease.
type Store interface {
	// Begin claims taskID for a new attempt holding a lease of the given
	// length, unless the task is done or another attempt's lease is live;
	// see State for what each answer means and who holds the lease.
	Begin(ctx context.Context, taskID string, lease time.Duration) (Claim, error)
	// Finish records the attempt's result (JSON) and keeps it for ttl; the
	// task is Done from now on. A result already stored is kept: the first
	// one recorded wins, and Finish returns it (nil when result itself was
	// stored), so that a late attempt publishes the same answer.
	Finish(ctx context.Context, taskID string, result []byte, ttl time.Duration) (earlier []byte, err error)
	// Renew extends the live lease of attempt (its Claim's Attempt) to
	// lease from now, so that a long attempt keeps its task while a dead
	// worker's leases lapse soon. It returns ErrLeaseLost when that lease
	// has lapsed, another attempt has begun or the task is done.
	Renew(ctx context.Context, taskID string, attempt int, lease time.Duration) error
	// MarkSent records that attempt is about to send a request with side
	// effects (a create), and renews its lease like Renew. It returns
	// ErrLeaseLost, and records nothing, when attempt no longer holds a live
	// lease: the caller must not send then, since another attempt may run.
	// Call it before every such request; the mark stays with the task.
	MarkSent(ctx context.Context, taskID string, attempt int, lease time.Duration) error
	// Unmark withdraws attempt's own mark once its request certainly had no
	// effect (Twilio answered 429, or it never left), so that a crash
	// before its next MarkSent leaves the task safe to run; marks of
	// earlier attempts stay. Like Renew it renews the lease, and returns
	// ErrLeaseLost, changing nothing, when attempt no longer holds it.
	Unmark(ctx context.Context, taskID string, attempt int, lease time.Duration) error
	// Abort gives up attempt's lease when it ended without a result (the
	// message will be redelivered). Unless some attempt holds a mark the
	// started record is deleted, so the next Begin reports New; otherwise it
	// is kept with its lease expired, so the next Begin reports Abandoned
	// with Sent and the fact that a request may have reached Twilio is not
	// forgotten. Abort leaves a done task, and another attempt's lease,
	// alone.
	Abort(ctx context.Context, taskID string, attempt int) error
	// Close releases the store's resources. Calls after Close fail.
	Close() error
}

// ErrClosed is returned by a Memory store's methods after Close.
var ErrClosed = errors.New("taskstore: store is closed")

// ErrLeaseLost is returned by Renew, MarkSent and Unmark when the attempt no longer
// holds its task: its lease lapsed, another attempt began, or the task is
// done.
var ErrLeaseLost = errors.New("taskstore: this attempt no longer holds the task's lease")

// Defaults for the options.
const (
	// DefaultRetention keeps started records for a day: Pub/Sub keeps
	// redelivering an unanswered task for much less than that unless the
	// subscription has neither a retry policy nor a dead-letter topic.
	DefaultRetention = 24 * time.Hour
	// DefaultKeyPrefix is the prefix of the Redis keys, one per task:
	// DefaultKeyPrefix + taskID.
	DefaultKeyPrefix = "twilio-worker:task:"
	// DefaultMaxEntries and DefaultMaxBytes bound the records a Memory
	// store keeps in full. The byte bound is the one that binds for
	// typical results: about 57 000 CREATE results (250 bytes or so, kept
	// in about 46, see storedForm), 23 s of tasks at 2 500 a second, in
	// about 8 MB of heap.
	DefaultMaxEntries = 100_000
	DefaultMaxBytes   = 8 << 20
	// DefaultMaxTombstones bounds the tombstones of a Memory store (see
	// Memory): 5 more minutes of tasks at 2 500 a second, in about 19 MB.
	DefaultMaxTombstones = 750_000
)

// Option adjusts a store built by NewMemory, NewRedis or Open. Options that
// do not apply to a store are ignored by it.
type Option func(*options)

type options struct {
	retention     time.Duration
	keyPrefix     string
	maxEntries    int
	maxBytes      int
	maxTombstones int
}

func buildOptions(opts []Option) options {
	o := options{retention: DefaultRetention, keyPrefix: DefaultKeyPrefix,
		maxEntries: DefaultMaxEntries, maxBytes: DefaultMaxBytes, maxTombstones: DefaultMaxTombstones}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithRetention sets how long a started record is kept after its latest
// Begin, past its lease (default DefaultRetention). Values <= 0 keep the
// default.
func WithRetention(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.retention = d
		}
	}
}

// WithKeyPrefix sets the prefix of a Redis store's keys (default
// DefaultKeyPrefix). Workers that share one Redis but serve different
// Twilio accounts need different prefixes, since task ids are the callers'
// and may collide. An empty prefix keeps the default.
func WithKeyPrefix(p string) Option {
	return func(o *options) {
		if p != "" {
			o.keyPrefix = p
		}
	}
}

// WithLimits bounds the records a Memory store keeps in full to
// maxEntries and to about maxBytes of heap, counting each record's result
// as it is kept (compacted, see Memory) and about 100 bytes of
// bookkeeping (defaults DefaultMaxEntries and DefaultMaxBytes); values
// <= 0 keep the default. When either bound is exceeded the least recently
// written records are evicted first, into tombstones when they may have
// sent (see Memory and WithTombstones).
func WithLimits(maxEntries, maxBytes int) Option {
	return func(o *options) {
		if maxEntries > 0 {
			o.maxEntries = min(maxEntries, maxRef+1)
		}
		if maxBytes > 0 {
			o.maxBytes = maxBytes
		}
	}
}

// WithTombstones bounds the tombstones a Memory store keeps of the records
// it evicted (default DefaultMaxTombstones): about 26 bytes each, oldest
// forgotten first. Values <= 0 keep the default.
func WithTombstones(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxTombstones = min(n, maxTombstones)
		}
	}
}

// maxTombstones keeps tombstone positions within the refs of their index.
const maxTombstones = maxRef + 1

// checkArgs rejects calls no store can honour.
func checkArgs(op, taskID string, d time.Duration) error {
	if err := checkID(op, taskID); err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("taskstore: %s %q: duration %v must be positive", op, clip(taskID), d)
	}
	return nil
}

// clip shortens a caller's task id echoed in an error.
func clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// checkID rejects an empty task id: every message without one would share
// a single record.
func checkID(op, taskID string) error {
	if taskID == "" {
		return fmt.Errorf("taskstore: %s: empty task id", op)
	}
	return nil
}
