package twiliosim

import (
	"github.com/connectorworks/twilio-worker/internal/entities"
)

// Parent placeholders are the path placeholders other than {AccountSid} and
// the instance key: {CallSid} in /Calls/{CallSid}/Recordings.json, {QueueSid}
// in /Queues/{QueueSid}/Members.json. A list or fetch under a parent sees only
// the rows whose parent field holds the path's value; a create under a parent
// writes it. The field is the placeholder's snake_case (call_sid, queue_sid,
// domain_sid, ...) unless parentFieldOverrides says otherwise. When the row
// schema has no such field (the SIP auth mappings have no domain_sid, call
// events no call_sid) the field is stored all the same, hidden: responses
// render only the schema's fields, and fixtures may set it to place a row.

// parentFieldOverrides are the parent fields that are not the placeholder's
// snake_case, by list key and placeholder.
var parentFieldOverrides = map[string]map[string]string{
	"media_list":              {"MessageSid": "parent_sid"},
	"available_phone_numbers": {"CountryCode": "iso_country"},
}

// parentStores names, for each placeholder that refers to another entity's
// row, the fixture key of that entity. A create under such a parent (and an
// upsert keyed by one, as call Feedback is by {CallSid}) answers 404 when the
// parent row does not exist, as Twilio does for a participant added to a
// conference that is not there. Lists and fetches only scope: they see no
// rows under a parent that does not exist.
var parentStores = map[string]string{
	"CallSid":                "calls",
	"MessageSid":             "messages",
	"ConferenceSid":          "conferences",
	"QueueSid":               "queues",
	"AddressSid":             "addresses",
	"ResourceSid":            "incoming_phone_numbers",
	"AssignedAddOnSid":       "assigned_add_ons",
	"ReferenceSid":           "recordings",
	"RecordingSid":           "recordings",
	"AddOnResultSid":         "add_on_results",
	"DomainSid":              "domains",
	"CredentialListSid":      "credential_lists",
	"IpAccessControlListSid": "ip_access_control_lists",
}

// parentFields maps each parent placeholder of spec's paths to its row field.
func parentFields(spec entities.Spec, keyParam string) map[string]string {
	out := map[string]string{}
	for _, path := range []string{spec.ListPath, spec.InstancePath} {
		for _, name := range placeholders(path) {
			if name == "AccountSid" || name == keyParam {
				continue
			}
			field := snake(name)
			if f, ok := parentFieldOverrides[spec.ListKey][name]; ok {
				field = f
			}
			out[name] = field
		}
	}
	return out
}

// key is the instance placeholder's value: the row's key.
func (c *call) key() string { return c.params[c.res.keyParam] }

// inScope reports whether row belongs under the request's parent
// placeholders (a Media row under its message, say).
func (c *call) inScope(row map[string]any) bool {
	for name, field := range c.res.parents {
		if v, ok := c.params[name]; ok && row[field] != v {
			return false
		}
	}
	return true
}

// setParents writes the request's parent placeholders into a new row.
func (c *call) setParents(row map[string]any) {
	for name, field := range c.res.parents {
		if v, ok := c.params[name]; ok {
			row[field] = v
		}
	}
}

// missingParent reports whether a placeholder of c names a parent row that
// does not exist. The instance key counts only for upserts, whose key is
// their owner's (call Feedback and CallAnnotation by {CallSid}).
func (s *Server) missingParent(c *call) bool {
	for name, v := range c.params {
		if name == c.res.keyParam && !c.res.hooks.upsert {
			continue
		}
		st := s.byKey[parentStores[name]]
		if st == nil {
			continue
		}
		if _, ok := st.table.get(v); !ok {
			return true
		}
	}
	return false
}
