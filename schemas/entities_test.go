package schemas_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/describe"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
	"github.com/connectorworks/twilio-worker/internal/entities/schemagen/entityschema"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// TestEntitySchemasAreGenerated regenerates schemas/entities into a temp
// dir and fails on any difference: a file changed by hand, or a catalogue
// change whose schemas were not regenerated.
func TestEntitySchemasAreGenerated(t *testing.T) {
	t.Parallel()
	files, err := entityschema.Files(entities.NewCatalogue(), example.New())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := entityschema.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	want, got := readTree(t, dir), readTree(t, "entities")
	for name, data := range want {
		switch committed, ok := got[name]; {
		case !ok:
			t.Errorf("entities/%s is missing", name)
		case !bytes.Equal(committed, data):
			t.Errorf("entities/%s differs from what the generator writes", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("entities/%s is not generated (stale?)", name)
		}
	}
	if t.Failed() {
		t.Log("run: go generate ./schemas")
	}
}

// readTree reads every file under dir, keyed by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// entityCompiler loads every committed entity and action schema, with
// format assertions on (date-time, uri are checked, not just annotated).
var entityCompiler = sync.OnceValues(func() (*jsonschema.Compiler, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files, _ := filepath.Glob("entities/*.json")
	actions, _ := filepath.Glob("entities/actions/*.json")
	for _, f := range append(files, actions...) {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(entityschema.BaseID+strings.TrimPrefix(filepath.ToSlash(f), "entities/"), doc); err != nil {
			return nil, err
		}
	}
	return c, nil
})

// compileMu serialises Compile: a jsonschema.Compiler is not safe for
// concurrent use, and the tests run in parallel.
var compileMu sync.Mutex

// payloadSchema compiles one payload schema: file plus a fragment such as
// "#/$defs/create", or "" for the top level.
func payloadSchema(t *testing.T, file, fragment string) *jsonschema.Schema {
	t.Helper()
	c, err := entityCompiler()
	if err != nil {
		t.Fatal(err)
	}
	compileMu.Lock()
	s, err := c.Compile(entityschema.BaseID + file + fragment)
	compileMu.Unlock()
	if err != nil {
		t.Fatalf("%s%s: %v", file, fragment, err)
	}
	return s
}

// asSchemaValue round-trips v through JSON into the values the validator
// expects (json.Number for numbers).
func asSchemaValue(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDescribeExamplesMatchEntitySchemas: every payload `worker describe`
// prints validates against its entity's schema for that operation, and
// against the top level; entities without writes accept no payload.
func TestDescribeExamplesMatchEntitySchemas(t *testing.T) {
	t.Parallel()
	c, b := entities.NewCatalogue(), example.New()
	for _, name := range c.Names() {
		e, _ := c.Lookup(name)
		file := entityschema.EntityFile(name)
		for _, ex := range describe.DescribeEntity(e, b).Examples {
			if ex.Payload == nil {
				continue
			}
			payload := asSchemaValue(t, ex.Payload)
			for _, frag := range []string{"#/$defs/" + strings.ToLower(ex.Operation), ""} {
				if err := payloadSchema(t, file, frag).Validate(payload); err != nil {
					t.Errorf("%s %s example %v fails %s%s: %v", name, ex.Operation, ex.Payload, file, frag, err)
				}
			}
		}
		if !e.Supports(entities.Create) && !e.Supports(entities.Update) {
			if payloadSchema(t, file, "").Validate(map[string]any{}) == nil {
				t.Errorf("%s has no writes, yet its schema accepts a payload", name)
			}
		}
	}
	for _, name := range c.ActionNames() {
		a, _ := c.Action(name)
		payload := asSchemaValue(t, describe.DescribeAction(a, b).Example.Payload)
		if err := payloadSchema(t, entityschema.ActionFile(name), "").Validate(payload); err != nil {
			t.Errorf("action %s example fails its schema: %v", name, err)
		}
	}
}

// payloadCases are hand-written payloads, valid and not, each checked
// against the schema and against the worker's own executor: the two must
// agree.
var payloadCases = []struct {
	name, entity, op, payload string
	valid                     bool
}{
	{"alias accepted", "Messages", "CREATE", `{"To":"+15005550006","From":"+15005550006","Body":"hi"}`, true},
	{"single value for an array", "Messages", "CREATE", `{"To":"+15005550006","MediaUrl":"https://example.com/a.png"}`, true},
	{"required by alias", "Feedback", "CREATE", `{"CallSid":"CA0123456789abcdef0123456789abcdef"}`, true},
	{"unknown column", "Messages", "CREATE", `{"To":"+15005550006","Senderr":"+15005550006"}`, false},
	{"read-only column", "Messages", "CREATE", `{"To":"+15005550006","Sid":"SM0123456789abcdef0123456789abcdef"}`, false},
	{"wrong type", "Messages", "CREATE", `{"To":15005550006}`, false},
	{"wrong boolean", "Messages", "CREATE", `{"To":"+15005550006","SendAsMms":"yes"}`, false},
	{"missing required", "Messages", "CREATE", `{"Body":"no recipient"}`, false},
	{"name and alias both", "Messages", "CREATE", `{"To":"+15005550006","Sender":"+15005550006","From":"+15005550006"}`, false},
	{"not in enum", "Messages", "UPDATE", `{"Status":"sent"}`, false},
	{"pattern", "Messages", "CREATE", `{"To":"+15005550006","MessagingServiceSid":"MG123"}`, false},
	{"date-time format", "Messages", "CREATE", `{"To":"+15005550006","SendAt":"tomorrow"}`, false},
	{"missing required path value", "Feedback", "CREATE", `{"QualityScore":5}`, false},
	{"no payload for a view", "Media", "", `{}`, false},
	{"action wrong type", "SendMessage", "ACTION", `{"To":true}`, false},
	{"action valid", "SendMessage", "ACTION", `{"To":"+15005550006","Body":"hi"}`, true},
}

func TestHandWrittenPayloads(t *testing.T) {
	t.Parallel()
	run := executorRun(t)
	for _, c := range payloadCases {
		t.Run(c.name, func(t *testing.T) {
			file, frag := entityschema.EntityFile(c.entity), "#/$defs/"+strings.ToLower(c.op)
			msg := map[string]any{"entity": c.entity, "operation": c.op, "connectorInputPayload": json.RawMessage(c.payload)}
			switch c.op {
			case "":
				frag = ""
			case "ACTION":
				file, frag = entityschema.ActionFile(c.entity), ""
				msg = map[string]any{"operation": "ACTION", "action": c.entity, "connectorInputPayload": json.RawMessage(c.payload)}
			case "UPDATE":
				msg["entityId"] = "SM0123456789abcdef0123456789abcdef"
			}
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(c.payload))
			if err != nil {
				t.Fatal(err)
			}
			if err := payloadSchema(t, file, frag).Validate(v); (err == nil) != c.valid {
				t.Errorf("schema %s%s: got error %v, want valid=%v", file, frag, err, c.valid)
			}
			if c.op == "" {
				return // nothing to execute: no operation takes a payload
			}
			if err := run(msg); (err == nil) != c.valid {
				t.Errorf("worker: got error %v, want valid=%v", err, c.valid)
			}
		})
	}
}

// executorRun runs a task through task.Decode and the executor against a
// stand-in Twilio that answers {} to everything: the executor checks the
// payload before any request, so its verdict is the worker's.
func executorRun(t *testing.T) func(msg map[string]any) error {
	t.Helper()
	const account = "AC0123456789abcdef0123456789abcdef"
	f := twiliohttp.NewFactory(account, secret.New("token"), emptyTwilio{}, 5*time.Second)
	x := &entities.Executor{Catalogue: entities.NewCatalogue(), AccountSID: account, Handler: f.Handler}
	return func(msg map[string]any) error {
		data, err := json.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := task.Decode(data)
		if err != nil {
			return err
		}
		_, err = x.Do(context.Background(), decoded)
		return err
	}
}

// emptyTwilio answers every request 200 with {}.
type emptyTwilio struct{}

func (emptyTwilio) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Request: r, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader("{}"))}, nil
}

// TestEntitySchemaIndex: the README indexes every entity and action.
func TestEntitySchemaIndex(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("entities/README.md")
	if err != nil {
		t.Fatal(err)
	}
	c := entities.NewCatalogue()
	for _, name := range slices.Concat(c.Names(), c.ActionNames()) {
		if !bytes.Contains(data, []byte("["+name+"]")) {
			t.Errorf("entities/README.md does not list %s", name)
		}
	}
}
