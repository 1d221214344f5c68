package twiliosim

import (
	"net/http"
	"net/url"
)

// checkIncomingNumber: a purchase names a number or an area code, and
// Twilio's magic values fail as they do with test credentials.
func checkIncomingNumber(c *call) *apiError {
	if !c.isCreate() {
		return nil
	}
	switch {
	case !present(c.form, "PhoneNumber", "AreaCode"):
		return invalid("A 'PhoneNumber' or 'AreaCode' parameter is required to buy a number")
	case c.form.Get("PhoneNumber") == "+15005550000":
		return badRequest(21422, "PhoneNumber %s is not available", c.form.Get("PhoneNumber"))
	case c.form.Get("AreaCode") == "533":
		return badRequest(21452, "No phone numbers found in area code 533")
	}
	return nil
}

// incomingNumberDefaults: a bought US local number with every capability
// but fax, its configuration methods POST, its name the number itself.
func incomingNumberDefaults(row map[string]any, form url.Values, ids *idSource) {
	if row["phone_number"] == nil {
		area := form.Get("AreaCode")
		if area == "" {
			area = "500"
		}
		row["phone_number"] = "+1" + area + "555" + ids.digits(4)
	}
	setDefault(row, "friendly_name", row["phone_number"])
	for name, v := range map[string]bool{"fax": false, "mms": true, "sms": true, "voice": true} {
		setDefault(row, "capabilities."+name, v)
	}
	for _, name := range []string{"sms_method", "sms_fallback_method", "voice_method", "voice_fallback_method", "status_callback_method"} {
		setDefault(row, name, http.MethodPost)
	}
	setDefault(row, "beta", false)
	setDefault(row, "voice_caller_id_lookup", false)
	setDefault(row, "origin", "twilio")
	setDefault(row, "status", "in-use")
	setDefault(row, "address_requirements", "none")
	setDefault(row, "voice_receive_mode", "voice")
	setDefault(row, "emergency_status", "Inactive")
	setDefault(row, "emergency_address_status", "unregistered")
}

// callerIDDefaults: a caller ID is named after its number.
func callerIDDefaults(row map[string]any, _ url.Values, _ *idSource) {
	setDefault(row, "friendly_name", row["phone_number"])
}

// validationRequest answers an OutgoingCallerIds create the way Twilio does:
// 200 with a validation request (the code the person called would type in).
// The simulator has no phone to call, so the caller ID is verified at once:
// the row is already stored when this answers.
func validationRequest(s *Server, c *call, row map[string]any) reply {
	return reply{status: http.StatusOK, body: map[string]any{
		"account_sid":     c.account,
		"call_sid":        s.ids.sid("CA"),
		"friendly_name":   row["friendly_name"],
		"phone_number":    row["phone_number"],
		"validation_code": s.ids.digits(6),
	}}
}
