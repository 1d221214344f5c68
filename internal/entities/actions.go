package entities

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Action is one of the connection's actions (the connector model's stored
// procedures): a named request with inputs and an output object.
type Action struct {
	Name        string
	Description string
	Inputs      []Input
	entity      *Entity // whose create path the action posts to
}

// actionDefs are the connector model's actions (docs/connector-model.md §5).
// SendMessage is a Messages create that answers the whole new row;
// AddOutgoingCallerIds starts Twilio's caller-ID validation call, which is
// why OutgoingCallerIds has no CREATE of its own.
var actionDefs = []struct{ name, entity, description string }{
	{"SendMessage", "Messages", "Send an SMS, MMS or WhatsApp message; answers the new message row (Sid, Status, …)."},
	{"AddOutgoingCallerIds", "OutgoingCallerIds", "Start verifying a phone number as a caller ID: Twilio calls it " +
		"and the person enters the ValidationCode this action answers."},
}

func buildActions(c *Catalogue) {
	c.actions = map[string]*Action{}
	for _, d := range actionDefs {
		e, ok := c.Lookup(d.entity)
		if !ok {
			continue
		}
		a := &Action{Name: d.name, Description: d.description, entity: e, Inputs: inputs(d.entity, specFor(d.entity).Create)}
		c.actions[strings.ToLower(d.name)] = a
		c.actionNames = append(c.actionNames, d.name)
	}
	sort.Strings(c.actionNames)
}

func specFor(name string) *Spec {
	for i := range specs {
		if specs[i].Name == name {
			return &specs[i]
		}
	}
	return &Spec{}
}

// Action finds an action by name, case-insensitively.
func (c *Catalogue) Action(name string) (*Action, bool) {
	a, ok := c.actions[strings.ToLower(strings.TrimSpace(name))]
	return a, ok
}

// ActionNames lists the actions, sorted.
func (c *Catalogue) ActionNames() []string { return c.actionNames }

// action runs an ACTION task: the inputs are checked like a create's, sent
// to the entity's create path, and the answer is the whole row.
func (x *Executor) action(ctx context.Context, t *task.Task) (task.Output, error) {
	a, ok := x.Catalogue.Action(t.Action)
	if !ok {
		return task.Output{}, codes.Errorf(codes.NotFound, "unknown action %.64q; the actions are: %s",
			t.Action, strings.Join(x.Catalogue.ActionNames(), ", "))
	}
	form, _, err := a.entity.form(Op("ACTION "+a.Name), a.Inputs, t.Payload)
	if err != nil {
		return task.Output{}, err
	}
	body, err := x.call(ctx, http.MethodPost, a.entity.Host, x.path(a.entity.ListPath, nil), nil, form)
	if err != nil {
		return task.Output{}, err
	}
	return task.Output{Payload: a.entity.Row(body)}, nil
}
