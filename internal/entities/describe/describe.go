// Package describe presents the entity catalogue to people and programs:
// what `worker entities` and `worker describe` print. Each value here is
// built from the catalogue alone and has a JSON form (its struct tags) and
// a text form (WriteText), which carry the same facts.
package describe

import (
	"slices"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Catalogue is the list of entities (kind, operations) and actions.
type Catalogue struct {
	Entities []EntitySummary `json:"entities"`
	Actions  []ActionSummary `json:"actions"`
}

// EntitySummary is one line of the entity list.
type EntitySummary struct {
	Name       string        `json:"name"`
	Kind       string        `json:"kind"`
	Operations []entities.Op `json:"operations"`
}

// ActionSummary is one line of the action list.
type ActionSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// List summarises the catalogue, entities and actions sorted by name.
func List(c *entities.Catalogue) Catalogue {
	var l Catalogue
	for _, name := range c.Names() {
		e, _ := c.Lookup(name)
		l.Entities = append(l.Entities, EntitySummary{Name: e.Name, Kind: e.Kind, Operations: e.Ops()})
	}
	for _, name := range c.ActionNames() {
		a, _ := c.Action(name)
		l.Actions = append(l.Actions, ActionSummary{Name: a.Name, Description: a.Description})
	}
	return l
}

// Input is one writable input of a payload, in the connector's name, with
// Twilio's form name and constraints. InPath inputs fill a path
// placeholder (a parent's sid) instead of a form field.
type Input struct {
	Name       string   `json:"name"`
	Aliases    []string `json:"aliases,omitempty"`
	TwilioName string   `json:"twilioName"`
	Type       string   `json:"type"`
	Items      string   `json:"items,omitempty"`
	Format     string   `json:"format,omitempty"`
	Enum       []string `json:"enum,omitempty"`
	Pattern    string   `json:"pattern,omitempty"`
	MaxLength  int      `json:"maxLength,omitempty"` // in characters
	Required   bool     `json:"required,omitempty"`
	InPath     bool     `json:"inPath,omitempty"`
}

func inputs(ins []entities.Input) []Input {
	out := make([]Input, 0, len(ins))
	for _, in := range ins {
		p := in.Param
		out = append(out, Input{Name: in.Name, Aliases: in.Aliases, TwilioName: p.Name, Type: string(p.Type),
			Items: string(p.Items), Format: p.Format, Enum: p.Enum, Pattern: p.Pattern, MaxLength: p.MaxChars, Required: p.Required,
			InPath: in.InPath})
	}
	return out
}

// Action is one action: its inputs and an example ACTION task.
type Action struct {
	Action      string    `json:"action"`
	Description string    `json:"description"`
	Inputs      []Input   `json:"inputs"`
	Example     task.Task `json:"example"`
}

// DescribeAction describes a.
func DescribeAction(a *entities.Action, b *example.Builder) Action {
	return Action{Action: a.Name, Description: a.Description, Inputs: inputs(a.Inputs), Example: b.Action(a)}
}

// findInput is the input that writes column name, by its name or an alias.
func findInput(ins []entities.Input, name string) (entities.Input, bool) {
	i := slices.IndexFunc(ins, func(in entities.Input) bool {
		return strings.EqualFold(in.Name, name) || slices.ContainsFunc(in.Aliases, func(a string) bool {
			return strings.EqualFold(a, name)
		})
	})
	if i < 0 {
		return entities.Input{}, false
	}
	return ins[i], true
}
