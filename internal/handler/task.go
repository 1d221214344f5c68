package handler

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

// Result statuses (docs/contract.md §2).
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
)

// Attribute names the worker sets on every result message; task attributes
// with these names are not copied (see ResultAttributes). AttrTaskID is also
// the task attribute that carries the caller's task id.
const (
	AttrTaskID    = "taskId"
	AttrStatus    = "status"
	AttrEntity    = "entity"
	AttrOperation = "operation"
)

// Limits enforced by DecodeTask.
const (
	// MaxTaskBytes is the largest task message accepted: 10 MB, as Pub/Sub
	// allows for a message.
	MaxTaskBytes = 10 * 1024 * 1024
	// MaxDepth bounds how deeply objects and arrays may nest, counting the
	// task object itself as 1, so hostile input cannot make decoding or the
	// executor recurse without limit.
	MaxDepth = 64
	// MaxPageSize is the largest listEntitiesPageSize; Twilio pages hold at
	// most 1000 rows.
	MaxPageSize = 1000
)

// Task is a decoded, validated task message (docs/contract.md §1; the JSON form
// is schemas/task.schema.json). Build it with DecodeTask: a Task literal is
// not validated.
//
// Operation is upper case. Entity is the raw name; matching it against the
// catalogue is the executor's job. Payload values are decoded with
// json.Number so that 5 and 5.0 stay distinguishable. PageSize 0 means "not
// given" (the executor applies the default of 25). ID is the task id (see
// Message.TaskID) and is not part of the JSON.
//
// Payload is tagged omitzero rather than omitempty so that an empty but
// present object ({}, e.g. an ACTION without inputs) survives a
// json.Marshal/DecodeTask round trip; omitempty would drop it and the
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

// Result is the one result message for a task (docs/contract.md §2; the JSON
// form is schemas/result.schema.json).
//
// Entity is the canonical entity name, or the raw value when unknown (it may
// be "" for ACTION). Operation is upper case when valid, else raw. Payload and
// NextPageToken are set only on success; a successful Payload is never nil,
// so {} and [] are emitted. Error is set only on failure. StartedAt and
// FinishedAt are RFC 3339 UTC timestamps, possibly with fractional seconds.
type Result struct {
	TaskID          string     `json:"taskId"`
	Entity          string     `json:"entity"`
	Operation       string     `json:"operation"`
	Status          string     `json:"status"`
	Payload         any        `json:"connectorOutputPayload,omitempty"`
	NextPageToken   string     `json:"listEntitiesNextPageToken,omitempty"`
	Error           *ErrorInfo `json:"error,omitempty"`
	DeliveryAttempt int        `json:"deliveryAttempt,omitempty"`
	StartedAt       string     `json:"startedAt"`
	FinishedAt      string     `json:"finishedAt"`
}

// ErrorInfo is a result's error object. Code is one of the contract's codes
// and Message says, for a person, what was wrong and how to fix it.
// TwilioCode, HTTPStatus and MoreInfo are set only when Twilio answered.
type ErrorInfo struct {
	Code       codes.Code `json:"code"`
	Message    string     `json:"message"`
	Retryable  bool       `json:"retryable"`
	TwilioCode int        `json:"twilioCode,omitempty"`
	HTTPStatus int        `json:"httpStatus,omitempty"`
	MoreInfo   string     `json:"moreInfo,omitempty"`
}

// DecodeTask parses and validates one task message: at most MaxTaskBytes of
// UTF-8 holding exactly one JSON object, nested at most MaxDepth deep, whose
// fields follow docs/contract.md §1 for its operation. Top-level fields whose
// names start with "x-" are ignored; any other unknown field is an error.
//
// Every error is a *codes.Error with code INVALID_ARGUMENT whose message
// names the field, what was wrong and what is allowed. On error the returned
// Task is still non-nil and holds the entity and operation when they could be
// read (operation upper-cased only if valid), so a FAILED result can name
// them; such a Task must not be executed.
func DecodeTask(data []byte) (*Task, error) {
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
