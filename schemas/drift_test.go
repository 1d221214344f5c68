package schemas_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// jsonNames lists the JSON field names of a struct type, skipping "-".
func jsonNames(typ reflect.Type) []string {
	var names []string
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func propertyNames(t *testing.T, obj any) []string {
	t.Helper()
	props, ok := obj.(map[string]any)["properties"].(map[string]any)
	if !ok {
		t.Fatal("schema object has no properties")
	}
	var names []string
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// TestSchemaPropertiesMatchGoFields catches a field added to a Go type but
// not to its schema, or the other way round.
func TestSchemaPropertiesMatchGoFields(t *testing.T) {
	t.Parallel()
	taskSchema := readJSON(t, "task.schema.json")
	result := readJSON(t, "result.schema.json")
	errObj := result.(map[string]any)["properties"].(map[string]any)["error"]
	for _, c := range []struct {
		name   string
		schema any
		typ    reflect.Type
	}{
		{"task", taskSchema, reflect.TypeFor[task.Task]()},
		{"result", result, reflect.TypeFor[task.Result]()},
		{"result.error", errObj, reflect.TypeFor[task.ErrorInfo]()},
	} {
		if diff := cmp.Diff(propertyNames(t, c.schema), jsonNames(c.typ)); diff != "" {
			t.Errorf("%s: schema properties differ from Go fields (-schema +Go):\n%s", c.name, diff)
		}
	}
}

// TestErrorCodeEnum keeps the schema's error.code enum equal to the codes
// package, the single Go source of the contract's codes.
func TestErrorCodeEnum(t *testing.T) {
	t.Parallel()
	result := readJSON(t, "result.schema.json").(map[string]any)
	errProps := result["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)
	var got []string
	for _, v := range errProps["code"].(map[string]any)["enum"].([]any) {
		got = append(got, v.(string))
	}
	want := []string{}
	for _, c := range []codes.Code{codes.InvalidArgument, codes.NotFound, codes.Unimplemented, codes.Unauthenticated,
		codes.PermissionDenied, codes.FailedPrecondition, codes.ResourceExhausted, codes.Unavailable,
		codes.DeadlineExceeded, codes.Internal} {
		want = append(want, string(c))
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error.code enum (-codes package +schema):\n%s", diff)
	}
}
