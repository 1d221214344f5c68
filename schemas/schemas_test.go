package schemas_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// compile loads one schema file. Format assertions are on so that
// "date-time" is checked, not just annotated.
func compile(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	doc := readJSON(t, file)
	id, _ := doc.(map[string]any)["$id"].(string)
	if id == "" {
		t.Fatalf("%s: no $id", file)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

// readJSON decodes a file the way the schema library expects (numbers as
// json.Number).
func readJSON(t *testing.T, file string) any {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

// generic decodes JSON into maps, slices and json.Numbers, so two documents
// compare equal exactly when they mean the same (key order and spacing aside).
func generic(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return v
}

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s (err %v)", pattern, err)
	}
	return files
}

func TestTaskExamples(t *testing.T) {
	t.Parallel()
	schema := compile(t, "task.schema.json")
	for _, file := range glob(t, "testdata/task-*.json") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(readJSON(t, file)); err != nil {
				t.Errorf("schema rejects a valid example: %v", err)
			}
			decoded, err := task.Decode(data)
			if err != nil {
				t.Fatalf("task.Decode: %v", err)
			}
			out, err := json.Marshal(decoded)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(canonicalTask(generic(t, data)), generic(t, out)); diff != "" {
				t.Errorf("round trip through task.Task changed the task (-example +marshalled):\n%s", diff)
			}
		})
	}
}

// canonicalTask applies the two changes task.Decode is documented to make:
// the operation is upper-cased and "x-" fields are dropped.
func canonicalTask(v any) any {
	m := v.(map[string]any)
	for k := range m {
		if strings.HasPrefix(k, "x-") {
			delete(m, k)
		}
	}
	if op, ok := m["operation"].(string); ok {
		m["operation"] = strings.ToUpper(op)
	}
	return m
}

func TestResultExamples(t *testing.T) {
	t.Parallel()
	schema := compile(t, "result.schema.json")
	for _, file := range glob(t, "testdata/result-*.json") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(readJSON(t, file)); err != nil {
				t.Errorf("schema rejects a valid example: %v", err)
			}
			var r task.Result
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatalf("json.Unmarshal into task.Result: %v", err)
			}
			out, err := json.Marshal(&r)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(generic(t, data), generic(t, out)); diff != "" {
				t.Errorf("round trip through task.Result changed the result (-example +marshalled):\n%s", diff)
			}
		})
	}
}

func TestInvalidTasks(t *testing.T) {
	t.Parallel()
	schema := compile(t, "task.schema.json")
	for _, file := range glob(t, "testdata/invalid/*.json") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(readJSON(t, file)); err == nil {
				t.Errorf("schema accepts an invalid task")
			}
			_, err = task.Decode(data)
			if err == nil {
				t.Fatalf("task.Decode accepts an invalid task")
			}
			if ce, ok := codes.As(err); !ok || ce.Code != codes.InvalidArgument {
				t.Errorf("task.Decode error = %v, want a *codes.Error with code %s", err, codes.InvalidArgument)
			}
		})
	}
}
