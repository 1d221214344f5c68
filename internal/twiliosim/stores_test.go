package twiliosim_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// rowSids lists the key field of the rows under listKey in a list answer.
func rowSids(t *testing.T, a answer, listKey, field string) []string {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("list: %d %v", a.status, a.body)
	}
	rows, _ := a.body[listKey].([]any)
	out := []string{}
	for _, r := range rows {
		v, _ := r.(map[string]any)[field].(string)
		out = append(out, v)
	}
	return out
}

// sharedStores: a recording made through a call is one of the account's
// recordings, each path renders it in its own schema, and a delete through
// one path removes it from all; a number bought through Local.json is an
// incoming phone number.
func sharedStores(t *testing.T, e *env) {
	a := e.do(t, http.MethodPost, accountURI+"/Calls/"+fixtureCall+"/Recordings.json", url.Values{})
	sid, _ := a.body["sid"].(string)
	if a.status != http.StatusCreated || !strings.HasPrefix(sid, "RE") || a.body["call_sid"] != fixtureCall {
		t.Fatalf("create call recording: %d %v", a.status, a.body)
	}
	all := rowSids(t, e.do(t, http.MethodGet, accountURI+"/Recordings.json", nil), "recordings", "sid")
	if !slices.Contains(all, sid) || !slices.Contains(all, fixtureRecording) {
		t.Errorf("Recordings.json lists %v, want the call recording %s and the fixture", all, sid)
	}
	got := e.do(t, http.MethodGet, accountURI+"/Recordings/"+sid+".json", nil)
	if got.status != http.StatusOK || got.body["uri"] != accountURI+"/Recordings/"+sid+".json" {
		t.Errorf("fetch through Recordings: %d %v", got.status, got.body)
	}
	top := e.do(t, http.MethodGet, accountURI+"/Recordings/"+fixtureRecording+".json", nil)
	underCall := e.do(t, http.MethodGet, accountURI+"/Calls/"+fixtureCall+"/Recordings/"+fixtureRecording+".json", nil)
	if top.body["price"] != "-0.0025" || underCall.body["price"] != -0.0025 {
		t.Errorf("price %#v through Recordings and %#v through CallRecordings, want each schema's type", top.body["price"], underCall.body["price"])
	}
	if other := rowSids(t, e.do(t, http.MethodGet, accountURI+"/Calls/"+fixtureCall2+"/Recordings.json", nil), "recordings", "sid"); !slices.Equal(other, []string{otherRecording}) {
		t.Errorf("recordings of %s: %v, want only %s", fixtureCall2, other, otherRecording)
	}
	if a := e.do(t, http.MethodDelete, accountURI+"/Calls/"+fixtureCall+"/Recordings/"+sid+".json", nil); a.status != http.StatusNoContent {
		t.Fatalf("delete call recording: %d %v", a.status, a.body)
	}
	wantError(t, e.do(t, http.MethodGet, accountURI+"/Recordings/"+sid+".json", nil), 404, 20404)
	localNumber(t, e)
}

// localNumber: IncomingPhoneNumbers/Local.json buys an incoming phone number
// whose uri is its instance under IncomingPhoneNumbers.
func localNumber(t *testing.T, e *env) {
	a := e.do(t, http.MethodPost, accountURI+"/IncomingPhoneNumbers/Local.json", url.Values{"PhoneNumber": {"+14155550199"}})
	sid, _ := a.body["sid"].(string)
	want := accountURI + "/IncomingPhoneNumbers/" + sid + ".json"
	if a.status != http.StatusCreated || a.body["uri"] != want || a.body["emergency_status"] != "Inactive" {
		t.Fatalf("buy a local number: %d %v", a.status, a.body)
	}
	if got := e.do(t, http.MethodGet, want, nil); got.status != http.StatusOK || got.body["phone_number"] != "+14155550199" {
		t.Errorf("fetch the local number: %d %v", got.status, got.body)
	}
	if n := len(e.sim.Rows("incoming_phone_numbers")); n != 2 {
		t.Errorf("%d incoming phone numbers, want the fixture and the local one", n)
	}
}

// parentFixtures: media of two messages, a conference, a SIP domain.
const parentFixtures = `{
 "messages": [{"sid": "SM000000000000000000000000000000b1", "to": "+15550001111"}],
 "media_list": [
  {"sid": "ME000000000000000000000000000000a1", "parent_sid": "SM3ad97d41e786c02bca47c8ce1745053b", "content_type": "image/png"},
  {"sid": "ME000000000000000000000000000000a2", "parent_sid": "SM3ad97d41e786c02bca47c8ce1745053b", "content_type": "image/gif"},
  {"sid": "ME000000000000000000000000000000b1", "parent_sid": "SM000000000000000000000000000000b1", "content_type": "image/jpeg"}],
 "conferences": [{"sid": "CF000000000000000000000000000000c1"}],
 "domains": [{"sid": "SD000000000000000000000000000000d1"}, {"sid": "SD000000000000000000000000000000d2"}]
}`

