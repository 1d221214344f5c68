package taskstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/task"
)

// briefResult is a typical CREATE result, byte for byte as the worker
// records it.
const briefResult = `{"taskId":"bench-0000123","entity":"Messages","operation":"CREATE","status":"SUCCEEDED",` +
	`"connectorOutputPayload":{"Sid":"SM5f594b4e62f04ae241910c4ab3a11b69"},` +
	`"startedAt":"2026-12-05T23:30:52.912257439Z","finishedAt":"2026-12-05T23:30:52.913993929Z"}`

// withTimes returns briefResult's shape for id with the timestamps given
// as text, and a payload given as JSON.
func withTimes(id, payload, started, finished string) string {
	return `{"taskId":"` + id + `","entity":"Messages","operation":"CREATE","status":"SUCCEEDED",` +
		`"connectorOutputPayload":` + payload + `,"startedAt":"` + started + `","finishedAt":"` + finished + `"}`
}

// marshalResult is r's JSON, as the idempotency middleware records it.
func marshalResult(t testing.TB, r task.Result) []byte {
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// roundTrip fails t unless result, stored for id, expands to itself; it
// returns the stored form.
func roundTrip(t testing.TB, id string, result []byte) string {
	t.Helper()
	form := storedForm(id, result)
	got := expandResult(id, form)
	if got == nil || !bytes.Equal(got, result) {
		t.Fatalf("id %q, result %q: stored as %q, expanded to %q", id, result, form, got)
	}
	return form
}

func isCompact(form string) bool {
	return form != "" && (form[0] == codeTaskID || form[0] == codeTaskKey)
}

// TestStoredFormTypical: the worker's usual results are kept compact, and
// a CREATE's in less than a fifth of its size, whatever its id's length.
func TestStoredFormTypical(t *testing.T) {
	uuid := "6f1c2a9e-4b7d-4e21-9a55-000000012345"
	for _, c := range []struct {
		id, result string
		max        int
	}{
		{"bench-0000123", briefResult, 48},
		{uuid, strings.Replace(briefResult, "bench-0000123", uuid, 1), 48},
		{"a", withTimes("a", `{"AccountSid":"AC0123456789abcdef0123456789abcdef","Sid":"SM5f594b4e62f04ae241910c4ab3a11b69"}`,
			"2026-12-05T23:30:52Z", "2026-12-05T23:30:53.1Z"), 80},
	} {
		form := roundTrip(t, c.id, []byte(c.result))
		t.Logf("%d bytes stored in %d", len(c.result), len(form))
		if form[0] != codeTaskID || len(form) > c.max {
			t.Errorf("%s: stored in %d bytes (%q), want a compact form of at most %d", c.result, len(form), form, c.max)
		}
	}
}

// TestStoredFormWorkerResults: results built as the worker builds them
// (task.Result's JSON) round-trip, and are compact unless a timestamp is
// out of what int64 nanoseconds hold.
func TestStoredFormWorkerResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := []string{"t1", "6f1c2a9e-4b7d-4e21-9a55-000000012345", `quote"d`, `back\slash`, "<html>&amp;",
		"tab\tid", "ünïcödé", "line\u2028sep", "bad\xffutf8", strings.Repeat("x", 300)}
	for i := range 2000 {
		id := ids[i%len(ids)]
		start := time.Unix(0, rng.Int64N(1<<62)).UTC()
		r := task.Result{TaskID: id, Entity: "Messages", Operation: "CREATE", Status: task.StatusSucceeded,
			Payload:         map[string]any{"Sid": fmt.Sprintf("SM%016x%016x", rng.Uint64(), rng.Uint64())},
			DeliveryAttempt: rng.IntN(3),
			StartedAt:       start.Format(time.RFC3339Nano),
			FinishedAt:      start.Add(time.Duration(rng.Int64N(int64(time.Minute)))).Format(time.RFC3339Nano)}
		if i%3 == 1 {
			r.Status, r.Payload = task.StatusFailed, nil
			r.Error = &task.ErrorInfo{Code: "INVALID_ARGUMENT", Message: "the To number is not valid", TwilioCode: 21211,
				HTTPStatus: 400, MoreInfo: "https://www.twilio.com/docs/errors/21211"}
		}
		if i%3 == 2 {
			r.Operation, r.Payload, r.NextPageToken = "LIST", []any{map[string]any{"Sid": "SM1"}}, "PageToken=PA1"
		}
		data := marshalResult(t, r)
		if form := roundTrip(t, id, data); len(data) <= compactMax && (!isCompact(form) || len(form) > len(data)-90) {
			t.Fatalf("%s stored as %q: not compact", data, form)
		}
	}
}

