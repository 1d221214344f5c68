package entities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
	"github.com/connectorworks/twilio-worker/internal/handler"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// walkFixtureFiles are the simulator's fixtures for the whole catalogue:
// catalogue.json has a row under every key, and its child rows name
// parents (calls, a message, a number, a recording) that fixtures.json
// holds, so both are loaded, as the simulator's own catalogue walk does.
var walkFixtureFiles = []string{"../twiliosim/testdata/catalogue.json", "../twiliosim/testdata/fixtures.json"}

// walkFixtureKeys names the fixture key of the entities whose fixture key
// is neither their list key nor the snake_case of their name (see the doc
// comment of twiliosim.LoadFixtures).
var walkFixtureKeys = map[string]string{
	"FeedbackSummary": "feedback_summaries",
	"CallAnnotation":  "call_annotations",
}

// walkParentFields are the parent columns whose fixture field is neither
// the column's own field nor the snake_case of the parent (Media's
// MessageSid is Twilio's parent_sid; available numbers are under their
// iso_country).
var walkParentFields = map[string]string{
	"Media/MessageSid": "parent_sid",
	"*/CountryCode":    "iso_country",
}

// walkCreateExtras are the overrides: inputs a CREATE needs beyond the
// example builder's payload, for Twilio rules the specification cannot
// state (one of several optional parameters is required), which the
// simulator enforces as Twilio does. The builder's examples for these
// entities are refused by Twilio as they stand.
var walkCreateExtras = map[string]map[string]any{
	// Twilio: "One of Url, Twiml or ApplicationSid is required to create a call".
	"Calls": {"Url": "https://example.com/voice.xml"},
	// Twilio: "A 'PhoneNumber' or 'AreaCode' parameter is required to buy a number".
	"IncomingPhoneNumbers": {"AreaCode": "415"},
}

// TestCatalogueWalk runs every operation of every entity in the catalogue
// through the executor against the simulator loaded with the catalogue's
// fixtures, addressing rows that exist: LIST under a fixture row's parents,
// GET of the listed row, CREATE of the example payload under the same
// parents, UPDATE of the example payload and DELETE by the composite
// entityId, then a GET that must be NOT_FOUND.
func TestCatalogueWalk(t *testing.T) {
	fixtures := loadWalkFixtures(t)
	cat := entities.NewCatalogue()
	b := example.New()
	walked, want := 0, 0
	for _, name := range cat.Names() {
		e, _ := cat.Lookup(name)
		want += len(e.Ops())
		t.Run(name, func(t *testing.T) {
			w := &walk{e: e, b: b, env: newEnv(t, fixtures)}
			w.run = handler.Chain(handler.New(w.env.x, nil), handler.Classify())
			w.subject = w.fixtureRow(t)
			for _, op := range e.Ops() {
				t.Run(string(op), func(t *testing.T) {
					walked++
					w.step(t, op)
				})
			}
		})
	}
	if walked != want {
		t.Errorf("walked %d entity×operation pairs, the catalogue has %d", walked, want)
	}
	t.Logf("walked %d entity×operation pairs of %d entities", walked, len(cat.Names()))
}

// loadWalkFixtures merges the fixture files key by key.
func loadWalkFixtures(t *testing.T) map[string][]any {
	t.Helper()
	out := map[string][]any{}
	for _, path := range walkFixtureFiles {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string][]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for k, rows := range doc {
			out[k] = append(out[k], rows...)
		}
	}
	return out
}

// walk is one entity's walk. subject is the existing row the instance
// operations address, in connector columns: a fixture row, replaced by
// the row LIST answers for it.
type walk struct {
	e       *entities.Entity
	b       *example.Builder
	env     *env
	run     handler.Func
	subject map[string]any
	listed  bool // subject came from LIST
}

func (w *walk) step(t *testing.T, op entities.Op) {
	switch op {
	case entities.List:
		w.list(t)
	case entities.Get:
		w.get(t)
	case entities.Create:
		w.create(t)
	case entities.Update:
		w.update(t)
	case entities.Delete:
		w.delete(t)
	}
}

// fixtureRow picks the entity's first stored fixture row that names all
// its parents (and its key), mapped to connector columns.
func (w *walk) fixtureRow(t *testing.T) map[string]any {
	t.Helper()
	key := w.fixtureKey(t)
	for _, raw := range w.env.sim.Rows(key) {
		row := w.e.Row(raw)
		complete := true
		for _, p := range w.e.Parents {
			v, _ := raw[w.parentField(p)].(string)
			if v == "" {
				complete = false
			}
			row[p] = v
		}
		if k, _ := row[w.e.Key].(string); w.e.Key != "" && k == "" {
			complete = false
		}
		if complete {
			return row
		}
	}
	t.Fatalf("no fixture row under %q names %s's parents %v and key %q", key, w.e.Name, w.e.Parents, w.e.Key)
	return nil
}

