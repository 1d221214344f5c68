package twiliosim_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The fixture rows of documented examples 2 to 4.
const (
	fixtureCall      = "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"
	fixtureCall2     = "CAdefbf2b4caa7df11dc48106385e32345"
	fixtureRecording = "RE2e915e78549694bd0a0742d2d39454e5"
	otherRecording   = "RE00000000000000000000000000000002"
)

// calls is documented example 3 (delete), then a call's create, fetch,
// update and a filtered list.
func calls(t *testing.T, e *env) {
	if err := e.api.DeleteCall(fixtureCall, nil); err != nil {
		t.Fatalf("DeleteCall: %v", err)
	}
	_, err := e.api.FetchCall(fixtureCall, nil)
	wantTwilioError(t, err, http.StatusNotFound, 20404)
	c, err := e.api.CreateCall((&openapi.CreateCallParams{}).SetTo("+15558675310").SetFrom("+15017122661").
		SetUrl("http://demo.twilio.com/docs/voice.xml"))
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	if !strings.HasPrefix(*c.Sid, "CA") || *c.Status != "queued" || *c.To != "+15558675310" {
		t.Errorf("created call %s %s %s", *c.Sid, *c.Status, *c.To)
	}
	upd, err := e.api.UpdateCall(*c.Sid, (&openapi.UpdateCallParams{}).SetStatus("canceled"))
	if err != nil || *upd.Status != "canceled" {
		t.Fatalf("UpdateCall: %v", err)
	}
	got, err := e.api.FetchCall(*c.Sid, nil)
	if err != nil || *got.Status != "canceled" {
		t.Fatalf("FetchCall: %v", err)
	}
	list, err := e.api.ListCall((&openapi.ListCallParams{}).SetStatus("completed").SetFrom("+15017122661").SetPageSize(10).SetLimit(10))
	if err != nil {
		t.Fatalf("ListCall: %v", err)
	}
	if got := sids(list, func(c openapi.ApiV2010Call) string { return *c.Sid }); !cmp.Equal(got, []string{fixtureCall2}) {
		t.Errorf("completed calls from +15017122661: %v, want only %s", got, fixtureCall2)
	}
}

// recordings is documented examples 1 and 2, with filters and a delete.
func recordings(t *testing.T, e *env) {
	all, err := e.api.ListRecording(&openapi.ListRecordingParams{PageSize: ptr(20), Limit: ptr(20)})
	if err != nil {
		t.Fatalf("ListRecording: %v", err)
	}
	if got := sids(all, func(r openapi.ApiV2010Recording) string { return *r.Sid }); !cmp.Equal(got, []string{fixtureRecording, otherRecording}) {
		t.Errorf("recordings %v, want newest first", got)
	}
	rec, err := e.api.FetchRecording(fixtureRecording, nil)
	if err != nil {
		t.Fatalf("FetchRecording: %v", err)
	}
	if *rec.Duration != "42" || *rec.Status != "completed" || *rec.CallSid != fixtureCall || *rec.Source != "OutboundAPI" ||
		*rec.DateCreated != "Tue, 04 Jun 2024 10:00:00 +0000" || *rec.Uri != accountURI+"/Recordings/"+fixtureRecording+".json" {
		t.Errorf("fetched recording %+v", rec)
	}
	after, err := e.api.ListRecording((&openapi.ListRecordingParams{}).SetDateCreatedAfter(time.Date(2024, 6, 4, 0, 0, 0, 0, time.UTC)).
		SetIncludeSoftDeleted(true).SetPageSize(20).SetLimit(20))
	if err != nil || len(after) != 1 || *after[0].Sid != fixtureRecording {
		t.Fatalf("recordings created on or after 2024-06-04: %d, %v", len(after), err)
	}
	byCall, err := e.api.ListRecording((&openapi.ListRecordingParams{}).SetCallSid(fixtureCall2).SetPageSize(20).SetLimit(20))
	if err != nil || len(byCall) != 1 || *byCall[0].Sid != otherRecording {
		t.Fatalf("recordings of %s: %d, %v", fixtureCall2, len(byCall), err)
	}
	if err := e.api.DeleteRecording(otherRecording, nil); err != nil {
		t.Fatalf("DeleteRecording: %v", err)
	}
	_, err = e.api.FetchRecording(otherRecording, (&openapi.FetchRecordingParams{}).SetIncludeSoftDeleted(true))
	wantTwilioError(t, err, http.StatusNotFound, 20404)
}
