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

// LoadFixtures adds rows from a JSON object whose keys are Twilio's list keys
// ("messages", "calls", "recordings", "incoming_phone_numbers",
// "outgoing_caller_ids", ...; "feedback" for call feedback rows and
// "feedback_summaries" for FeedbackSummary) and whose values are arrays of
// rows in Twilio's JSON shape. Fields left out get the defaults a created row
// gets. Fields the spec does not declare are kept as given, and scalars in
// the other JSON type are converted when the text is unambiguous (1 for
// "1" in num_segments, "42" for an integer field, "true" for a boolean).
// An unknown key, a value that cannot be converted, an enum or pattern
// mismatch, a sid that breaks the entity's pattern or a sid given twice is
// an error, and then nothing is loaded. A row whose sid is already stored replaces it.
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
	staged := map[*resource][]map[string]any{}
	for _, key := range keys {
		res, ok := s.byKey[key]
		if !ok {
			return fmt.Errorf("fixtures: unknown key %q; allowed keys: %s", key, strings.Join(s.fixtureKeys(), ", "))
		}
		rows, err := s.fixtureRows(res, doc[key])
		if err != nil {
			return fmt.Errorf("fixtures: %s%w", key, err)
		}
		staged[res] = rows
	}
	for res, rows := range staged {
		for _, row := range rows {
			res.store.put(row)
		}
	}
	return nil
}

// fixtureKeys lists the keys LoadFixtures accepts, sorted.
func (s *Server) fixtureKeys() []string {
	keys := make([]string, 0, len(s.byKey))
	for k := range s.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fixtureRows checks and completes one key's rows. Errors start with the
// position ("[2].status: ...") so the caller can prefix the key.
func (s *Server) fixtureRows(res *resource, raw json.RawMessage) ([]map[string]any, error) {
	var rows []map[string]any
	if err := decodeJSON(bytes.NewReader(raw), &rows); err != nil {
		return nil, fmt.Errorf(": want an array of row objects: %w", err)
	}
	seen := map[string]int{}
	for i, row := range rows {
		if err := res.checkFixture(row); err != nil {
			return nil, fmt.Errorf("[%d]%w", i, err)
		}
		s.fillDefaults(res, row, s.cfg.AccountSID, nil)
		if sid, ok := row["sid"].(string); ok {
			if j, dup := seen[sid]; dup {
				return nil, fmt.Errorf("[%d]: sid %s is also row %d", i, sid, j)
			}
			seen[sid] = i
		}
	}
	return rows, nil
}

// checkFixture checks a row's fields against the spec and normalises them
// in place (numbers to int64 or float64, timestamps to Twilio's format).
func (res *resource) checkFixture(row map[string]any) error {
	for name, v := range row {
		if !slices.Contains(res.top, name) {
			continue // kept as given: fixtures may carry fields newer than the spec
		}
		if f, ok := res.fields[name]; ok {
			norm, err := res.fixtureValue(f, v)
			if err != nil {
				return fmt.Errorf(".%s: %w", name, err)
			}
			row[name] = norm
			continue
		}
		if err := res.checkNested(name, v); err != nil {
			return err
		}
	}
	return nil
}

// checkNested checks an object field declared through its properties
// (capabilities.sms, ...).
func (res *resource) checkNested(name string, v any) error {
	if v == nil {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf(".%s: want an object, got %s", name, jsonKind(v))
	}
	for sub, sv := range obj {
		f, ok := res.fields[name+"."+sub]
		if !ok {
			return fmt.Errorf(".%s.%s: unknown field", name, sub)
		}
		norm, err := res.fixtureValue(f, sv)
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
