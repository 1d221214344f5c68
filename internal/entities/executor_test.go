package entities_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// The worker hands an *Executor to handler.New (cmd/worker/pipeline.go).
var _ handler.Ops = (*entities.Executor)(nil)

// expected lists message sids matching pred in Twilio's order (newest
// first), computed from the fixture values, not through the filter package.
func expected(msgs []msg, pred func(msg) bool) []string {
	var out []msg
	for _, m := range msgs {
		if pred(m) {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Sent.After(out[j].Sent) })
	s := make([]string, len(out))
	for i, m := range out {
		s[i] = m.Sid
	}
	return s
}

func TestListFilters(t *testing.T) {
	msgs, fx := messageFixtures(40)
	e := newEnv(t, fx)
	day := func(m msg) string { return m.Sent.Format(time.DateOnly) }
	cases := []struct {
		clause string
		pred   func(msg) bool
	}{
		{"", func(msg) bool { return true }},
		{"To = '+15550000003'", func(m msg) bool { return m.To == "+15550000003" }},
		{"Sender = '+15005550006' AND Status = 'failed'", func(m msg) bool { return m.From == "+15005550006" && m.Status == "failed" }},
		{"status = 'sent' and to = '+15550000001'", func(m msg) bool { return m.Status == "sent" && m.To == "+15550000001" }},
		{"DateSent = '2024-03-03'", func(m msg) bool { return day(m) == "2024-03-03" }},
		{"DateSent >= '2024-03-05' AND Sender = '+15017122661'", func(m msg) bool { return day(m) >= "2024-03-05" && m.From == "+15017122661" }},
		{"DateSent < '2024-03-02T20:00:00Z'", func(m msg) bool { return m.Sent.Before(time.Date(2024, 3, 2, 20, 0, 0, 0, time.UTC)) }},
		{"To = '+15550000001' AND To = '+15550000002'", func(msg) bool { return false }},
		{"Sid = 'SM00000000000000000000000000000007'", func(m msg) bool { return m.Sid == "SM00000000000000000000000000000007" }},
		{"SM00000000000000000000000000000008", func(m msg) bool { return m.Sid == "SM00000000000000000000000000000008" }},
		{"Sid = 'SM00000000000000000000000000000009' AND Status = 'sent'", func(msg) bool { return false }},
		{"Body LIKE 'message 1%' OR NumSegments = '3'", func(m msg) bool { return strings.HasPrefix(m.Body, "message 1") || m.Segments == "3" }},
		{"NOT Status IN ('delivered', 'sent')", func(m msg) bool { return m.Status != "delivered" && m.Status != "sent" }},
	}
	for _, c := range cases {
		t.Run(c.clause, func(t *testing.T) {
			taskJSON := fmt.Sprintf(`{"entity":"Messages","operation":"LIST","listEntitiesPageSize":1000,"filterClause":%q}`, c.clause)
			out := e.ok(t, taskJSON)
			if got, want := sids(t, out.Payload), expected(msgs, c.pred); !slices.Equal(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
			if out.NextPageToken != "" {
				t.Errorf("unexpected next page token")
			}
		})
	}
}

// TestPagingWalksEveryRowOnce walks every page for several page sizes and
// filters that drop rows client-side, and compares the concatenation with
// the expected sequence.
func TestPagingWalksEveryRowOnce(t *testing.T) {
	msgs, fx := messageFixtures(60)
	e := newEnv(t, fx)
	cases := []struct {
		clause string
		pred   func(msg) bool
	}{
		{"", func(msg) bool { return true }},
		{"Status != 'failed'", func(m msg) bool { return m.Status != "failed" }},
		{"Body LIKE '%7' AND Sender = '+15017122661'", func(m msg) bool { return strings.HasSuffix(m.Body, "7") && m.From == "+15017122661" }},
		{"NumSegments = '2'", func(m msg) bool { return m.Segments == "2" }},
	}
	for _, c := range cases {
		for _, size := range []int{1, 7, 25, 1000} {
			t.Run(fmt.Sprintf("%s/%d", c.clause, size), func(t *testing.T) {
				want := expected(msgs, c.pred)
				var got []string
				token := ""
				for page := 0; page < 100; page++ {
					taskJSON := fmt.Sprintf(`{"entity":"Messages","operation":"LIST","listEntitiesPageSize":%d,"filterClause":%q,"listEntitiesPageToken":%q}`,
						size, c.clause, token)
					out := e.ok(t, taskJSON)
					rows := sids(t, out.Payload)
					if len(rows) > size {
						t.Fatalf("page has %d rows, size is %d", len(rows), size)
					}
					got = append(got, rows...)
					if token = out.NextPageToken; token == "" {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("walked %d rows %v\nwant %d rows %v", len(got), got, len(want), want)
				}
			})
		}
	}
}

func TestPageTokenIsBoundToTheListing(t *testing.T) {
	_, fx := messageFixtures(10)
	e := newEnv(t, fx)
	out := e.ok(t, `{"entity":"Messages","operation":"LIST","listEntitiesPageSize":3}`)
	if out.NextPageToken == "" {
		t.Fatal("expected a next page token")
	}
	for _, taskJSON := range []string{
		fmt.Sprintf(`{"entity":"Messages","operation":"LIST","listEntitiesPageSize":4,"listEntitiesPageToken":%q}`, out.NextPageToken),
		fmt.Sprintf(`{"entity":"Messages","operation":"LIST","listEntitiesPageSize":3,"filterClause":"Status = 'sent'","listEntitiesPageToken":%q}`, out.NextPageToken),
		`{"entity":"Messages","operation":"LIST","listEntitiesPageToken":"not-a-token"}`,
	} {
		_, err := e.do(t, taskJSON)
		if ce, ok := codes.As(err); !ok || ce.Code != codes.InvalidArgument || !strings.Contains(ce.Message, "listEntitiesPageToken") {
			t.Errorf("%s: got %v, want INVALID_ARGUMENT about the token", taskJSON, err)
		}
	}
}

func TestKeyFilterIsOneFetch(t *testing.T) {
	_, fx := messageFixtures(5)
	e := newEnv(t, fx)
	before := len(e.sim.Requests())
	e.ok(t, `{"entity":"Messages","operation":"LIST","filterClause":"SM00000000000000000000000000000002"}`)
	reqs := e.sim.Requests()[before:]
	if len(reqs) != 1 || reqs[0].Method != "GET" || !strings.HasSuffix(reqs[0].Path, "/Messages/SM00000000000000000000000000000002.json") {
		t.Errorf("requests = %+v, want one fetch", reqs)
	}
	out := e.ok(t, `{"entity":"Messages","operation":"LIST","filterClause":"Sid = 'SM0000000000000000000000000000ffff'"}`)
	if rows := sids(t, out.Payload); len(rows) != 0 {
		t.Errorf("missing sid: got %v, want no rows", rows)
	}
}

func TestInputErrors(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct{ task, want string }{
		{`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15558675310","Senderr":"+15005550006","Body":"x"}}`, `unknown column "Senderr"`},
		{`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"Sender":"+15005550006","Body":"x"}}`, "To is required"},
		{`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":5,"Body":"x"}}`, "To must be a string"},
		{`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+1","DateCreated":"x"}}`, `column "DateCreated" is read-only`},
		{`{"entity":"Messages","operation":"UPDATE","entityId":"SM00000000000000000000000000000001","connectorInputPayload":{"Status":"sent"}}`, "allowed values are: canceled"},
		{`{"entity":"Feedback","operation":"CREATE","connectorInputPayload":{"Sid":"CAdefbf2b4caa7df11dc48106385e32345","QualityScore":"five"}}`, "QualityScore must be an integer"},
		{`{"entity":"Feedback","operation":"CREATE","connectorInputPayload":{"Sid":"XX1","QualityScore":5}}`, "must match"},
		{`{"entity":"Messages","operation":"GET","entityId":"CA00000000000000000000000000000001"}`, "not a valid Messages Sid"},
		{`{"entity":"Messages","operation":"LIST","filterClause":"Senderr = 'x'"}`, `unknown column "Senderr"`},
		{`{"entity":"Messages","operation":"LIST","filterClause":"Status = "}`, "at 1:"},
		{`{"entity":"Messages","operation":"LIST","listEntitiesSortByColumns":["DateSen"]}`, `unknown column "DateSen"`},
		{`{"entity":"Messages","operation":"LIST","listEntitiesSortByColumns":["DateSent UP"]}`, "optionally followed by DESC"},
		{`{"entity":"Media","operation":"LIST"}`, "Media needs its parent MessageSid"},
		{`{"entity":"UserDefinedMessageSubscriptions","operation":"DELETE","filterClause":"CallSid = 'CA00000000000000000000000000000001' AND Sid = 'ZY00000000000000000000000000000001'"}`, "cannot be found by filterClause"},
		{`{"entity":"Media","operation":"GET","entityId":"ME00000000000000000000000000000001"}`, "MessageSid/Sid"},
		{`{"entity":"Media","operation":"GET","entityId":"XX1/ME00000000000000000000000000000001"}`, "MessageSid"},
	}
	for _, c := range cases {
		_, err := e.do(t, c.task)
		ce, ok := codes.As(err)
		if !ok || !strings.Contains(ce.Message, c.want) {
			t.Errorf("%s:\n got %v\nwant a message containing %q", c.task, err, c.want)
		}
	}
	if n := len(e.sim.Requests()); n != 0 {
		t.Errorf("invalid input cost %d Twilio requests, want 0", n)
	}
}

func TestUnknownEntityAndOperation(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.do(t, `{"entity":"Faxes","operation":"LIST"}`)
	if ce, ok := codes.As(err); !ok || ce.Code != codes.NotFound || !strings.Contains(ce.Message, "Messages") {
		t.Errorf("unknown entity: %v", err)
	}
	_, err = e.do(t, `{"entity":"Recordings","operation":"CREATE","connectorInputPayload":{}}`)
	if ce, ok := codes.As(err); !ok || ce.Code != codes.Unimplemented || !strings.Contains(ce.Message, "LIST, GET, DELETE") {
		t.Errorf("unsupported op: %v", err)
	}
}

func TestTwilioErrorsPassThrough(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.do(t, `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15005550001","Sender":"+15005550006","Body":"x"}}`)
	var tre *client.TwilioRestError
	if !errors.As(err, &tre) || tre.Code != 21211 || tre.Status != 400 {
		t.Errorf("got %v, want Twilio 21211", err)
	}
	_, err = e.do(t, `{"entity":"Messages","operation":"GET","entityId":"SM0000000000000000000000000000dead"}`)
	if !errors.As(err, &tre) || tre.Status != 404 {
		t.Errorf("got %v, want Twilio 404", err)
	}
}

func TestCreateUpdateDeleteReadBack(t *testing.T) {
	_, fx := messageFixtures(6)
	e := newEnv(t, fx)
	out := e.ok(t, `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15558675310","From":"+15005550006","Body":"hi","MediaUrl":["https://example.com/a.png"]}}`)
	sid := out.Payload.(map[string]any)["Sid"].(string)
	row := e.ok(t, fmt.Sprintf(`{"entity":"Messages","operation":"GET","entityId":%q}`, sid)).Payload.(map[string]any)
	if row["Sender"] != "+15005550006" || row["Body"] != "hi" || row["To"] != "+15558675310" {
		t.Errorf("read back %v", row)
	}
	if out := e.ok(t, fmt.Sprintf(`{"entity":"Messages","operation":"UPDATE","entityId":%q,"connectorInputPayload":{"Body":""}}`, sid)); fmt.Sprint(out.Payload) != "map[]" {
		t.Errorf("update payload %v, want {}", out.Payload)
	}
	// Bulk delete by filter answers the keys and leaves the others.
	out = e.ok(t, `{"entity":"Messages","operation":"DELETE","filterClause":"Status = 'delivered' OR Status = 'failed'"}`)
	keys, _ := out.Payload.([]any)
	if len(keys) != 3 {
		t.Errorf("bulk delete answered %v, want 3 keys", out.Payload)
	}
	if n := len(e.sim.Rows("messages")); n != 7-3 {
		t.Errorf("%d messages left, want 4", n)
	}
	// The decoder refuses a blank clause; the executor refuses it too, in
	// case a caller builds tasks without the decoder.
	_, err := e.x.Do(context.Background(), &task.Task{Entity: "Messages", Operation: "DELETE", FilterClause: "   "})
	if ce, ok := codes.As(err); !ok || ce.Code != codes.InvalidArgument {
		t.Errorf("blank filterClause: got %v, want INVALID_ARGUMENT", err)
	}
	if n := len(e.sim.Rows("messages")); n != 4 {
		t.Errorf("%d messages left after a refused delete, want 4", n)
	}
}

func TestBulkUpdateRefusesBeyondTheCap(t *testing.T) {
	_, fx := messageFixtures(12)
	e := newEnv(t, fx)
	e.x.MaxBulkRows = 5
	_, err := e.do(t, `{"entity":"IncomingPhoneNumbers","operation":"UPDATE","filterClause":"Name LIKE '%'","connectorInputPayload":{"Name":"x"}}`)
	if err != nil {
		t.Fatalf("no numbers match, should succeed with []: %v", err)
	}
	_, err = e.do(t, `{"entity":"Messages","operation":"UPDATE","filterClause":"Body LIKE 'message%'","connectorInputPayload":{"Body":""}}`)
	if ce, ok := codes.As(err); !ok || !strings.Contains(ce.Message, "more than 5") {
		t.Errorf("got %v, want a refusal naming the cap", err)
	}
	for _, r := range e.sim.Rows("messages") {
		if r["body"] == "" {
			t.Fatal("a row was changed although the task was refused")
		}
	}
}

func TestRetiredFeedbackNamesTheSuccessor(t *testing.T) {
	e := newEnv(t, map[string]any{"calls": []any{map[string]any{"sid": "CAdefbf2b4caa7df11dc48106385e32345"}}})
	out := e.ok(t, `{"entity":"Feedback","operation":"CREATE","connectorInputPayload":{"Sid":"CAdefbf2b4caa7df11dc48106385e32345","QualityScore":4,"Issue":["dropped-call"]}}`)
	if fmt.Sprint(out.Payload) != "map[Sid:CAdefbf2b4caa7df11dc48106385e32345]" {
		t.Errorf("payload %v", out.Payload)
	}
	row := e.ok(t, `{"entity":"Feedback","operation":"GET","entityId":"CAdefbf2b4caa7df11dc48106385e32345"}`).Payload.(map[string]any)
	if fmt.Sprint(row["QualityScore"]) != "4" || fmt.Sprint(row["Issues"]) != "[dropped-call]" {
		t.Errorf("feedback row %v", row)
	}
	_, err := e.do(t, `{"entity":"Feedback","operation":"GET","entityId":"CA0000000000000000000000000000beef"}`)
	if ce, ok := codes.As(err); !ok || ce.Code != codes.NotFound || !strings.Contains(ce.Message, "Call Annotation") {
		t.Errorf("got %v, want NOT_FOUND naming the successor", err)
	}
	_, err = e.do(t, `{"entity":"FeedbackSummary","operation":"DELETE","filterClause":"Status = 'queued'"}`)
	if ce, ok := codes.As(err); !ok || ce.Code != codes.InvalidArgument || !strings.Contains(ce.Message, "no list endpoint") {
		t.Errorf("bulk delete on an entity without a list: got %v, want INVALID_ARGUMENT", err)
	}
}

// TestPagingSurvivesNewRows: rows created between two pages (they arrive
// at the top, newest first) neither repeat nor push rows out of the walk.
func TestPagingSurvivesNewRows(t *testing.T) {
	msgs, fx := messageFixtures(12)
	e := newEnv(t, fx)
	want := expected(msgs, func(msg) bool { return true })
	for _, clause := range []string{"", "Body LIKE 'message%'"} {
		var got []string
		token := ""
		for page := 0; page < 10; page++ {
			out := e.ok(t, fmt.Sprintf(`{"entity":"Messages","operation":"LIST","listEntitiesPageSize":5,"filterClause":%q,"listEntitiesPageToken":%q}`, clause, token))
			got = append(got, sids(t, out.Payload)...)
			if token = out.NextPageToken; token == "" {
				break
			}
			e.ok(t, `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15558675310","Sender":"+15005550006","Body":"new"}}`)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: walked %v\nwant %v", clause, got, want)
		}
	}
}

// TestPushdownNeverSendsWhatTwilioRefuses: a filter value outside the
// parameter's enum or pattern is evaluated on the rows instead of being
// sent (the spec checker would flag it), so the answer is just "no rows".
func TestPushdownNeverSendsWhatTwilioRefuses(t *testing.T) {
	e := newEnv(t, map[string]any{"calls": []any{
		map[string]any{"sid": "CA00000000000000000000000000000001", "status": "completed", "to": "+15550001111"},
		map[string]any{"sid": "CA00000000000000000000000000000002", "status": "busy", "to": "+15550001111"},
	}})
	cases := map[string]int{
		"Status = 'Completed'":                          0,
		"Status = 'completed'":                          1,
		"ParentCallSid = 'not-a-sid'":                   0,
		"StartTime >= '2024-01-01' AND Status = 'busy'": 0,
	}
	for clause, n := range cases {
		out := e.ok(t, fmt.Sprintf(`{"entity":"Calls","operation":"LIST","filterClause":%q}`, clause))
		if got := len(sids(t, out.Payload)); got != n {
			t.Errorf("%s: %d rows, want %d", clause, got, n)
		}
	}
}

func TestSortedPaging(t *testing.T) {
	msgs, fx := messageFixtures(30)
	e := newEnv(t, fx)
	want := expected(msgs, func(m msg) bool { return m.Status != "failed" })
	slices.Reverse(want) // expected is newest first; DateSent ascending is oldest first
	for _, sortBy := range []string{"DateSent", "datesent ASC"} {
		var got []string
		token := ""
		for page := 0; page < 20; page++ {
			out := e.ok(t, fmt.Sprintf(`{"entity":"Messages","operation":"LIST","listEntitiesPageSize":4,"filterClause":"Status != 'failed'","listEntitiesSortByColumns":[%q],"listEntitiesPageToken":%q}`, sortBy, token))
			got = append(got, sids(t, out.Payload)...)
			if token = out.NextPageToken; token == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v\nwant %v", sortBy, got, want)
		}
	}
	// Descending by a numeric-text column, ties broken by Sid.
	out := e.ok(t, `{"entity":"Messages","operation":"LIST","listEntitiesPageSize":1000,"listEntitiesSortByColumns":["NumSegments DESC"]}`)
	rows := out.Payload.([]any)
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1].(map[string]any), rows[i].(map[string]any)
		if a["NumSegments"].(string) < b["NumSegments"].(string) ||
			(a["NumSegments"] == b["NumSegments"] && a["Sid"].(string) > b["Sid"].(string)) {
			t.Fatalf("rows %d and %d out of order: %v / %v", i-1, i, a, b)
		}
	}
}

