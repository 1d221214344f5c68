package entities

import (
	"strings"
	"sync"
	"time"
)

// Row maps one Twilio JSON object to a row in connector column names:
// renamed (from → Sender), flattened (capabilities.sms → CapabilitiesSms),
// timestamps as RFC 3339 UTC. Fields the catalogue does not know are kept
// under their PascalCase name, so a newer Twilio field is not lost.
func (e *Entity) Row(obj map[string]any) map[string]any {
	return e.rowInto(make(map[string]any, len(obj)), obj)
}

// rowInto is Row writing into row, which the caller has emptied.
func (e *Entity) rowInto(row, obj map[string]any) map[string]any {
	for k, v := range obj {
		if droppedFields[k] {
			continue
		}
		if m, ok := v.(map[string]any); ok && e.flattens(k) {
			for sk, sv := range m {
				e.put(row, k+"."+strings.ToLower(sk), sv)
			}
			continue
		}
		e.put(row, k, v)
	}
	return row
}

func (e *Entity) flattens(field string) bool { return e.flattened[field] }

func (e *Entity) put(row map[string]any, field string, v any) {
	if c := e.byField[field]; c != nil {
		row[c.Name] = convert(c.Type, v)
		return
	}
	row[unknownColumn(field)] = v
}

// unknownNames memoises ColumnName for the fields the catalogue does not
// know, which every row of a page repeats. It is bounded: the names come
// from Twilio's answers.
var unknownNames = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const maxUnknownNames = 1024

func unknownColumn(field string) string {
	unknownNames.RLock()
	name, ok := unknownNames.m[field]
	unknownNames.RUnlock()
	if ok {
		return name
	}
	name = ColumnName(field)
	unknownNames.Lock()
	if len(unknownNames.m) < maxUnknownNames {
		unknownNames.m[field] = name
	}
	unknownNames.Unlock()
	return name
}

// convert normalises timestamps to RFC 3339 UTC; Twilio sends RFC 2822
// ("Mon, 16 Aug 2010 03:45:01 +0000"). An unparsable value is kept as sent
// rather than dropped.
func convert(t Type, v any) any {
	s, ok := v.(string)
	if !ok || t != TDateTime {
		return v
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339Nano} {
		if ts, err := time.Parse(layout, s); err == nil {
			return ts.UTC().Format(time.RFC3339)
		}
	}
	return v
}
