package entities_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/describe"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// TestDescribedTypesAreWhatResultsCarry: for every entity, the rows the
// simulator's fixtures give, as a result message carries them (JSON), hold
// in each column a value of the type `worker describe` states for it, and
// the generated row schema (schemas/entities) states the same JSON type.
// Twilio's numbers in strings (Price, NumSegments) were described as
// numbers while results carried strings.
func TestDescribedTypesAreWhatResultsCarry(t *testing.T) {
	fixtures := loadWalkFixtures(t)
	cat := entities.NewCatalogue()
	b := example.New()
	seen := map[string]bool{} // "Entity.Column" with a non-null value checked
	for _, name := range cat.Names() {
		e, _ := cat.Lookup(name)
		t.Run(name, func(t *testing.T) {
			w := &walk{e: e, b: b, env: newEnv(t, fixtures)}
			w.run = handler.Chain(handler.New(w.env.x, nil), handler.Classify())
			w.subject = w.fixtureRow(t)
			d := describe.DescribeEntity(e, b)
			schema := rowSchemaTypes(t, name)
			for _, row := range resultRows(t, w) {
				for _, c := range d.Columns {
					want := jsonType(c.Type)
					if s, ok := schema[c.Name]; !ok || s != want {
						t.Errorf("%s: describe says %s (JSON %q), the row schema says %q", c.Name, c.Type, want, s)
					}
					v, ok := row[c.Name]
					if !ok || v == nil {
						continue
					}
					seen[name+"."+c.Name] = true
					if got := valueType(v); want != "" && got != want && !(want == "number" && got == "integer") {
						t.Errorf("%s: describe says %s (JSON %s), results carry %s %v", c.Name, c.Type, want, got, v)
					}
				}
			}
		})
	}
	for _, c := range []string{"Messages.NumSegments", "Recordings.Price", "Messages.DateCreated", "Calls.Duration",
		"IncomingPhoneNumbers.CapabilitiesSms", "UsageRecords.Usage", "CallEvents.Request", "Tokens.IceServers"} {
		if !seen[c] {
			t.Errorf("no row had a value in %s: the fixtures no longer exercise it", c)
		}
	}
	t.Logf("checked %d entity columns with values", len(seen))
}

// resultRows runs LIST (else GET, else CREATE, which answers the key or,
// for rows without one, the row) for the walk's subject and returns the
// rows as a result message carries them, decoded from its JSON.
func resultRows(t *testing.T, w *walk) []map[string]any {
	t.Helper()
	var tk task.Task
	switch {
	case w.e.Supports(entities.List):
		tk = task.Task{Operation: task.OpList, FilterClause: w.parentFilter(), PageSize: 1000}
	case w.e.Supports(entities.Get):
		tk = task.Task{Operation: task.OpGet, EntityID: w.entityID(t)}
	default:
		tk = task.Task{Operation: task.OpCreate, Payload: w.createPayload()}
	}
	data, err := json.Marshal(w.succeed(t, tk))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Payload any `json:"connectorOutputPayload"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	switch p := r.Payload.(type) {
	case map[string]any:
		rows = append(rows, p)
	case []any:
		for _, x := range p {
			rows = append(rows, x.(map[string]any))
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s answered no row", tk.Operation)
	}
	return rows
}

// jsonType is the JSON type of a described column type, "" for any.
func jsonType(t string) string {
	switch entities.Type(t) {
	case entities.TDateTime, entities.TDate:
		return "string"
	case entities.TAny:
		return ""
	}
	return t
}

// valueType is the JSON type of a decoded value; "integer" for a whole
// number.
func valueType(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// rowSchemaTypes reads the generated row schema of an entity: column →
// its non-null JSON type, "" when it has none (any JSON value).
func rowSchemaTypes(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../../schemas/entities/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs struct {
			Row struct {
				Properties map[string]struct {
					Type []string `json:"type"`
				} `json:"properties"`
			} `json:"row"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for col, p := range doc.Defs.Row.Properties {
		out[col] = "" // no type: any JSON value
		if len(p.Type) > 0 {
			out[col] = p.Type[0]
		}
	}
	return out
}
