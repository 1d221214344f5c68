package twiliosim

import (
	"net/url"
	"strconv"
	"unicode/utf8"
)

// testNumber is one of Twilio's magic numbers for test credentials and the
// error it provokes.
type testNumber struct {
	code    int
	message string // a format: %[1]s is the number, %[2]s the other party
}

// Twilio's magic numbers for Messages (twilio.com/docs/iam/test-credentials).
var (
	testTo = map[string]testNumber{
		"+15005550001": {21211, "The 'To' number %[1]s is not a valid phone number."},
		"+15005550002": {21612, "The 'To' phone number: %[1]s, is not currently reachable using the 'From' phone number: %[2]s via SMS."},
		"+15005550003": {21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: %[1]s."},
		"+15005550004": {21610, "Attempt to send to unsubscribed recipient %[1]s"},
		"+15005550009": {21614, "'To' number %[1]s is not a valid mobile number"},
	}
	testFrom = map[string]testNumber{
		"+15005550001": {21212, "The 'From' number %[1]s is not a valid phone number, shortcode, or alphanumeric sender ID."},
		"+15005550007": {21606, "The 'From' phone number %[1]s is not a valid, SMS-capable inbound phone number or short code for your account."},
		"+15005550008": {21611, "This 'From' number %[1]s has exceeded the maximum number of queued messages"},
	}
)

// maxBodyChars is the longest Body Twilio sends, in characters; longer
// ones are refused with 21617 before anything is queued.
const maxBodyChars = 1600

func messageHooks() hooks {
	return hooks{requiredCodes: map[string]int{"To": 21604}, check: checkMessage}
}

// checkMessage applies Twilio's create rules in Twilio's order: a sender,
// some content, then the magic test numbers.
func checkMessage(c *call) *apiError {
	if !c.isCreate() {
		return nil
	}
	f := c.form
	to, from := f.Get("To"), f.Get("From")
	switch {
	case !present(f, "From", "MessagingServiceSid"):
		return badRequest(21603, "A 'From' phone number is required.")
	case !present(f, "Body", "MediaUrl", "ContentSid"):
		return badRequest(21602, "Message body is required.")
	case utf8.RuneCountInString(f.Get("Body")) > maxBodyChars:
		return badRequest(21617, "The concatenated message body exceeds the %d character limit", maxBodyChars)
	}
	if n, ok := testTo[to]; ok {
		return badRequest(n.code, n.message, to, from)
	}
	if n, ok := testFrom[from]; ok {
		return badRequest(n.code, n.message, from, to)
	}
	return nil
}

// messageDefaults makes a new message look as Twilio answers a create: an
// outbound message queued (accepted through a Messaging Service, scheduled
// when sent later), with its segment and media counts as strings.
func messageDefaults(row map[string]any, form url.Values, _ *idSource) {
	status := "queued"
	switch {
	case form.Get("ScheduleType") != "":
		status = "scheduled"
	case form.Get("MessagingServiceSid") != "" && form.Get("From") == "":
		status = "accepted"
	}
	setDefault(row, "status", status)
	setDefault(row, "direction", "outbound-api")
	body, _ := row["body"].(string)
	setDefault(row, "num_segments", strconv.Itoa(segments(body)))
	setDefault(row, "num_media", strconv.Itoa(len(form["MediaUrl"])))
	setDefault(row, "price_unit", "USD")
}

// segments estimates SMS segments: 160 characters fit one, longer bodies
// are split in parts of 153.
func segments(body string) int {
	n := utf8.RuneCountInString(body)
	if n <= 160 {
		return 1
	}
	return (n + 152) / 153
}
