package twiliosim_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// TestFixtureErrors: a bad fixture names where it is wrong, and loads
// nothing.
func TestFixtureErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, doc string
		mentions  []string
	}{
		{"not an object", `[]`, []string{"JSON object"}},
		{"trailing data", `{} {}`, []string{"after the JSON value"}},
		{"unknown key", `{"sms": []}`, []string{`"sms"`, "allowed keys", "messages", "feedback", "feedback_summaries", "outgoing_caller_ids"}},
		{"not an array", `{"calls": {}}`, []string{"calls", "array"}},
		{"bad sid", `{"recordings": [{"sid": "CA2e915e78549694bd0a0742d2d39454e5"}]}`, []string{"recordings[0].sid", "^RE[0-9a-fA-F]{32}$"}},
		{"unknown nested field", `{"incoming_phone_numbers": [{"capabilities": {"rcs": true}}]}`, []string{"capabilities.rcs"}},
		{"wrong type", `{"messages": [{"num_segments": {"n": 1}}]}`, []string{"messages[0].num_segments", "want a string"}},
		{"unconvertible", `{"recordings": [{"channels": "two"}]}`, []string{"recordings[0].channels", "want an integer"}},
		{"bad enum", `{"calls": [{"status": "done"}]}`, []string{"calls[0].status", `"done"`, "no-answer"}},
		{"bad timestamp", `{"calls": [{"date_created": "yesterday"}]}`, []string{"date_created", "RFC 2822"}},
		{"bad date", `{"feedback_summaries": [{"start_date": "2014/06/01"}]}`, []string{"start_date", "YYYY-MM-DD"}},
		{"duplicate sid", `{"calls": [{"sid": "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"}, {"sid": "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"}]}`, []string{"calls[1]", "row 0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim := twiliosim.New(twiliosim.Config{})
			doc := `{"outgoing_caller_ids": [{"phone_number": "+15550000000"}], ` + strings.TrimPrefix(c.doc, "{")
			if !strings.HasPrefix(c.doc, "{") || c.doc == "{} {}" {
				doc = c.doc
			}
			err := sim.LoadFixtures(strings.NewReader(doc))
			if err == nil {
				t.Fatal("LoadFixtures accepted a bad fixture")
			}
			for _, m := range c.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if n := len(sim.Rows("outgoing_caller_ids")); n != 0 {
				t.Errorf("a failed load stored %d rows", n)
			}
		})
	}
}

// TestFixtureLeniency: hand-written fixtures may use the other JSON type for
// a scalar, and may carry fields the spec does not declare.
func TestFixtureLeniency(t *testing.T) {
	t.Parallel()
	sim := twiliosim.New(twiliosim.Config{})
	doc := `{"messages": [{"num_segments": 2, "price": -0.0075, "tags": ["a"]}], "recordings": [{"channels": "2"}]}`
	if err := sim.LoadFixtures(strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	m := sim.Rows("messages")[0]
	if m["num_segments"] != "2" || m["price"] != "-0.0075" || m["tags"] == nil {
		t.Errorf("message row %v", m)
	}
	if r := sim.Rows("recordings")[0]; fmt.Sprint(r["channels"]) != "2" {
		t.Errorf("recording channels %v (%T)", r["channels"], r["channels"])
	}
}

// TestFixtureDefaults: fields left out get a created row's defaults, and the
// row serves through the API.
func TestFixtureDefaults(t *testing.T) {
	t.Parallel()
	sim := twiliosim.New(twiliosim.Config{Now: func() time.Time { return clock }, AccountSID: accountSID})
	doc := `{"messages": [{"to": "+15558675310", "num_media": null}], "incoming_phone_numbers": [{}], "recordings": [{}]}`
	if err := sim.LoadFixtures(strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	m := sim.Rows("messages")[0]
	want := map[string]any{"to": "+15558675310", "status": "queued", "direction": "outbound-api", "num_segments": "1",
		"num_media": "0", "date_created": clockRFC2822, "date_updated": clockRFC2822, "api_version": "2010-04-01", "account_sid": accountSID}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("default %s = %v, want %v", k, m[k], v)
		}
	}
	if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(m["sid"].(string)) {
		t.Errorf("generated sid %v", m["sid"])
	}
	n := sim.Rows("incoming_phone_numbers")[0]
	if n["emergency_status"] != "Inactive" || n["capabilities"].(map[string]any)["sms"] != true || n["friendly_name"] != n["phone_number"] {
		t.Errorf("number defaults %v", n)
	}
	e := newEnv(t, sim, nil)
	a := e.do(t, http.MethodGet, accountURI+"/Recordings/"+sim.Rows("recordings")[0]["sid"].(string)+".json", nil)
	if a.status != http.StatusOK || a.body["status"] != "completed" || a.body["conference_sid"] != nil {
		t.Errorf("recording from defaults: %d %v", a.status, a.body)
	}
	if _, present := a.body["conference_sid"]; !present {
		t.Error("a null field must still be present in the response")
	}
}