// parentScoping: a parent placeholder scopes lists, fetches and deletes,
// and a create under a missing parent is a 404.
func parentScoping(t *testing.T, e *env) {
	loadString(t, e, parentFixtures)
	msgA, msgB := accountURI+"/Messages/SM3ad97d41e786c02bca47c8ce1745053b", accountURI+"/Messages/SM000000000000000000000000000000b1"
	if got := rowSids(t, e.do(t, http.MethodGet, msgA+"/Media.json", nil), "media_list", "sid"); len(got) != 2 {
		t.Errorf("media of message A: %v, want its two", got)
	}
	if got := rowSids(t, e.do(t, http.MethodGet, msgB+"/Media.json", nil), "media_list", "sid"); !slices.Equal(got, []string{"ME000000000000000000000000000000b1"}) {
		t.Errorf("media of message B: %v, want only its own", got)
	}
	wantError(t, e.do(t, http.MethodGet, msgB+"/Media/ME000000000000000000000000000000a1.json", nil), 404, 20404)
	wantError(t, e.do(t, http.MethodDelete, msgB+"/Media/ME000000000000000000000000000000a1.json", nil), 404, 20404)
	join := url.Values{"From": {"+15017122661"}, "To": {"+15558675310"}}
	wantError(t, e.do(t, http.MethodPost, accountURI+"/Conferences/CF000000000000000000000000000000ff/Participants.json", join), 404, 20404)
	a := e.do(t, http.MethodPost, accountURI+"/Conferences/CF000000000000000000000000000000c1/Participants.json", join)
	if a.status != http.StatusCreated || a.body["conference_sid"] != "CF000000000000000000000000000000c1" || !strings.HasPrefix(a.body["call_sid"].(string), "CA") {
		t.Errorf("join the conference: %d %v", a.status, a.body)
	}
	wantError(t, e.do(t, http.MethodPost, accountURI+"/Calls/CA000000000000000000000000000000ff/Recordings.json", url.Values{}), 404, 20404)
	hiddenParent(t, e)
}

// hiddenParent: the SIP auth mappings have no domain_sid in their schema,
// yet a mapping belongs to its domain, and calls and registrations keep
// their own mappings though Twilio lists both as "contents".
func hiddenParent(t *testing.T, e *env) {
	d1, d2 := accountURI+"/SIP/Domains/SD000000000000000000000000000000d1", accountURI+"/SIP/Domains/SD000000000000000000000000000000d2"
	cl := "CL000000000000000000000000000000e1"
	a := e.do(t, http.MethodPost, d1+"/Auth/Calls/CredentialListMappings.json", url.Values{"CredentialListSid": {cl}})
	if a.status != http.StatusCreated || a.body["sid"] != cl {
		t.Fatalf("map a credential list: %d %v", a.status, a.body)
	}
	if _, leaked := a.body["domain_sid"]; leaked {
		t.Error("domain_sid is not in the mapping's schema and must not be rendered")
	}
	for path, want := range map[string]int{
		d1 + "/Auth/Calls/CredentialListMappings.json":         1,
		d2 + "/Auth/Calls/CredentialListMappings.json":         0,
		d1 + "/Auth/Registrations/CredentialListMappings.json": 0,
	} {
		if got := rowSids(t, e.do(t, http.MethodGet, path, nil), "contents", "sid"); len(got) != want {
			t.Errorf("%s lists %v, want %d", path, got, want)
		}
	}
}

// membersFixtures: one call waiting in each of two queues.
const membersFixtures = `{
 "queues": [{"sid": "QU000000000000000000000000000000a1"}, {"sid": "QU000000000000000000000000000000a2"}],
 "queue_members": [
  {"queue_sid": "QU000000000000000000000000000000a1", "call_sid": "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6", "position": 1, "wait_time": 30},
  {"queue_sid": "QU000000000000000000000000000000a2", "call_sid": "CAdefbf2b4caa7df11dc48106385e32345"}]
}`

// nonSidKeys: Members are keyed by their call, within their queue;
// available countries by country code.
func nonSidKeys(t *testing.T, e *env) {
	loadString(t, e, membersFixtures)
	q1 := accountURI + "/Queues/QU000000000000000000000000000000a1/Members/"
	a := e.do(t, http.MethodGet, q1+fixtureCall+".json", nil)
	if a.status != http.StatusOK || a.body["call_sid"] != fixtureCall || a.body["wait_time"] != 30.0 || a.body["uri"] != q1+fixtureCall+".json" {
		t.Errorf("member by call sid: %d %v", a.status, a.body)
	}
	wantError(t, e.do(t, http.MethodGet, q1+fixtureCall2+".json", nil), 404, 20404) // waits in the other queue
	a = e.do(t, http.MethodPost, q1+fixtureCall+".json", url.Values{"Url": {"https://example.com/dequeue"}})
	if a.status != http.StatusOK || a.body["queue_sid"] != "QU000000000000000000000000000000a1" {
		t.Errorf("dequeue: %d %v", a.status, a.body)
	}
	loadString(t, e, `{"countries": [{"country_code": "GB", "country": "United Kingdom"}]}`)
	a = e.do(t, http.MethodGet, accountURI+"/AvailablePhoneNumbers/GB.json", nil)
	if a.status != http.StatusOK || a.body["country"] != "United Kingdom" {
		t.Errorf("country by code: %d %v", a.status, a.body)
	}
}

// loadString loads fixtures given inline.
func loadString(t *testing.T, e *env, doc string) {
	t.Helper()
	if err := e.sim.LoadFixtures(strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
}
