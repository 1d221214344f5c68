package task

import "github.com/connectorworks/twilio-worker/internal/codes"

// Result statuses (docs/contract.md §2).
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
)

// Attribute names the worker sets on every result message; task attributes
// with these names are not copied (see handler.ResultAttributes). AttrTaskID
// is also the task attribute that carries the caller's task id.
const (
	AttrTaskID    = "taskId"
	AttrStatus    = "status"
	AttrEntity    = "entity"
	AttrOperation = "operation"
)

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

// Output is what the executor produced for a successful task (the answer
// of the handler package's Ops.Do): the result's connectorOutputPayload and,
// for LIST, the token of the next page ("" when no rows follow).
type Output struct {
	Payload       any
	NextPageToken string
}
