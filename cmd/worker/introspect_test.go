package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/describe"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// emptyGetenv is an empty environment: the catalogue commands must need
// no configuration at all.
func emptyGetenv(string) string { return "" }

// runCmd runs the worker with args and an empty environment.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errs bytes.Buffer
	err = run(context.Background(), append([]string{"worker"}, args...), emptyGetenv, strings.NewReader(""), &out, &errs)
	return out.String(), errs.String(), err
}

// mustRun is runCmd for commands that must succeed.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("worker %s: %v\n%s", strings.Join(args, " "), err, errs)
	}
	return out
}

// mustJSON runs a --json command and decodes its output into v.
func mustJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := mustRun(t, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("worker %s --json: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// lineFields finds the first output line whose fields start with prefix.
func lineFields(out string, prefix ...string) []string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= len(prefix) && slices.Equal(f[:len(prefix)], prefix) {
			return f
		}
	}
	return nil
}

func TestEntitiesListsEntitiesAndActions(t *testing.T) {
	t.Parallel()
	out := mustRun(t, "entities")
	want := []string{"Messages", "table", "LIST", "GET", "CREATE", "UPDATE", "DELETE"}
	if got := lineFields(out, "Messages"); !slices.Equal(got, want) {
		t.Errorf("Messages line = %q, want %q\n%s", got, want, out)
	}
	if got := lineFields(out, "Media"); !slices.Equal(got, []string{"Media", "table", "LIST", "GET", "DELETE"}) {
		t.Errorf("Media line = %q", got)
	}
	for _, action := range []string{"SendMessage", "AddOutgoingCallerIds"} {
		if f := lineFields(out, action); len(f) < 2 {
			t.Errorf("no line with a description for action %s:\n%s", action, out)
		}
	}
}

func TestEntitiesJSONHasTheSameFacts(t *testing.T) {
	t.Parallel()
	var list describe.Catalogue
	mustJSON(t, &list, "entities")
	c := entities.NewCatalogue()
	if len(list.Entities) != len(c.Names()) || len(list.Actions) != len(c.ActionNames()) {
		t.Fatalf("got %d entities and %d actions, want %d and %d",
			len(list.Entities), len(list.Actions), len(c.Names()), len(c.ActionNames()))
	}
	for _, e := range list.Entities {
		if ce, _ := c.Lookup(e.Name); !slices.Equal(e.Operations, ce.Ops()) || e.Kind != ce.Kind {
			t.Errorf("%s: got %s %v, want %s %v", e.Name, e.Kind, e.Operations, ce.Kind, ce.Ops())
		}
	}
}

func TestDescribeMediaShowsParentAndCompositeID(t *testing.T) {
	t.Parallel()
	out := mustRun(t, "describe", "media")
	for _, want := range []string{"Media (table)", "Operations: LIST GET DELETE", "entityId:   MessageSid/Sid",
		"composite: the parent's MessageSid, then the row's Sid", "MessageSid = 'SM"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe Media lacks %q:\n%s", want, out)
		}
	}
	if got := lineFields(out, "MessageSid", "string"); !slices.Equal(got, []string{"MessageSid", "string", "yes", "=", "(required", "on", "LIST)"}) {
		t.Errorf("MessageSid column line = %q, want it marked parent", got)
	}
	if strings.Contains(out, "connectorInputPayload (*") {
		t.Errorf("Media has no CREATE or UPDATE, yet describe lists payload inputs:\n%s", out)
	}
}

func TestDescribeMessagesJSON(t *testing.T) {
	t.Parallel()
	var d describe.Entity
	mustJSON(t, &d, "describe", "messages")
	if d.Entity != "Messages" || d.EntityID == nil || d.EntityID.Form != "Sid" {
		t.Fatalf("got entity %q, entityId %+v", d.Entity, d.EntityID)
	}
	i := slices.IndexFunc(d.Columns, func(c describe.Column) bool { return c.Name == "Sender" })
	if i < 0 {
		t.Fatal("no Sender column")
	}
	if c := d.Columns[i]; !c.Create || c.Update || !slices.Contains(c.Aliases, "From") {
		t.Errorf("Sender column = %+v, want writable on CREATE only, aliasing From", c)
	}
	if len(d.Examples) != 5 {
		t.Errorf("got %d examples, want one per operation", len(d.Examples))
	}
}

