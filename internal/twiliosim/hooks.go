package twiliosim

import (
	"net/http"
	"net/url"
)

// hooks is what one entity does beyond the generic behaviour the spec
// implies. The zero value is "nothing special". Row defaults belong to the
// store, not the entity (defaultsFor), since entities share stores.
type hooks struct {
	// key names the entity's rows in fixtures and Rows instead of its list
	// key or the snake_case of its name (storeKey).
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
	// callerField is set to the caller's account on create (a subaccount's
	// owner_account_sid).
	callerField string
	// prepare runs before the operation (Accounts: the caller's own account
	// row exists).
	prepare func(s *Server, c *call)
	// upsert makes a POST to the instance path create the row when it is
	// missing, provided its owner (parentStores of the key) exists.
	upsert bool
	// onDemand makes a GET of a missing row create an empty one, under the
	// same condition.
	onDemand bool
	// nameField is a field the instance placeholder may name a row by
	// instead of its sid (a Stream's name).
	nameField string
	// keyFrom is the create parameter whose value is the new row's key: a
	// SIP mapping's sid is the sid of the list it maps.
	keyFrom string
	// createStatus and updateStatus replace 201 and 200 where the spec
	// declares another success status.
	createStatus, updateStatus int
	// created answers a create instead of the status with the row.
	created func(s *Server, c *call, row map[string]any) reply
}

// hooksFor returns the hooks of the entity named name (zero for an entity
// that needs none).
func hooksFor(name string) hooks {
	switch name {
	case "Messages":
		return messageHooks()
	case "Calls":
		return callHooks()
	case "IncomingPhoneNumbers", "IncomingPhoneNumbersLocal", "IncomingPhoneNumbersMobile", "IncomingPhoneNumbersTollFree":
		return hooks{check: checkIncomingNumber}
	case "OutgoingCallerIds":
		return hooks{created: validationRequest}
	case "Feedback":
		return hooks{key: "feedback", retired: true, upsert: true, check: checkQualityScore}
	case "FeedbackSummary":
		return hooks{key: "feedback_summaries", retired: true}
	case "Accounts":
		return hooks{prepare: ensureAccount, callerField: "owner_account_sid"}
	case "CallAnnotation":
		return hooks{key: "call_annotations", upsert: true, onDemand: true}
	case "MessageFeedback":
		return hooks{createStatus: http.StatusOK}
	case "CallTranscriptions", "Siprec", "Streams":
		return hooks{createStatus: http.StatusOK, nameField: "name"}
	case "Payments":
		return hooks{updateStatus: http.StatusAccepted}
	case "SipCredentialListMappings":
		return hooks{keyFrom: "CredentialListSid"}
	case "SipIpAccessControlListMappings":
		return hooks{keyFrom: "IpAccessControlListSid"}
	case "SipAuthCallsCredentialListMappings", "SipAuthRegistrationsCredentialListMappings":
		// These and the next list "contents": distinct rows under one generic key.
		return hooks{key: snake(name), keyFrom: "CredentialListSid"}
	case "SipAuthCallsIpAccessControlListMappings":
		return hooks{key: snake(name), keyFrom: "IpAccessControlListSid"}
	}
	return hooks{}
}

// defaultsFor returns what makes a new row of the store with fixture key
// key plausible, or nil. It must only fill fields that are still null
// (setDefault); form is nil for fixture rows.
func defaultsFor(key string) func(row map[string]any, form url.Values, ids *idSource) {
	switch key {
	case "messages":
		return messageDefaults
	case "calls":
		return callDefaults
	case "recordings":
		return recordingDefaults
	case "incoming_phone_numbers":
		return incomingNumberDefaults
	case "outgoing_caller_ids":
		return callerIDDefaults
	case "feedback_summaries":
		return summaryDefaults
	case "accounts":
		return accountDefaults
	}
	return plainDefaultsFor(key)
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
