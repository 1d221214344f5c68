package twiliosim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// LoadFixtures adds rows from a JSON object whose keys are fixture keys
// and whose values are arrays of rows in Twilio's JSON shape (snake_case,
// nested objects as objects). FixtureKeys lists the keys.
//
// A fixture key is Twilio's list key ("messages", "calls", "recordings",
// "incoming_phone_numbers", "usage_records", "available_phone_numbers",
// "services", ...). Entities that list the same rows share the key: rows
// under "recordings" are call and conference recordings too, rows under
// "incoming_phone_numbers" are listed by the Local, Mobile and TollFree
// lists, "usage_records" by every Usage/Records list, "transcriptions" and
// "notifications" by their call and recording sublists. The three SIP auth
// mappings, which Twilio all lists as "contents", use the snake_case of their
// entity names ("sip_auth_calls_credential_list_mappings", ...). Entities
// without a list use: "feedback" (call Feedback, keyed by the call's sid),
// "feedback_summaries", "call_annotations" (keyed by call_sid), "balance"
// (one row per account_sid; a row without one answers for every account),
// "message_feedback", "tokens", "payments", "siprec", "streams",
// "call_transcriptions", "user_defined_messages" and
// "user_defined_message_subscriptions".
//
// A row under a parent carries the parent's field: call_sid for call
// recordings and events, parent_sid for media, queue_sid for members,
// iso_country for available numbers, domain_sid for SIP mappings, and so on
// (parents.go); where the schema has no such field (domain_sid of the SIP
// auth mappings, call_sid of events, address_sid of dependent phone numbers)
// the fixture may still give it, and it is kept to place the row.
//
// Fields left out get the defaults a created row gets. Fields the spec does
// not declare are kept as given, and scalars in the other JSON type are
// converted when the text is unambiguous (1 for "1" in num_segments, "42"
// for an integer field, "true" for a boolean). An unknown key, a value that
// cannot be converted, an enum or pattern mismatch, a key that breaks the
// entity's pattern or a key given twice is an error, and then nothing is
// loaded. A row whose key is already stored replaces it.
func (s *Server) LoadFixtures(r io.Reader) error {
	var doc map[string]json.RawMessage
	if err := decodeJSON(r, &doc); err != nil {
		return fmt.Errorf("fixtures: want a JSON object of list keys: %w", err)
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	staged := map[*rowStore][]map[string]any{}
	for _, key := range keys {
		st, ok := s.byKey[key]
		if !ok {
			return fmt.Errorf("fixtures: unknown key %q; allowed keys: %s", key, strings.Join(s.FixtureKeys(), ", "))
		}
		rows, err := s.fixtureRows(st, doc[key])
		if err != nil {
			return fmt.Errorf("fixtures: %s%w", key, err)
		}
		staged[st] = rows
	}
	for st, rows := range staged {
		for _, row := range rows {
			st.table.put(row)
		}
	}
	return nil
}

// fixtureRows checks and completes one key's rows. Errors start with the
// position ("[2].status: ...") so the caller can prefix the key.
func (s *Server) fixtureRows(st *rowStore, raw json.RawMessage) ([]map[string]any, error) {
	var rows []map[string]any
	if err := decodeJSON(bytes.NewReader(raw), &rows); err != nil {
		return nil, fmt.Errorf(": want an array of row objects: %w", err)
	}
	seen := map[string]int{}
	for i, row := range rows {
		if err := st.checkFixture(row); err != nil {
			return nil, fmt.Errorf("[%d]%w", i, err)
		}
		s.fillDefaults(st, row, s.cfg.AccountSID, nil)
		if k, ok := row[st.keyField].(string); ok {
			if j, dup := seen[k]; dup {
				return nil, fmt.Errorf("[%d]: %s %s is also row %d", i, st.keyField, k, j)
			}
			seen[k] = i
		}
	}
	return rows, nil
}

// checkFixture checks a row's fields against the spec and normalises them
// in place (numbers to int64 or float64, timestamps to Twilio's format).
func (st *rowStore) checkFixture(row map[string]any) error {
	for name, v := range row {
		if !slices.Contains(st.top, name) {
			continue // kept as given: fixtures may carry fields newer than the spec
		}
		if f, ok := st.fields[name]; ok {
			norm, err := st.fixtureValue(f, v)
			if err != nil {
				return fmt.Errorf(".%s: %w", name, err)
			}
			row[name] = norm
			continue
		}
		if err := st.checkNested(name, v); err != nil {
			return err
		}
	}
	return nil
}

// checkNested checks an object field declared through its properties
// (capabilities.sms, ...).
func (st *rowStore) checkNested(name string, v any) error {
	if v == nil {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf(".%s: want an object, got %s", name, jsonKind(v))
	}
	for sub, sv := range obj {
		f, ok := st.fields[name+"."+sub]
		if !ok {
			return fmt.Errorf(".%s.%s: unknown field", name, sub)
		}
		norm, err := st.fixtureValue(f, sv)
		if err != nil {
			return fmt.Errorf(".%s.%s: %w", name, sub, err)
		}
		obj[sub] = norm
	}
	return nil
}

// decodeJSON decodes exactly one JSON value, keeping numbers exact.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