// TestDescribeTypesAreWhatResultsCarry: Twilio's numbers in strings are
// described as the strings results carry, compared as numbers
// (internal/entities checks every column against simulator rows).
func TestDescribeTypesAreWhatResultsCarry(t *testing.T) {
	t.Parallel()
	var d describe.Entity
	mustJSON(t, &d, "describe", "Messages")
	for name, compare := range map[string]string{"NumSegments": "integer", "Price": "number", "Body": ""} {
		i := slices.IndexFunc(d.Columns, func(c describe.Column) bool { return c.Name == name })
		if i < 0 {
			t.Fatalf("no %s column", name)
		}
		if c := d.Columns[i]; c.Type != "string" || c.CompareAs != compare {
			t.Errorf("%s: %+v, want type string, compared as %q", name, c, compare)
		}
	}
	i := slices.IndexFunc(d.Inputs[entities.Create], func(in describe.Input) bool { return in.Name == "Body" })
	if i < 0 || d.Inputs[entities.Create][i].MaxLength != 1600 {
		t.Errorf("CREATE inputs %+v: want Body with maxLength 1600", d.Inputs[entities.Create])
	}
	out := mustRun(t, "describe", "Messages")
	if f := lineFields(out, "Price"); !slices.Equal(f, []string{"Price", "string", "(compared", "as", "number)"}) {
		t.Errorf("text line of Price: %q", f)
	}
}

func TestDescribeAction(t *testing.T) {
	t.Parallel()
	out := mustRun(t, "describe", "SENDMESSAGE")
	if !strings.Contains(out, "SendMessage (action)") || !strings.Contains(out, `"operation":"ACTION","action":"SendMessage"`) {
		t.Errorf("describe SendMessage:\n%s", out)
	}
	var d describe.Action
	mustJSON(t, &d, "describe", "sendmessage")
	if d.Action != "SendMessage" || d.Example.Operation != task.OpAction || len(d.Inputs) == 0 {
		t.Errorf("describe SendMessage --json = %+v", d)
	}
}

// TestBadUsageIsAConfigError: exit status 2 (errConfig), with a message
// that helps.
func TestBadUsageIsAConfigError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"describe", "Nope"}, "the entities are: Accounts"},
		{[]string{"describe", "Mesages"}, "did you mean Messages?"},
		{[]string{"describe", "sendmesage"}, "did you mean SendMessage?"},
		{[]string{"describe"}, "takes one entity or action name"},
		{[]string{"describe", "Messages", "Calls"}, "takes one entity or action name"},
		{[]string{"describe", "--yaml", "Messages"}, "flag provided but not defined"},
		{[]string{"entities", "Messages"}, "takes no arguments"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			_, _, err := runCmd(t, c.args...)
			if !errors.Is(err, errConfig) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want a configuration error containing %q", err, c.want)
			}
		})
	}
}

// exampleTasks collects every example task describe --json prints, for
// every entity and action.
func exampleTasks(t *testing.T) []task.Task {
	t.Helper()
	c := entities.NewCatalogue()
	var tasks []task.Task
	for _, name := range c.Names() {
		var d describe.Entity
		mustJSON(t, &d, "describe", name)
		if e, _ := c.Lookup(name); len(d.Examples) != len(e.Ops()) {
			t.Errorf("%s: %d examples for %d operations", name, len(d.Examples), len(e.Ops()))
		}
		tasks = append(tasks, d.Examples...)
	}
	for _, name := range c.ActionNames() {
		var d describe.Action
		mustJSON(t, &d, "describe", name)
		tasks = append(tasks, d.Example)
	}
	return tasks
}

// TestExamplesDecode: every printed example is a valid task message.
func TestExamplesDecode(t *testing.T) {
	t.Parallel()
	for _, ex := range exampleTasks(t) {
		data, _ := json.Marshal(ex)
		if _, err := task.Decode(data); err != nil {
			t.Errorf("%s: %v", data, err)
		}
	}
}

// TestExamplesPassTheExecutor runs every example through the executor
// against a stand-in Twilio that answers every request with an empty JSON
// object: the executor's own checks (entityId and parent patterns,
// filterClause, payload names, types, enums and required inputs) all come
// before the request, so any failure is the example's fault.
func TestExamplesPassTheExecutor(t *testing.T) {
	t.Parallel()
	const account = "AC0123456789abcdef0123456789abcdef"
	f := twiliohttp.NewFactory(account, secret.New("token"), emptyTwilio{}, 5*time.Second)
	x := &entities.Executor{Catalogue: entities.NewCatalogue(), AccountSID: account, Handler: f.Handler}
	do := func(data []byte) error {
		decoded, err := task.Decode(data)
		if err != nil {
			return err
		}
		_, err = x.Do(context.Background(), decoded)
		return err
	}
	for _, ex := range exampleTasks(t) {
		data, _ := json.Marshal(ex)
		if err := do(data); err != nil {
			t.Errorf("%s: %v", data, err)
		}
	}
	// Controls: the stand-in must not hide the executor's checks.
	for _, bad := range []string{
		`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15005550006","Nope":1}}`,
		`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"Body":"no To"}}`,
		`{"entity":"Media","operation":"GET","entityId":"ME0123456789abcdef0123456789abcdef"}`,
		`{"entity":"Media","operation":"LIST"}`,
	} {
		if err := do([]byte(bad)); err == nil {
			t.Errorf("%s: the executor accepted it", bad)
		}
	}
}

// emptyTwilio answers every request 200 with {}.
type emptyTwilio struct{}

func (emptyTwilio) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Request: r, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader("{}"))}, nil
}