func (w *walk) fixtureKey(t *testing.T) string {
	t.Helper()
	keys := w.env.sim.FixtureKeys()
	for _, k := range []string{walkFixtureKeys[w.e.Name], w.e.ListKey, snakeName(w.e.Name)} {
		if k != "" && slices.Contains(keys, k) {
			return k
		}
	}
	t.Fatalf("%s: no fixture key among %v", w.e.Name, keys)
	return ""
}

func (w *walk) parentField(p string) string {
	if f, ok := walkParentFields[w.e.Name+"/"+p]; ok {
		return f
	}
	if f, ok := walkParentFields["*/"+p]; ok {
		return f
	}
	if c, ok := w.e.Column(p); ok && c.Field != "" {
		return c.Field
	}
	return snakeName(p)
}

// parentFilter is the filterClause naming the subject's parents.
func (w *walk) parentFilter() string {
	conds := make([]string, len(w.e.Parents))
	for i, p := range w.e.Parents {
		conds[i] = fmt.Sprintf("%s = '%s'", p, w.subject[p])
	}
	return strings.Join(conds, " AND ")
}

// entityID is the subject's composite entityId.
func (w *walk) entityID(t *testing.T) string {
	t.Helper()
	return w.idOf(t, w.subject)
}

// idOf is a row's composite entityId: its parents in path order, then its
// key ("MM…/ME…").
func (w *walk) idOf(t *testing.T, row map[string]any) string {
	t.Helper()
	if w.e.Key == "" {
		t.Fatalf("%s rows have no key", w.e.Name)
	}
	parts := make([]string, 0, len(w.e.Parents)+1)
	for _, c := range append(slices.Clone(w.e.Parents), w.e.Key) {
		v, _ := row[c].(string)
		if v == "" {
			t.Fatalf("row has no %s to address it by: %v", c, row)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "/")
}

// keyOf is the connector's key object of a row: the key and the parents.
func (w *walk) keyOf(row map[string]any) map[string]any {
	out := map[string]any{w.e.Key: row[w.e.Key]}
	for _, p := range w.e.Parents {
		out[p] = row[p]
	}
	return out
}

// do runs a task through the handler chain the worker uses (decode,
// execute, classify) and answers its result.
func (w *walk) do(t *testing.T, tk task.Task) *task.Result {
	t.Helper()
	tk.Entity = w.e.Name
	data, err := json.Marshal(tk)
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.run(context.Background(), &handler.Message{ID: "walk", Data: data})
	if err != nil || r == nil {
		t.Fatalf("%s: no result: %v", data, err)
	}
	return r
}

// succeed runs a task and fails the test unless it SUCCEEDED.
func (w *walk) succeed(t *testing.T, tk task.Task) *task.Result {
	t.Helper()
	r := w.do(t, tk)
	if r.Status != task.StatusSucceeded {
		data, _ := json.Marshal(tk)
		t.Fatalf("%s: %s %+v", data, r.Status, r.Error)
	}
	return r
}

func (w *walk) list(t *testing.T) {
	filter := w.parentFilter()
	r := w.succeed(t, task.Task{Operation: task.OpList, FilterClause: filter, PageSize: 1000})
	rows, ok := r.Payload.([]any)
	if !ok || len(rows) == 0 {
		t.Fatalf("LIST %q answered %#v, want at least one row", filter, r.Payload)
	}
	for i, x := range rows {
		row := x.(map[string]any)
		if k, _ := row[w.e.Key].(string); w.e.Key != "" && k == "" {
			t.Errorf("row %d has no key %s: %v", i, w.e.Key, row)
		}
		for _, p := range w.e.Parents {
			if row[p] != w.subject[p] {
				t.Errorf("row %d: parent %s = %v, want %v", i, p, row[p], w.subject[p])
			}
		}
	}
	// The listed row for the fixture row, if the key tells; else the first.
	next := rows[0].(map[string]any)
	for _, x := range rows {
		if row := x.(map[string]any); w.e.Key != "" && row[w.e.Key] == w.subject[w.e.Key] {
			next = row
		}
	}
	w.subject, w.listed = next, true
}

func (w *walk) get(t *testing.T) {
	id := w.entityID(t)
	r := w.succeed(t, task.Task{Operation: task.OpGet, EntityID: id})
	row, ok := r.Payload.(map[string]any)
	if !ok {
		t.Fatalf("GET %s answered %#v, want a row", id, r.Payload)
	}
	if w.listed {
		if !reflect.DeepEqual(row, w.subject) {
			t.Errorf("GET %s differs from the listed row:%s", id, rowDiff(w.subject, row))
		}
		return
	}
	for _, c := range append(slices.Clone(w.e.Parents), w.e.Key) {
		if fmt.Sprint(row[c]) != fmt.Sprint(w.subject[c]) {
			t.Errorf("GET %s: %s = %v, want %v", id, c, row[c], w.subject[c])
		}
	}
}

// createPayload is the example CREATE payload, addressing the subject.
func (w *walk) createPayload() map[string]any {
	payload := w.b.Task(w.e, entities.Create).Payload
	for _, in := range w.e.Creates {
		// Path inputs name existing rows: the subject's parents, and for
		// an upsert on the instance (call Feedback) the subject's key.
		if in.InPath {
			payload[in.Name] = w.subject[in.Name]
		}
	}
	maps.Copy(payload, walkCreateExtras[w.e.Name])
	return payload
}

func (w *walk) create(t *testing.T) {
	payload := w.createPayload()
	r := w.succeed(t, task.Task{Operation: task.OpCreate, Payload: payload})
	out, ok := r.Payload.(map[string]any)
	if !ok {
		t.Fatalf("CREATE answered %#v, want an object", r.Payload)
	}
	for _, p := range w.e.Parents {
		if out[p] != payload[p] {
			t.Errorf("CREATE answered %s = %v, want %v", p, out[p], payload[p])
		}
	}
	if w.e.Key == "" {
		return // nothing identifies the row: the answer is the row (Tokens)
	}
	if v, _ := out[w.e.Key].(string); v == "" {
		t.Fatalf("CREATE answered %v, without the key %s", out, w.e.Key)
	}
	if !w.e.Supports(entities.Get) {
		return
	}
	// The answer addresses the new row.
	id := w.idOf(t, out)
	row, _ := w.succeed(t, task.Task{Operation: task.OpGet, EntityID: id}).Payload.(map[string]any)
	if got := w.keyOf(row); !reflect.DeepEqual(got, out) {
		t.Errorf("GET %s of the created row answered key %v, want %v", id, got, out)
	}
}

func (w *walk) update(t *testing.T) {
	id := w.entityID(t)
	payload := w.b.Task(w.e, entities.Update).Payload
	r := w.succeed(t, task.Task{Operation: task.OpUpdate, EntityID: id, Payload: payload})
	want := w.keyOf(w.subject)
	if w.e.UpdateAnswersEmpty {
		want = map[string]any{}
	}
	if !reflect.DeepEqual(r.Payload, want) {
		t.Errorf("UPDATE %s answered %#v, want %#v", id, r.Payload, want)
	}
}

func (w *walk) delete(t *testing.T) {
	id := w.entityID(t)
	if r := w.succeed(t, task.Task{Operation: task.OpDelete, EntityID: id}); !reflect.DeepEqual(r.Payload, map[string]any{}) {
		t.Errorf("DELETE %s answered %#v, want {}", id, r.Payload)
	}
	if !w.e.Supports(entities.Get) {
		return
	}
	r := w.do(t, task.Task{Operation: task.OpGet, EntityID: id})
	if r.Status != task.StatusFailed || r.Error == nil || r.Error.Code != codes.NotFound || r.Error.HTTPStatus != 404 {
		t.Errorf("GET %s after DELETE: %s %+v, want NOT_FOUND from Twilio's 404", id, r.Status, r.Error)
	}
}

// rowDiff lists the columns where two rows differ.
func rowDiff(want, got map[string]any) string {
	cols := slices.Collect(maps.Keys(want))
	for k := range got {
		if _, ok := want[k]; !ok {
			cols = append(cols, k)
		}
	}
	slices.Sort(cols)
	var b strings.Builder
	for _, k := range cols {
		if !reflect.DeepEqual(want[k], got[k]) {
			fmt.Fprintf(&b, "\n  %s: listed %#v, got %#v", k, want[k], got[k])
		}
	}
	return b.String()
}

// snakeName is the snake_case of a PascalCase name (CallSid → call_sid).
func snakeName(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