// TestStoredFormTricky: unusual results and ids come back byte for byte,
// and the store does not compact what it cannot give back.
func TestStoredFormTricky(t *testing.T) {
	const id = "t1"
	padded := func(n int) string { // a result of n bytes
		pad := n - len(withTimes(id, `""`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"))
		return withTimes(id, `"`+strings.Repeat("x", pad)+`"`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z")
	}
	long := padded(compactMax + 1)
	cases := map[string]string{
		"empty":                   "",
		"not an object":           `"r"`,
		"a lone brace":            `{`,
		"the key alone":           `{"taskId":"`,
		"the key and id":          `{"taskId":"t1"`,
		"another id":              strings.Replace(briefResult, "bench-0000123", "t2", 1),
		"a longer id":             strings.Replace(briefResult, "bench-0000123", "t10", 1),
		"no taskId first":         `{"entity":"Messages","taskId":"t1","startedAt":"2026-12-05T23:30:52Z","finishedAt":"2026-12-05T23:30:52Z"}`,
		"invalid JSON":            `{"taskId":"t1",]]"startedAt":"x`,
		"a control byte first":    "\x00\x01{}",
		"a code byte first":       "\x03abc",
		"code bytes inside":       `{"taskId":"t1","x":"` + "\x01\x03\x04\x05\x1f" + `"}`,
		"a times code inside":     `{"taskId":"t1","x":"` + "\x03\x00" + `"}`,
		"a fragment at the end":   `{"taskId":"t1","entity":"`,
		"no times":                `{"taskId":"t1","entity":"Messages","operation":"CREATE","status":"SUCCEEDED"}`,
		"an offset":               withTimes(id, `{}`, "2026-12-05T23:30:52+02:00", "2026-12-05T23:30:52Z"),
		"lower-case z":            withTimes(id, `{}`, "2026-12-05T23:30:52z", "2026-12-05T23:30:52Z"),
		"a space for T":           withTimes(id, `{}`, "2026-12-05 23:30:52Z", "2026-12-05T23:30:52Z"),
		"trailing zeros":          withTimes(id, `{}`, "2026-12-05T23:30:52.100Z", "2026-12-05T23:30:52Z"),
		"a zero fraction":         withTimes(id, `{}`, "2026-12-05T23:30:52.000000000Z", "2026-12-05T23:30:52Z"),
		"an empty fraction":       withTimes(id, `{}`, "2026-12-05T23:30:52.Z", "2026-12-05T23:30:52Z"),
		"ten fraction digits":     withTimes(id, `{}`, "2026-12-05T23:30:52.1234567891Z", "2026-12-05T23:30:52Z"),
		"year 1":                  withTimes(id, `{}`, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
		"year 9999":               withTimes(id, `{}`, "9999-12-31T23:59:59.999999999Z", "2026-12-05T23:30:52Z"),
		"before 1678":             withTimes(id, `{}`, "1677-09-21T00:12:43.145224191Z", "2026-12-05T23:30:52Z"),
		"after 2262":              withTimes(id, `{}`, "2026-12-05T23:30:52Z", "2262-04-11T23:47:16.854775808Z"),
		"the int64 extremes":      withTimes(id, `{}`, "1677-09-21T00:12:43.145224192Z", "2262-04-11T23:47:16.854775807Z"),
		"finished before started": withTimes(id, `{}`, "2026-12-05T23:30:53Z", "2026-12-05T23:30:52.5Z"),
		"month 13":                withTimes(id, `{}`, "2026-13-05T23:30:52Z", "2026-12-05T23:30:52Z"),
		"February 30":             withTimes(id, `{}`, "2026-02-30T23:30:52Z", "2026-12-05T23:30:52Z"),
		"a leap second":           withTimes(id, `{}`, "2016-12-31T23:59:60Z", "2026-12-05T23:30:52Z"),
		"signs in digits":         withTimes(id, `{}`, "+026-12-05T23:30:52Z", "2026-12-05T23:30:-2Z"),
		"a timestamp in a string": withTimes(id, `{"note":",\"startedAt\":\"2026-12-05T23:30:52Z\",\"finishedAt\":\"x\"}"}`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"),
		"times in the payload":    withTimes(id, `{"x":{"startedAt":"2026-12-05T23:30:52Z","finishedAt":"2026-12-05T23:30:52Z"}}`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"),
		"a tail then more":        withTimes(id, `{}`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z") + ` `,
		"a tail without its end":  strings.TrimSuffix(withTimes(id, `{}`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"), `}`),
		"an upper-case Sid":       withTimes(id, `{"Sid":"SM5F594B4E62F04AE241910C4AB3A11B69"}`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"),
		"a short Sid":             withTimes(id, `{"Sid":"SM5f594b4e62f04ae241910c4ab3a11b6"}`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"),
		"a long Sid":              withTimes(id, `{"Sid":"SM5f594b4e62f04ae241910c4ab3a11b691"}`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"),
		"a Sid at the end":        `{"taskId":"t1","x":"SM5f594b4e62f04ae241910c4ab3a11b69"`,
		"fragments in a string":   withTimes(id, `"\"entity\":\"\",\"status\":\"\"Sid\":"`, "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"),
		"invalid UTF-8":           withTimes(id, "\"\xff\xfe\"", "2026-12-05T23:30:52Z", "2026-12-05T23:30:53Z"),
		"longer than compactMax":  long,
		"as long as compactMax":   padded(compactMax),
	}
	// What is left as given when a timestamp is not the worker's, or a Sid
	// not Twilio's: the rest is still compacted.
	partly := []string{"an offset", "lower-case z", "a space for T", "an empty fraction", "ten fraction digits",
		"signs in digits", "an upper-case Sid", "a short Sid", "a long Sid", "a tail then more", "a tail without its end"}
	// What round-trips in full though it may not look it.
	compact := []string{"the int64 extremes", "finished before started", "a timestamp in a string",
		"times in the payload", "fragments in a string", "invalid UTF-8", "as long as compactMax"}
	for name, result := range cases {
		t.Run(name, func(t *testing.T) {
			form := roundTrip(t, id, []byte(result))
			if slices.Contains(partly, name) || slices.Contains(compact, name) {
				if !isCompact(form) {
					t.Errorf("stored as %q, want it compact", form)
				}
			}
			if slices.Contains(compact, name) && len(form) > len(result)-60 {
				t.Errorf("stored as %q, want the timestamps compacted too", form)
			}
		})
	}
	if form := storedForm(id, []byte(long)); form != long {
		t.Errorf("a result longer than compactMax is stored as %q, want it as given", form)
	}
	if got := expandResult(id, storedForm(id, nil)); got == nil || len(got) != 0 {
		t.Errorf("a nil result expands to %#v, want an empty slice that is not nil", got)
	}
}

// TestStoredFormIDs: ids that JSON escapes, or that look like the rest of
// a result, still round-trip, and results are compact either way.
func TestStoredFormIDs(t *testing.T) {
	for _, id := range []string{"t1", `a"b`, `a\b`, "<&>", "\x00", "\x01", "tab\t", "é", "\u2028", "\xff",
		`t1","entity":"x`, `",`, `{"taskId":"`, strings.Repeat("y", 2*compactMax)} {
		data := marshalResult(t, task.Result{TaskID: id, Entity: "Messages", Operation: "GET", Status: task.StatusSucceeded,
			Payload: map[string]any{}, StartedAt: "2026-12-05T23:30:52Z", FinishedAt: "2026-12-05T23:30:52.000001Z"})
		if form := roundTrip(t, id, data); len(data) <= compactMax && !isCompact(form) {
			t.Errorf("id %q: %s is stored as %q, want it compact", id, data, form)
		}
		// Another id's result, stored under this id.
		roundTrip(t, id, []byte(strings.Replace(briefResult, "bench-0000123", "t1", 1)))
	}
}

// TestMemoryResultRoundTrip: what the store hands back (a Done claim's
// Result, Finish's earlier result) is exactly what Finish was given.
func TestMemoryResultRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := NewMemory(nil)
	storeRoundTrip(t, s, ctx, "bench-0000123", []byte(briefResult))
	for i, result := range []string{briefResult, "", `"r"`, "\x00x", withTimes("x", "{}", "2026-12-05T23:30:52+01:00", "")} {
		storeRoundTrip(t, s, ctx, fmt.Sprint("id-", i), []byte(result))
	}
}

// storeRoundTrip finishes id with result on s and checks what Begin and a
// second Finish hand back.
func storeRoundTrip(t testing.TB, s *Memory, ctx context.Context, id string, result []byte) {
	t.Helper()
	if earlier, err := s.Finish(ctx, id, result, time.Hour); err != nil || earlier != nil {
		t.Fatalf("Finish(%q, %q) = %q, %v; want nil, nil", id, result, earlier, err)
	}
	if c, err := s.Begin(ctx, id, time.Minute); err != nil || c.State != Done || c.Result == nil || !bytes.Equal(c.Result, result) {
		t.Fatalf("Begin(%q) = %+v, %v; want Done with %q", id, c, err, result)
	}
	if earlier, err := s.Finish(ctx, id, []byte(`"other"`), time.Hour); err != nil || earlier == nil || !bytes.Equal(earlier, result) {
		t.Fatalf("second Finish(%q) = %q, %v; want %q", id, earlier, err, result)
	}
}

// TestMemoryCountsStoredForm: the byte bound counts the stored form, not
// the result as given.
func TestMemoryCountsStoredForm(t *testing.T) {
	s := NewMemory(nil)
	if _, err := s.Finish(context.Background(), "bench-0000123", []byte(briefResult), time.Hour); err != nil {
		t.Fatal(err)
	}
	want := entryOverhead + len(storedForm("bench-0000123", []byte(briefResult)))
	if s.bytes != want || want >= entryOverhead+len(briefResult)/4 {
		t.Errorf("bytes = %d, want %d, under a quarter of the result's %d bytes besides the entry", s.bytes, want, len(briefResult))
	}
}

// TestStoredFormAllocations: encoding allocates only the stored string,
// and expanding only the result.
func TestStoredFormAllocations(t *testing.T) {
	result := []byte(briefResult)
	var form string
	if n := testing.AllocsPerRun(100, func() { form = storedForm("bench-0000123", result) }); n != 1 {
		t.Errorf("storedForm: %v allocations, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { expandResult("bench-0000123", form) }); n != 1 {
		t.Errorf("expandResult: %v allocations, want 1", n)
	}
}

func BenchmarkStoredForm(b *testing.B) {
	result := []byte(briefResult)
	b.ReportAllocs()
	for range b.N {
		storedForm("bench-0000123", result)
	}
}

func BenchmarkExpandResult(b *testing.B) {
	form := storedForm("bench-0000123", []byte(briefResult))
	b.ReportAllocs()
	for range b.N {
		expandResult("bench-0000123", form)
	}
}

// FuzzCompactResult: any result, stored for any id, comes back byte for
// byte, from the codec and from a Memory store.
func FuzzCompactResult(f *testing.F) {
	f.Add("bench-0000123", []byte(briefResult))
	f.Add("t1", []byte(withTimes("t1", `{"Sid":"SM5f594b4e62f04ae241910c4ab3a11b69"}`, "2026-12-05T23:30:52.1Z", "2026-12-05T23:30:52Z")))
	f.Add(`a"b`, marshalResult(f, task.Result{TaskID: `a"b`, Status: task.StatusFailed, DeliveryAttempt: 3,
		Error: &task.ErrorInfo{Code: "INTERNAL", Message: "m", Retryable: true}, StartedAt: "2026-12-05T23:30:52Z", FinishedAt: "x"}))
	f.Add("x", []byte(""))
	f.Add("x", []byte("\x00"))
	f.Add("x", []byte(`{"taskId":"x"`+"\x03\x00\x00\x00\x00\x00\x00\x00\x00\x01}"))
	f.Add("t1", []byte(withTimes("t1", `{}`, "1677-09-21T00:12:43.145224191Z", "2262-04-11T23:47:16.854775808Z")))
	f.Fuzz(func(t *testing.T, id string, result []byte) {
		form := roundTrip(t, id, result)
		if len(form) > len(result)+1 {
			t.Fatalf("%q stored in %d bytes, more than its %d and a marker", result, len(form), len(result))
		}
		if id != "" {
			storeRoundTrip(t, NewMemory(nil, WithTombstones(1)), context.Background(), id, result)
		}
	})
}

// TestCompactControlBytesBounded: a result whose own control bytes read as
// codes (not one the worker writes) is checked at a bounded cost, however
// long the task id, and still stored exactly.
func TestCompactControlBytesBounded(t *testing.T) {
	id := strings.Repeat("i", 100_000)
	result := []byte(`{"taskId":"` + strings.Repeat("\x01", 1000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	form := storedForm(id, result)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("storing a %d-byte result allocated %d bytes; want it bounded by the result", len(result), n)
	}
	if got := expandResult(id, form); !bytes.Equal(got, result) {
		t.Errorf("round trip changed the result: %q", got)
	}
}