func TestActions(t *testing.T) {
	e := newEnv(t, nil)
	out := e.ok(t, `{"operation":"ACTION","action":"sendmessage","connectorInputPayload":{"To":"+15558675310","Sender":"+15005550006","Body":"hi"}}`)
	row := out.Payload.(map[string]any)
	if sid, _ := row["Sid"].(string); !strings.HasPrefix(sid, "SM") || row["Body"] != "hi" || row["Status"] == nil {
		t.Errorf("SendMessage answered %v", row)
	}
	out = e.ok(t, `{"operation":"ACTION","action":"AddOutgoingCallerIds","connectorInputPayload":{"PhoneNumber":"+14158675310","Name":"Front desk"}}`)
	row = out.Payload.(map[string]any)
	if row["PhoneNumber"] != "+14158675310" || row["ValidationCode"] == nil || row["Name"] != "Front desk" {
		t.Errorf("AddOutgoingCallerIds answered %v", row)
	}
	for taskJSON, want := range map[string]string{
		`{"operation":"ACTION","action":"Fax","connectorInputPayload":{}}`:                            "SendMessage",
		`{"operation":"ACTION","action":"AddOutgoingCallerIds","connectorInputPayload":{"Name":"x"}}`: "PhoneNumber is required",
	} {
		if _, err := e.do(t, taskJSON); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", taskJSON, err, want)
		}
	}
}

// TestNumericTextColumns: Twilio's numbers-as-strings filter and sort as
// numbers while rows keep Twilio's strings.
func TestNumericTextColumns(t *testing.T) {
	e := newEnv(t, map[string]any{"messages": []any{
		map[string]any{"sid": "SM00000000000000000000000000000001", "num_segments": "9"},
		map[string]any{"sid": "SM00000000000000000000000000000002", "num_segments": "10"},
		map[string]any{"sid": "SM00000000000000000000000000000003", "num_segments": "2"},
	}})
	out := e.ok(t, `{"entity":"Messages","operation":"LIST","filterClause":"NumSegments > 5","listEntitiesSortByColumns":["NumSegments DESC"]}`)
	if got := sids(t, out.Payload); !slices.Equal(got, []string{"SM00000000000000000000000000000002", "SM00000000000000000000000000000001"}) {
		t.Errorf("got %v, want 10 then 9", got)
	}
	if v := out.Payload.([]any)[0].(map[string]any)["NumSegments"]; v != "10" {
		t.Errorf("NumSegments = %#v, want Twilio's string \"10\"", v)
	}
}
