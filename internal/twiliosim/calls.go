package twiliosim

import "net/url"

func callHooks() hooks {
	return hooks{requiredCodes: map[string]int{"To": 21201, "From": 21213}, check: checkCall}
}

// checkCall requires what a call runs, which the spec leaves optional because
// any one of three parameters will do.
func checkCall(c *call) *apiError {
	if c.isCreate() && !present(c.form, "Url", "Twiml", "ApplicationSid") {
		return invalid("One of Url, Twiml or ApplicationSid is required to create a call")
	}
	return nil
}

// callDefaults: a call created through the API starts queued and outbound.
func callDefaults(row map[string]any, _ url.Values, _ *idSource) {
	setDefault(row, "status", "queued")
	setDefault(row, "direction", "outbound-api")
	setDefault(row, "from_formatted", row["from"])
	setDefault(row, "to_formatted", row["to"])
	setDefault(row, "price_unit", "USD")
}

// recordingDefaults: a stored recording is a finished one from an API call.
func recordingDefaults(row map[string]any, _ url.Values, _ *idSource) {
	setDefault(row, "status", "completed")
	setDefault(row, "source", "OutboundAPI")
	setDefault(row, "channels", int64(1))
	setDefault(row, "price_unit", "USD")
}
