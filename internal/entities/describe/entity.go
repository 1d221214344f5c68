package describe

import (
	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Entity describes one entity. Inputs holds the payload inputs of CREATE
// and UPDATE (when supported); Examples one task per supported operation,
// in the contract's order, as the task topic takes them.
type Entity struct {
	Entity     string        `json:"entity"`
	Kind       string        `json:"kind"`
	Operations []entities.Op `json:"operations"`
	Key        string        `json:"key,omitempty"`
	// Parents are the placeholders naming a child entity's parent rows
	// (Media's MessageSid), in path order; ParentFilter is the filterClause
	// that names them, which LIST (and UPDATE or DELETE by filterClause)
	// must give.
	Parents      []string                `json:"parents,omitempty"`
	ParentFilter string                  `json:"parentFilter,omitempty"`
	EntityID     *EntityID               `json:"entityId,omitempty"`
	Columns      []Column                `json:"columns"`
	Inputs       map[entities.Op][]Input `json:"inputs,omitempty"`
	Examples     []task.Task             `json:"examples"`
}

// EntityID says how a task names one row: Form is the entityId's shape,
// composite for a child entity ("MessageSid/Sid": the parents, then the
// key, joined by "/"). It is nil when rows have no key.
type EntityID struct {
	Form    string `json:"form"`
	Example string `json:"example"`
}

// Column is one row column. Type is what results carry in it (a JSON
// string for Twilio's "0.0075"; "datetime" and "date" are strings, "any"
// is any JSON value); CompareAs, when set, is how filters and sorting
// compare its values (as a number). Create and Update say whether a
// payload can write it (then Aliases are the other names it accepts
// there); Filter is set when Twilio can filter on it server-side. Every
// column can be named in a filterClause: the rest is filtered by the
// worker.
type Column struct {
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	CompareAs string   `json:"compareAs,omitempty"`
	Format    string   `json:"format,omitempty"`
	Enum      []string `json:"enum,omitempty"`
	Key       bool     `json:"key,omitempty"`
	Parent    bool     `json:"parent,omitempty"`
	Create    bool     `json:"create,omitempty"`
	Update    bool     `json:"update,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	Filter    *Filter  `json:"serverFilter,omitempty"`
}

// Filter is Twilio's list parameter for a column: equality, and for dates
// whole-day bounds as well (DayBounds), which narrow <, <=, >, >= and
// BETWEEN before the worker applies the exact condition.
type Filter struct {
	Param     string `json:"param"`
	DayBounds bool   `json:"dayBounds,omitempty"`
}

// DescribeEntity describes e, with examples from b.
func DescribeEntity(e *entities.Entity, b *example.Builder) Entity {
	d := Entity{Entity: e.Name, Kind: e.Kind, Operations: e.Ops(), Key: e.Key, Parents: e.Parents,
		ParentFilter: b.ParentFilter(e), Examples: b.Tasks(e)}
	if e.Key != "" {
		d.EntityID = &EntityID{Form: e.IDForm(), Example: b.EntityID(e)}
	}
	for _, c := range e.Columns {
		d.Columns = append(d.Columns, column(e, c))
	}
	if e.Supports(entities.Create) || e.Supports(entities.Update) {
		d.Inputs = map[entities.Op][]Input{}
	}
	if e.Supports(entities.Create) {
		d.Inputs[entities.Create] = inputs(e.Creates)
	}
	if e.Supports(entities.Update) {
		d.Inputs[entities.Update] = inputs(e.Updates)
	}
	return d
}

func column(e *entities.Entity, c entities.Column) Column {
	d := Column{Name: c.Name, Type: string(c.Type), CompareAs: string(c.CompareAs), Format: c.Format, Enum: c.Enum,
		Key: c.Key, Parent: c.Parent}
	if c.Type == entities.TDateTime {
		d.Format = "" // Twilio's wire format (RFC 2822); rows carry RFC 3339
	}
	if in, ok := findInput(e.Creates, c.Name); ok && e.Supports(entities.Create) {
		d.Create, d.Aliases = true, aliasesOf(in, c.Name)
	}
	if in, ok := findInput(e.Updates, c.Name); ok && e.Supports(entities.Update) {
		d.Update, d.Aliases = true, aliasesOf(in, c.Name)
	}
	if c.Filter != nil {
		d.Filter = &Filter{Param: c.Filter.Param, DayBounds: c.Filter.Range}
	}
	return d
}

// aliasesOf is the other names the input writing column name accepts.
func aliasesOf(in entities.Input, name string) []string {
	var out []string
	for _, n := range append([]string{in.Name}, in.Aliases...) {
		if n != name {
			out = append(out, n)
		}
	}
	return out
}
