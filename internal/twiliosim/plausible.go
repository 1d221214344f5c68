package twiliosim

import (
	"net/url"
)

// plainDefaultsFor returns the defaults of the stores whose rows need no
// more than a few constants: the fields Twilio's spec does not let be null
// (queue sizes, member positions, a CIDR prefix length, a validity period)
// and the values a new row of that kind plausibly has. The catalogue does
// not say which fields are nullable, so these are kept here, checked by the
// conformance test against the spec.
func plainDefaultsFor(key string) func(row map[string]any, form url.Values, ids *idSource) {
	values := plainDefaults[key]
	switch {
	case key == "tokens":
		return tokenDefaults
	case values == nil:
		return nil
	}
	return func(row map[string]any, _ url.Values, _ *idSource) {
		for path, v := range values {
			setDefault(row, path, v)
		}
	}
}

// plainDefaults are the constant defaults by fixture key.
var plainDefaults = map[string]map[string]any{
	"queues":                  {"current_size": int64(0), "average_wait_time": int64(0), "max_size": int64(100)},
	"queue_members":           {"position": int64(1), "wait_time": int64(0)},
	"ip_addresses":            {"cidr_prefix_length": int64(32)},
	"services":                {"validity_period": int64(36000), "scan_message_content": "inherit", "sticky_sender": true},
	"conferences":             {"status": "in-progress", "region": "us1"},
	"participants":            {"status": "connected", "muted": false, "hold": false, "coaching": false},
	"transcriptions":          {"status": "completed", "type": "fast", "price_unit": "USD"},
	"add_on_results":          {"status": "completed"},
	"balance":                 {"balance": "0.00", "currency": "USD"},
	"message_feedback":        {"outcome": "confirmed"},
	"usage_records":           {"price_unit": "usd"},
	"countries":               {"beta": false},
	"available_phone_numbers": {"beta": false, "address_requirements": "none"},
}

// tokenDefaults: a network traversal token is fresh credentials for
// Twilio's STUN and TURN servers, valid for a day unless Ttl says otherwise.
func tokenDefaults(row map[string]any, form url.Values, ids *idSource) {
	ttl := "86400"
	if form.Get("Ttl") != "" {
		ttl = form.Get("Ttl")
	}
	setDefault(row, "ttl", ttl)
	setDefault(row, "username", ids.sid("")+ids.sid(""))
	setDefault(row, "password", ids.sid(""))
	user, pass := row["username"], row["password"]
	setDefault(row, "ice_servers", []any{
		map[string]any{"url": "stun:global.stun.twilio.com:3478", "urls": "stun:global.stun.twilio.com:3478"},
		map[string]any{"url": "turn:global.turn.twilio.com:3478?transport=udp", "urls": "turn:global.turn.twilio.com:3478?transport=udp",
			"username": user, "credential": pass},
	})
}
