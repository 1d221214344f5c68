package twiliosim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// clockRFC2822 is clock as Twilio writes it.
const clockRFC2822 = "Mon, 10 Jun 2024 12:00:00 +0000"

// messagesLifecycle is documented examples 6 and 7 and the rest of a
// message's life, through the typed client.
func messagesLifecycle(t *testing.T, e *env) {
	m, err := e.api.CreateMessage((&openapi.CreateMessageParams{}).
		SetTo("whatsapp:+91789230000").SetFrom("whatsapp:+14155238886").SetBody("Message is sent from Google Cloud"))
	if err != nil {
		t.Fatalf("CreateMessage: %v", err)
	}
	sid := *m.Sid
	if !strings.HasPrefix(sid, "SM") || len(sid) != 34 {
		t.Errorf("sid %q, want SM and 32 hex digits", sid)
	}
	want := map[string]string{"status": "queued", "direction": "outbound-api", "body": "Message is sent from Google Cloud",
		"account_sid": accountSID, "date_created": clockRFC2822, "num_segments": "1", "num_media": "0",
		"uri": accountURI + "/Messages/" + sid + ".json", "api_version": "2010-04-01"}
	got := map[string]string{"status": *m.Status, "direction": *m.Direction, "body": *m.Body, "account_sid": *m.AccountSid,
		"date_created": *m.DateCreated, "num_segments": *m.NumSegments, "num_media": *m.NumMedia, "uri": *m.Uri, "api_version": *m.ApiVersion}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("created message (-want +got):\n%s", diff)
	}
	fetched, err := e.api.FetchMessage(sid, nil)
	if err != nil {
		t.Fatalf("FetchMessage: %v", err)
	}
	if diff := cmp.Diff(m, fetched); diff != "" {
		t.Errorf("fetched differs from created (-created +fetched):\n%s", diff)
	}
	list, err := e.api.ListMessage(&openapi.ListMessageParams{PageSize: ptr(50), Limit: ptr(100)})
	if err != nil {
		t.Fatalf("ListMessage: %v", err)
	}
	if got, want := sids(list, func(m openapi.ApiV2010Message) string { return *m.Sid }), []string{sid, "SM3ad97d41e786c02bca47c8ce1745053b"}; !cmp.Equal(got, want) {
		t.Errorf("listed %v, want %v (newest first)", got, want)
	}
	redactAndDelete(t, e, sid)
}

// redactAndDelete is documented example 7 (Body "" redacts), then a delete.
func redactAndDelete(t *testing.T, e *env, sid string) {
	upd, err := e.api.UpdateMessage(sid, (&openapi.UpdateMessageParams{}).SetBody(""))
	if err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}
	if upd.Body == nil || *upd.Body != "" {
		t.Errorf("body after redaction = %v, want empty", upd.Body)
	}
	for _, row := range e.sim.Rows("messages") {
		if row["sid"] == sid && row["body"] != "" {
			t.Errorf("stored body after redaction = %q, want empty", row["body"])
		}
	}
	if err := e.api.DeleteMessage(sid, nil); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	_, err = e.api.FetchMessage(sid, nil)
	wantTwilioError(t, err, http.StatusNotFound, 20404)
	wantTwilioError(t, e.api.DeleteMessage(sid, nil), http.StatusNotFound, 20404)
}

// messageTestNumbers checks Twilio's magic numbers answer as with test
// credentials, and create nothing.
func messageTestNumbers(t *testing.T, e *env) {
	cases := []struct {
		to, from string
		code     int
	}{
		{"+15005550001", "+15005550006", 21211},
		{"+15005550002", "+15005550006", 21612},
		{"+15005550003", "+15005550006", 21408},
		{"+15005550004", "+15005550006", 21610},
		{"+15005550009", "+15005550006", 21614},
		{"+15558675310", "+15005550001", 21212},
		{"+15558675310", "+15005550007", 21606},
		{"+15558675310", "+15005550008", 21611},
	}
	for _, c := range cases {
		_, err := e.api.CreateMessage((&openapi.CreateMessageParams{}).SetTo(c.to).SetFrom(c.from).SetBody("test"))
		wantTwilioError(t, err, http.StatusBadRequest, c.code)
	}
	if _, err := e.api.CreateMessage((&openapi.CreateMessageParams{}).SetTo("+15558675310").SetFrom("+15005550006").SetBody("ok")); err != nil {
		t.Errorf("From +15005550006 is the success number: %v", err)
	}
	if n := len(e.sim.Rows("messages")); n != 2 {
		t.Errorf("%d messages stored, want the fixture and the one success", n)
	}
}

// messageRules checks the content rules of a create that the spec leaves
// optional, with spec-valid requests.
func messageRules(t *testing.T, e *env) {
	path := accountURI + "/Messages.json"
	wantError(t, e.do(t, http.MethodPost, path, url.Values{"To": {"+15558675310"}, "Body": {"hi"}}), 400, 21603, "From")
	wantError(t, e.do(t, http.MethodPost, path, url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}}), 400, 21602, "body")
	messageBodyLimit(t, e, path)
	a := e.do(t, http.MethodPost, path, url.Values{"To": {"+15558675310"}, "MessagingServiceSid": {"MG0123456789abcdef0123456789abcdef"},
		"MediaUrl": {"https://example.com/a.png", "https://example.com/b.png"}})
	if a.status != http.StatusCreated || a.body["status"] != "accepted" || a.body["num_media"] != "2" || a.body["from"] != nil {
		t.Errorf("create through a Messaging Service: %d %v", a.status, a.body)
	}
	a = e.do(t, http.MethodPost, accountURI+"/Messages/"+a.body["sid"].(string)+".json", url.Values{"Status": {"canceled"}})
	if a.status != http.StatusOK || a.body["status"] != "canceled" {
		t.Errorf("cancel: %d %v", a.status, a.body)
	}
}

// messageBodyLimit: Twilio refuses a Body over 1600 characters with 21617
// and stores nothing; it counts characters, not bytes.
func messageBodyLimit(t *testing.T, e *env, path string) {
	before := len(e.sim.Rows("messages"))
	for _, body := range []string{strings.Repeat("a", 1601), strings.Repeat("x", 2<<20), strings.Repeat("é", 1601)} {
		wantError(t, e.do(t, http.MethodPost, path, url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {body}}),
			400, 21617, "The concatenated message body exceeds the 1600 character limit")
	}
	if n := len(e.sim.Rows("messages")); n != before {
		t.Errorf("%d messages stored after refused bodies, want %d", n, before)
	}
	a := e.do(t, http.MethodPost, path, url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {strings.Repeat("é", 1600)}})
	if a.status != http.StatusCreated || a.body["num_segments"] != "11" {
		t.Errorf("1600 two-byte characters: %d %v, want created in 11 segments", a.status, a.body["num_segments"])
	}
}

// sids maps rows to their sids.
func sids[T any](rows []T, sid func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = sid(r)
	}
	return out
}
