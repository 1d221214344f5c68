package twiliosim

import "net/url"

// hooks is what one entity does beyond the generic behaviour the spec
// implies. The zero value is "nothing special".
type hooks struct {
	// key names the entity's rows in fixtures and Rows when the spec has no
	// list key (call Feedback, FeedbackSummary).
	key string
	// retired marks endpoints Twilio switched off: with
	// Config.RetiredFeedback they answer 404 20404.
	retired bool
	// requiredCodes are Twilio's own codes for a missing required
	// parameter; others get 20001.
	requiredCodes map[string]int
	// check adds request rules the spec cannot state (one-of parameters,
	// magic test numbers). It runs after the generic checks.
	check func(c *call) *apiError
	// defaults sets plausible values on a new row; form is nil for fixture
	// rows. It must only fill fields that are still null (setDefault).
	defaults func(row map[string]any, form url.Values, ids *idSource)
	// owner names the entity whose row with the same key must exist; a POST
	// to the instance path then creates the row when it is missing.
	owner string
	// created answers a create instead of 201 with the row.
	created func(s *Server, c *call, row map[string]any) reply
	// pathFields maps a parent placeholder to its row field when the field
	// is not the placeholder's snake_case.
	pathFields map[string]string
}

// hooksFor returns the hooks of the entity named name (zero for an entity
// that needs none).
func hooksFor(name string) hooks {
	switch name {
	case "Messages":
		return messageHooks()
	case "Calls":
		return callHooks()
	case "Recordings":
		return hooks{defaults: recordingDefaults}
	case "IncomingPhoneNumbers":
		return incomingNumberHooks()
	case "OutgoingCallerIds":
		return hooks{defaults: callerIDDefaults, created: validationRequest}
	case "Feedback":
		return hooks{key: "feedback", retired: true, owner: "Calls", check: checkQualityScore}
	case "FeedbackSummary":
		return hooks{key: "feedback_summaries", retired: true, defaults: summaryDefaults}
	}
	return hooks{}
}

// isCreate reports whether c creates a row (a POST to the list path).
func (c *call) isCreate() bool { return c.op.name == "create" }

// present reports whether the form has a non-empty value for any of names.
func present(form url.Values, names ...string) bool {
	for _, n := range names {
		if form.Get(n) != "" {
			return true
		}
	}
	return false
}
