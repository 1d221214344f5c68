// Package example builds example task messages for the catalogue's entities
// and actions, with plausible values that satisfy every parameter's type,
// enum, pattern and format. `worker describe` prints them and the schema
// generator embeds their payloads, so the tests that validate them against
// task.Decode, the executor and schemas/entities check all three.
package example

import (
	"slices"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// PageSize is the listEntitiesPageSize of LIST examples (the default,
// spelled out so the example shows the field).
const PageSize = 25

// showcase names inputs an example payload includes even when optional,
// because a task without them is rarely what anyone means (a message
// needs a sender and a body) and they show the connector's renames.
// Url and AreaCode are there because Twilio requires one of a group the
// spec cannot mark as required: a call needs Url, Twiml or ApplicationSid;
// a number purchase needs PhoneNumber or AreaCode.
var showcase = []string{"Sender", "Body", "Name", "Url", "AreaCode"}

// Builder builds example tasks. Build it with New; it is immutable and safe
// for concurrent use.
type Builder struct {
	specs    map[string]*entities.Spec // by entity name
	patterns map[string]string         // name → the one pattern the whole specification gives it
}

// Task builds an example task for one operation of e: LIST with the
// parents in the filterClause, GET, UPDATE and DELETE by entityId (composite
// for child entities), CREATE and UPDATE with a payload of the required
// inputs plus the showcase ones (or the first input when that is all).
func (b *Builder) Task(e *entities.Entity, op entities.Op) task.Task {
	t := task.Task{Entity: e.Name, Operation: string(op)}
	switch op {
	case entities.List:
		t.FilterClause = b.ParentFilter(e)
		t.PageSize = PageSize
	case entities.Get, entities.Delete:
		t.EntityID = b.EntityID(e)
	case entities.Update:
		t.EntityID = b.EntityID(e)
		t.Payload = b.Payload(e, e.Updates)
	case entities.Create:
		t.Payload = b.Payload(e, e.Creates)
	}
	return t
}

// Tasks builds one example task per operation e supports, in the
// contract's order.
func (b *Builder) Tasks(e *entities.Entity) []task.Task {
	var out []task.Task
	for _, op := range e.Ops() {
		out = append(out, b.Task(e, op))
	}
	return out
}

// Action builds an example ACTION task.
func (b *Builder) Action(a *entities.Action) task.Task {
	return task.Task{Operation: task.OpAction, Action: a.Name, Payload: b.Payload(nil, a.Inputs)}
}

// Payload builds an example connectorInputPayload from ins, in the
// connector's names; e (nil for an action) helps find Sid patterns.
func (b *Builder) Payload(e *entities.Entity, ins []entities.Input) map[string]any {
	out := map[string]any{}
	for _, in := range ins {
		if in.Param.Required || slices.Contains(showcase, in.Name) {
			out[in.Name] = b.value(e, in.Name, in.Param)
		}
	}
	if len(out) == 0 && len(ins) > 0 {
		out[ins[0].Name] = b.value(e, ins[0].Name, ins[0].Param)
	}
	return out
}

func (b *Builder) value(e *entities.Entity, name string, p entities.Param) any {
	return Value(name, p, b.Pattern(e, name))
}
