package task_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/task"
)

func TestDecodeAccepts(t *testing.T) {
	t.Parallel()
	atLimit := `{"entity":"Messages","operation":"LIST"}`
	atLimit += strings.Repeat(" ", task.MaxBytes-len(atLimit))
	tests := []struct {
		name string
		in   string
		want task.Task
	}{
		{"minimal LIST", `{"entity":"Messages","operation":"LIST"}`, task.Task{Entity: "Messages", Operation: "LIST"}},
		{"operation lower case", `{"entity":"Messages","operation":"list"}`, task.Task{Entity: "Messages", Operation: "LIST"}},
		{"operation mixed case", `{"entity":"Calls","operation":"Get","entityId":"CA1"}`, task.Task{Entity: "Calls", Operation: "GET", EntityID: "CA1"}},
		{"x- fields ignored", `{"entity":"Messages","operation":"LIST","x-trace":{"id":[1,2]},"x-":null}`, task.Task{Entity: "Messages", Operation: "LIST"}},
		{"entity kept raw", `{"entity":"mEsSaGeS","operation":"LIST"}`, task.Task{Entity: "mEsSaGeS", Operation: "LIST"}},
		{"LIST with everything", `{"entity":"Messages","operation":"LIST","filterClause":"Status = 'sent'","listEntitiesPageSize":1000,"listEntitiesPageToken":"tok","listEntitiesSortByColumns":["DateSent DESC"]}`,
			task.Task{Entity: "Messages", Operation: "LIST", FilterClause: "Status = 'sent'", PageSize: 1000, PageToken: "tok", SortBy: []string{"DateSent DESC"}}},
		{"LIST with blank filter means no filter", `{"entity":"Messages","operation":"LIST","filterClause":""}`, task.Task{Entity: "Messages", Operation: "LIST"}},
		{"page size 1", `{"entity":"Messages","operation":"LIST","listEntitiesPageSize":1}`, task.Task{Entity: "Messages", Operation: "LIST", PageSize: 1}},
		{"page size integral float", `{"entity":"Messages","operation":"LIST","listEntitiesPageSize":2.5e1}`, task.Task{Entity: "Messages", Operation: "LIST", PageSize: 25}},
		{"empty sort list", `{"entity":"Messages","operation":"LIST","listEntitiesSortByColumns":[]}`, task.Task{Entity: "Messages", Operation: "LIST", SortBy: []string{}}},
		{"numbers stay json.Number", `{"entity":"Feedback","operation":"CREATE","connectorInputPayload":{"QualityScore":5,"Price":5.0,"Big":12345678901234567890}}`,
			task.Task{Entity: "Feedback", Operation: "CREATE", Payload: map[string]any{"QualityScore": json.Number("5"), "Price": json.Number("5.0"), "Big": json.Number("12345678901234567890")}}},
		{"UPDATE by filter", `{"entity":"OutgoingCallerIds","operation":"UPDATE","filterClause":"PN1","connectorInputPayload":{"Name":"n"}}`,
			task.Task{Entity: "OutgoingCallerIds", Operation: "UPDATE", FilterClause: "PN1", Payload: map[string]any{"Name": "n"}}},
		{"DELETE by id", `{"entity":"Calls","operation":"DELETE","entityId":"CA1"}`, task.Task{Entity: "Calls", Operation: "DELETE", EntityID: "CA1"}},
		{"ACTION without entity, empty payload", `{"operation":"action","action":"SendMessage","connectorInputPayload":{}}`,
			task.Task{Operation: "ACTION", Action: "SendMessage", Payload: map[string]any{}}},
		{"ACTION keeps a given entity", `{"entity":"Messages","operation":"ACTION","action":"SendMessage","connectorInputPayload":{"To":"+1"}}`,
			task.Task{Entity: "Messages", Operation: "ACTION", Action: "SendMessage", Payload: map[string]any{"To": "+1"}}},
		{"brackets inside strings do not count as depth", `{"entity":"` + strings.Repeat("[{", 100) + `","operation":"LIST"}`,
			task.Task{Entity: strings.Repeat("[{", 100), Operation: "LIST"}},
		{"nesting exactly at the limit", `{"entity":"M","operation":"CREATE","connectorInputPayload":{"a":` + strings.Repeat("[", task.MaxDepth-2) + strings.Repeat("]", task.MaxDepth-2) + `}}`,
			task.Task{Entity: "M", Operation: "CREATE", Payload: map[string]any{"a": nested(task.MaxDepth - 2)}}},
		{"exactly 10 MB", atLimit, task.Task{Entity: "Messages", Operation: "LIST"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := task.Decode([]byte(tt.in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			// reflect.DeepEqual first: cmp.Diff's slice diffing is
			// exponential on the deeply nested case.
			if !reflect.DeepEqual(&tt.want, got) {
				t.Errorf("Decode (-want +got):\n%s", cmp.Diff(&tt.want, got))
			}
		})
	}
}

// nested returns n empty arrays nested in each other, as encoding/json decodes them.
func nested(n int) any {
	var v any = []any{}
	for i := 1; i < n; i++ {
		v = []any{v}
	}
	return v
}