// TestSeedIsDeterministic: the same seed gives the same SIDs.
func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	sid := func() string {
		sim := twiliosim.New(twiliosim.Config{Seed: 42})
		if err := sim.LoadFixtures(strings.NewReader(`{"calls": [{}]}`)); err != nil {
			t.Fatal(err)
		}
		return sim.Rows("calls")[0]["sid"].(string)
	}
	if a, b := sid(), sid(); a != b {
		t.Errorf("seed 42 gave %s then %s", a, b)
	}
}

// TestFixtureKeys: shared stores have one key, list-less entities have
// their documented keys, and Twilio's generic "contents" is split.
func TestFixtureKeys(t *testing.T) {
	t.Parallel()
	keys := twiliosim.New(twiliosim.Config{}).FixtureKeys()
	for _, want := range []string{"recordings", "incoming_phone_numbers", "usage_records", "available_phone_numbers",
		"transcriptions", "notifications", "feedback", "feedback_summaries", "call_annotations", "message_feedback",
		"balance", "tokens", "payments", "siprec", "streams", "call_transcriptions", "user_defined_messages",
		"user_defined_message_subscriptions", "sip_auth_calls_credential_list_mappings", "accounts", "services"} {
		if !slices.Contains(keys, want) {
			t.Errorf("FixtureKeys lacks %q", want)
		}
	}
	for _, unwanted := range []string{"contents", "call_recordings", "incoming_phone_numbers_local", "usage_records_daily"} {
		if slices.Contains(keys, unwanted) {
			t.Errorf("FixtureKeys has %q", unwanted)
		}
	}
}

// TestFixtureOtherKeys: keys other than sid are checked for duplicates and
// patterns, untyped fields take any JSON, hidden parent fields are kept.
func TestFixtureOtherKeys(t *testing.T) {
	t.Parallel()
	sim := twiliosim.New(twiliosim.Config{})
	dup := `{"queue_members": [{"call_sid": "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"}, {"call_sid": "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"}]}`
	if err := sim.LoadFixtures(strings.NewReader(dup)); err == nil || !strings.Contains(err.Error(), "queue_members[1]: call_sid") {
		t.Errorf("duplicate member: %v", err)
	}
	bad := `{"authorized_connect_apps": [{"connect_app_sid": "AP0123456789abcdef0123456789abcdef"}]}`
	if err := sim.LoadFixtures(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "^CN") {
		t.Errorf("connect app of the wrong kind: %v", err)
	}
	ok := `{"events": [{"call_sid": "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6", "request": {"method": "POST"}, "response": "raw"}],
	 "queue_members": [{"queue_sid": "QU0123456789abcdef0123456789abcdef"}]}`
	if err := sim.LoadFixtures(strings.NewReader(ok)); err != nil {
		t.Fatal(err)
	}
	ev := sim.Rows("events")[0]
	if ev["call_sid"] != fixtureCall || ev["request"].(map[string]any)["method"] != "POST" {
		t.Errorf("event row %v", ev)
	}
	if m := sim.Rows("queue_members")[0]; !strings.HasPrefix(m["call_sid"].(string), "CA") || m["position"] != int64(1) {
		t.Errorf("member defaults %v", m)
	}
}
