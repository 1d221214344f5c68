package twiliosim_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The fixture rows of documented examples 8 and 9.
const (
	fixtureNumber   = "PN4047ac009a15885690a50a1d388b8411"
	fixtureCallerID = "PN6f5f9bf39cb1801a6e21a5a80d274bdd"
)

// incomingPhoneNumbers is documented example 8, then a purchase, a filtered
// list and a release.
func incomingPhoneNumbers(t *testing.T, e *env) {
	name := "name of IncomingPhoneNumber is getting updated"
	upd, err := e.api.UpdateIncomingPhoneNumber(fixtureNumber, (&openapi.UpdateIncomingPhoneNumberParams{}).SetFriendlyName(name))
	if err != nil {
		t.Fatalf("UpdateIncomingPhoneNumber: %v", err)
	}
	if *upd.Sid != fixtureNumber || *upd.FriendlyName != name || *upd.DateUpdated != clockRFC2822 || *upd.PhoneNumber != "+15017122661" {
		t.Errorf("updated number: sid %s, name %q, date_updated %s, phone %s", *upd.Sid, *upd.FriendlyName, *upd.DateUpdated, *upd.PhoneNumber)
	}
	if c := upd.Capabilities; c == nil || !c.Voice || !c.Sms || c.Mms {
		t.Errorf("capabilities from the fixture = %+v", c)
	}
	bought, err := e.api.CreateIncomingPhoneNumber((&openapi.CreateIncomingPhoneNumberParams{}).SetAreaCode("415"))
	if err != nil {
		t.Fatalf("CreateIncomingPhoneNumber: %v", err)
	}
	if !regexp.MustCompile(`^\+1415555\d{4}$`).MatchString(*bought.PhoneNumber) || !strings.HasPrefix(*bought.Sid, "PN") {
		t.Errorf("bought %s %s, want a +1415555 number and a PN sid", *bought.Sid, *bought.PhoneNumber)
	}
	list, err := e.api.ListIncomingPhoneNumber((&openapi.ListIncomingPhoneNumberParams{}).SetFriendlyName(name).SetPageSize(20).SetLimit(20))
	if err != nil {
		t.Fatalf("ListIncomingPhoneNumber: %v", err)
	}
	if got := sids(list, func(n openapi.ApiV2010IncomingPhoneNumber) string { return *n.Sid }); !cmp.Equal(got, []string{fixtureNumber}) {
		t.Errorf("FriendlyName filter listed %v", got)
	}
	if again, err := e.api.FetchIncomingPhoneNumber(*bought.Sid, nil); err != nil || *again.PhoneNumber != *bought.PhoneNumber {
		t.Fatalf("FetchIncomingPhoneNumber: %v", err)
	}
	if err := e.api.DeleteIncomingPhoneNumber(*bought.Sid, nil); err != nil {
		t.Fatalf("DeleteIncomingPhoneNumber: %v", err)
	}
	_, err = e.api.FetchIncomingPhoneNumber(*bought.Sid, nil)
	wantTwilioError(t, err, http.StatusNotFound, 20404)
	_, err = e.api.CreateIncomingPhoneNumber((&openapi.CreateIncomingPhoneNumberParams{}).SetPhoneNumber("+15005550000"))
	wantTwilioError(t, err, http.StatusBadRequest, 21422)
}

// outgoingCallerIDs is documented example 9, then a validation request (the
// simulator verifies at once), a filtered list and a delete.
func outgoingCallerIDs(t *testing.T, e *env) {
	name := "Name Updated for 99025xxxxx"
	upd, err := e.api.UpdateOutgoingCallerId(fixtureCallerID, (&openapi.UpdateOutgoingCallerIdParams{}).SetFriendlyName(name))
	if err != nil {
		t.Fatalf("UpdateOutgoingCallerId: %v", err)
	}
	if *upd.Sid != fixtureCallerID || *upd.FriendlyName != name || *upd.Uri != accountURI+"/OutgoingCallerIds/"+fixtureCallerID+".json" {
		t.Errorf("updated caller ID %s %q %s", *upd.Sid, *upd.FriendlyName, *upd.Uri)
	}
	vr, err := e.api.CreateValidationRequest((&openapi.CreateValidationRequestParams{}).SetPhoneNumber("+14155550100").SetFriendlyName("Desk"))
	if err != nil {
		t.Fatalf("CreateValidationRequest: %v", err)
	}
	if !regexp.MustCompile(`^\d{6}$`).MatchString(*vr.ValidationCode) || !strings.HasPrefix(*vr.CallSid, "CA") || *vr.PhoneNumber != "+14155550100" {
		t.Errorf("validation request %+v", vr)
	}
	list, err := e.api.ListOutgoingCallerId((&openapi.ListOutgoingCallerIdParams{}).SetPhoneNumber("+14155550100").SetPageSize(5).SetLimit(5))
	if err != nil {
		t.Fatalf("ListOutgoingCallerId: %v", err)
	}
	if len(list) != 1 || *list[0].FriendlyName != "Desk" {
		t.Fatalf("caller IDs for +14155550100: %d", len(list))
	}
	got, err := e.api.FetchOutgoingCallerId(*list[0].Sid, nil)
	if err != nil || *got.PhoneNumber != "+14155550100" {
		t.Fatalf("FetchOutgoingCallerId: %v", err)
	}
	if err := e.api.DeleteOutgoingCallerId(*got.Sid, nil); err != nil {
		t.Fatalf("DeleteOutgoingCallerId: %v", err)
	}
	if n := len(e.sim.Rows("outgoing_caller_ids")); n != 1 {
		t.Errorf("%d caller IDs left, want the fixture", n)
	}
}
