package twiliosim

import (
	"cmp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// record is one stored row in Twilio's JSON shape, with its creation time
// parsed once for ordering. A record and its fields never change once
// stored; an update stores a new record.
type record struct {
	fields  map[string]any
	created time.Time
	seq     uint64 // insertion order, the last tie-break
}

// table holds one store's rows by key (the sid, or the field the instance
// path names). It is safe for concurrent use; rows handed out are copies.
type table struct {
	keyField string // "" for rows without a key (usage records, available numbers)

	mu     sync.Mutex
	rows   map[string]*record
	seq    uint64
	sorted []*record // snapshot's answer until the rows change; nil: not known
}

func newTable(keyField string) *table { return &table{keyField: keyField, rows: map[string]*record{}} }

// keyOf is a row's key: its key field, or its insertion number for rows
// without one.
func (t *table) keyOf(fields map[string]any, seq uint64) string {
	if k, ok := fields[t.keyField].(string); ok && k != "" {
		return k
	}
	return "#" + strconv.FormatUint(seq, 10)
}

// put stores fields (taking ownership), replacing a row with the same key.
func (t *table) put(fields map[string]any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.putLocked(fields)
}

func (t *table) putLocked(fields map[string]any) {
	t.seq++
	rec := &record{fields: fields, seq: t.seq}
	if s, ok := fields["date_created"].(string); ok {
		rec.created, _ = parseTimestamp(s)
	}
	key := t.keyOf(fields, t.seq)
	if old, ok := t.rows[key]; ok {
		rec.seq = old.seq
	}
	t.rows[key] = rec
	t.sorted = nil
}

// get returns a copy of the row under key.
func (t *table) get(key string) (map[string]any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec, ok := t.rows[key]
	if !ok {
		return nil, false
	}
	return deepCopy(rec.fields).(map[string]any), true
}

// apply replaces the row under key by what fn returns, under the lock. fn
// gets a copy of the row, or nil when there is none; returning nil leaves
// the table as it was. apply returns a copy of the stored result.
func (t *table) apply(key string, fn func(row map[string]any) (map[string]any, *apiError)) (map[string]any, *apiError) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var cur map[string]any
	old, found := t.rows[key]
	if found {
		cur = deepCopy(old.fields).(map[string]any)
	}
	next, err := fn(cur)
	if err != nil || next == nil {
		return nil, err
	}
	// A new record, not an assignment to old: snapshot hands records out unlocked.
	t.putLocked(next)
	return deepCopy(next).(map[string]any), nil
}

// removeIf deletes the row under key when ok says so, and reports whether
// it did.
func (t *table) removeIf(key string, ok func(map[string]any) bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec, found := t.rows[key]
	if !found || !ok(rec.fields) {
		return false
	}
	delete(t.rows, key)
	t.sorted = nil
	return true
}

// snapshot returns the rows in Twilio's list order: newest first by
// date_created, then by key, then by insertion. The records and the slice
// are shared (a list of 10 000 rows is sorted once, not per page), so
// callers neither modify the slice nor hand the fields out uncopied.
func (t *table) snapshot() []*record {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sorted != nil {
		return t.sorted
	}
	recs := make([]*record, 0, len(t.rows))
	for _, rec := range t.rows {
		recs = append(recs, rec)
	}
	slices.SortFunc(recs, func(a, b *record) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		sa, _ := a.fields[t.keyField].(string)
		sb, _ := b.fields[t.keyField].(string)
		if c := cmp.Compare(sa, sb); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	t.sorted = recs
	return recs
}

// deepCopy copies JSON values (maps, slices, scalars).
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
