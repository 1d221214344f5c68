package task

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Task field names as they appear on the wire (docs/contract.md §1).
const (
	fieldEntity    = "entity"
	fieldOperation = "operation"
	fieldAction    = "action"
	fieldEntityID  = "entityId"
	fieldFilter    = "filterClause"
	fieldPayload   = "connectorInputPayload"
	fieldPageSize  = "listEntitiesPageSize"
	fieldPageToken = "listEntitiesPageToken"
	fieldSortBy    = "listEntitiesSortByColumns"
)

// taskFields lists the accepted top-level fields in the contract's order,
// which is also the order errors are reported in.
var taskFields = []string{fieldEntity, fieldOperation, fieldAction, fieldEntityID, fieldFilter,
	fieldPayload, fieldPageSize, fieldPageToken, fieldSortBy}

// checkFieldNames rejects unknown top-level fields so that a typo such as
// "entityID" fails loudly instead of being ignored; "x-" fields are the
// contract's escape hatch for callers' own annotations.
func checkFieldNames(f rawFields) error {
	var unknown []string
	for name := range f {
		if !strings.HasPrefix(name, "x-") && !isTaskField(name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	var b strings.Builder
	b.WriteString("unknown field")
	if len(unknown) > 1 {
		b.WriteString("s")
	}
	for i, name := range unknown {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %q", Clip(name))
		if hint := caseMatch(name); hint != "" {
			fmt.Fprintf(&b, " (did you mean %q? field names are case-sensitive)", hint)
		}
	}
	fmt.Fprintf(&b, "; allowed fields: %s; fields starting with \"x-\" are ignored", strings.Join(taskFields, ", "))
	return invalid("%s", b.String())
}

func isTaskField(name string) bool { return caseMatch(name) == name }

func caseMatch(name string) string {
	for _, f := range taskFields {
		if strings.EqualFold(f, name) {
			return f
		}
	}
	return ""
}

// peekNames copies entity and operation into t when they are strings, before
// anything else can fail, so even a rejected task's result can name them.
func peekNames(t *Task, f rawFields) {
	if s, ok := stringValue(f[fieldEntity]); ok {
		t.Entity = s
	}
	if s, ok := stringValue(f[fieldOperation]); ok {
		t.Operation = normalizeOp(s)
	}
}

// decodeFields type-checks every present field and fills t. Checks that
// concern a single field (ranges, lengths) live here too; rules that relate
// fields to the operation are in validate.
func decodeFields(t *Task, f rawFields) error {
	var ignored string
	strs := []struct {
		name string
		dst  *string
	}{{fieldEntity, &ignored}, {fieldOperation, &ignored}, {fieldAction, &t.Action},
		{fieldEntityID, &t.EntityID}, {fieldFilter, &t.FilterClause}, {fieldPageToken, &t.PageToken}}
	for _, s := range strs {
		if err := decodeString(f, s.name, s.dst); err != nil {
			return err
		}
	}
	var err error
	if t.Payload, err = decodePayload(f[fieldPayload]); err != nil {
		return err
	}
	if t.PageSize, err = decodePageSize(f[fieldPageSize]); err != nil {
		return err
	}
	t.SortBy, err = decodeSortBy(f[fieldSortBy])
	return err
}

func decodeString(f rawFields, name string, dst *string) error {
	raw, ok := f[name]
	if !ok {
		return nil
	}
	s, ok := stringValue(raw)
	if !ok {
		return invalid("field %q must be a string, got %s", name, kindPhrase(jsonKind(raw)))
	}
	*dst = s
	return nil
}

// decodePayload keeps numbers as json.Number: the executor must send 5.0 as
// written, and float64 would also lose digits of large integers.
func decodePayload(raw json.RawMessage) (map[string]any, error) {
	if raw == nil {
		return nil, nil
	}
	if k := jsonKind(raw); k != "object" {
		return nil, invalid("field %q must be an object of column name to value, got %s", fieldPayload, kindPhrase(k))
	}
	return decodeObject(raw), nil // raw is part of a valid message
}

// decodePageSize accepts any JSON number with an integral value (25, 25.0,
// 2.5e1), as JSON Schema's "integer" does, so the schema and Go agree.
func decodePageSize(raw json.RawMessage) (int, error) {
	if raw == nil {
		return 0, nil
	}
	if k := jsonKind(raw); k != "number" {
		return 0, invalid("field %q must be an integer, got %s", fieldPageSize, kindPhrase(k))
	}
	n, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || n != math.Trunc(n) || n < 1 || n > MaxPageSize {
		return 0, invalid("%s must be an integer from 1 to %d, got %s; omit it for the default of 25",
			fieldPageSize, MaxPageSize, Clip(string(raw)))
	}
	return int(n), nil
}

func decodeSortBy(raw json.RawMessage) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	if k := jsonKind(raw); k != "array" {
		return nil, invalid("field %q must be an array of strings, got %s", fieldSortBy, kindPhrase(k))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, invalid("field %q: %v", fieldSortBy, err)
	}
	if len(items) > 1 {
		return nil, invalid(`%s takes at most one column, got %d; give one column, optionally followed by " DESC"`, fieldSortBy, len(items))
	}
	cols := make([]string, 0, len(items))
	for i, item := range items {
		var col string
		if k := jsonKind(item); k != "string" || json.Unmarshal(item, &col) != nil {
			return nil, invalid("%s[%d] must be a string, got %s", fieldSortBy, i, kindPhrase(k))
		}
		if isBlank(col) {
			return nil, invalid(`%s[%d] is blank; give a column name, optionally followed by " DESC"`, fieldSortBy, i)
		}
		cols = append(cols, col)
	}
	return cols, nil
}
