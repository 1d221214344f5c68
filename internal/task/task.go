package task

import "github.com/connectorworks/twilio-worker/internal/codes"

// Operations, in their canonical upper-case form (docs/contract.md §1).
const (
	OpList   = "LIST"
	OpGet    = "GET"
	OpCreate = "CREATE"
	OpUpdate = "UPDATE"
	OpDelete = "DELETE"
	OpAction = "ACTION"
)

// Limits enforced by Decode.
const (
	// MaxBytes is the largest task message accepted: 10 MB, as Pub/Sub
	// allows for a message.
	MaxBytes = 10 * 1024 * 1024
	// MaxDepth bounds how deeply objects and arrays may nest, counting the
	// task object itself as 1, so hostile input cannot make decoding or the
	// executor recurse without limit.
	MaxDepth = 64
	// MaxPageSize is the largest listEntitiesPageSize; Twilio pages hold at
	// most 1000 rows.
	MaxPageSize = 1000
)

// Task is a decoded, validated task message (docs/contract.md §1; the JSON form
// is schemas/task.schema.json). Build it with Decode: a Task literal is not
// validated.
//
// Operation is upper case. Entity is the raw name; matching it against the
// catalogue is the executor's job. Payload values are decoded with
// json.Number so that 5 and 5.0 stay distinguishable. PageSize 0 means "not
// given" (the executor applies the default of 25). ID is the task id (see
// handler.Message.TaskID) and is not part of the JSON.
//
// Payload is tagged omitzero rather than omitempty so that an empty but
// present object ({}, e.g. an ACTION without inputs) survives a
// json.Marshal/Decode round trip; omitempty would drop it and the
// re-decoded task would then lack its required payload.
type Task struct {
	Entity       string         `json:"entity,omitempty"`
	Operation    string         `json:"operation"`
	Action       string         `json:"action,omitempty"`
	EntityID     string         `json:"entityId,omitempty"`
	FilterClause string         `json:"filterClause,omitempty"`
	Payload      map[string]any `json:"connectorInputPayload,omitzero"`
	PageSize     int            `json:"listEntitiesPageSize,omitempty"`
	PageToken    string         `json:"listEntitiesPageToken,omitempty"`
	SortBy       []string       `json:"listEntitiesSortByColumns,omitempty"`
	ID           string         `json:"-"`
}

// Decode parses and validates one task message: at most MaxBytes of UTF-8
// holding exactly one JSON object, nested at most MaxDepth deep, whose
// fields follow docs/contract.md §1 for its operation. Top-level fields whose
// names start with "x-" are ignored; any other unknown field is an error.
//
// Every error is a *codes.Error with code INVALID_ARGUMENT whose message
// names the field, what was wrong and what is allowed. On error the returned
// Task is still non-nil and holds the entity and operation when they could be
// read (operation upper-cased only if valid), so a FAILED result can name
// them; such a Task must not be executed.
func Decode(data []byte) (*Task, error) {
	t := &Task{}
	fields, err := readObject(data)
	if err != nil {
		return t, err
	}
	peekNames(t, fields)
	if err := checkFieldNames(fields); err != nil {
		return t, err
	}
	if err := decodeFields(t, fields); err != nil {
		return t, err
	}
	return t, validate(t, fields)
}

// invalid builds the INVALID_ARGUMENT error every decoding failure uses.
func invalid(format string, args ...any) *codes.Error {
	return codes.Errorf(codes.InvalidArgument, format, args...)
}
