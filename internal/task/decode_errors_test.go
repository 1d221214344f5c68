package task_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	const list = `{"entity":"Messages","operation":"LIST"`
	tooBig := `{"entity":"` + strings.Repeat("a", task.MaxBytes) + `","operation":"LIST"}`
	tests := []struct {
		name, in string
		want     []string // substrings of the message
	}{
		{"too large", tooBig, []string{strconv.Itoa(len(tooBig)) + " bytes", "the limit is 10485760 bytes"}},
		{"invalid UTF-8", `{"entity":"Mess` + "\xff" + `ages","operation":"LIST"}`, []string{"not valid UTF-8", "offset 15"}},
		{"empty", ``, []string{"empty"}},
		{"blank", " \n\t", []string{"empty"}},
		{"array", `[` + list + `}]`, []string{"must be a JSON object, got an array"}},
		{"string", `"LIST"`, []string{"must be a JSON object, got a string"}},
		{"null", `null`, []string{"must be a JSON object, got null"}},
		{"number", `42`, []string{"got a number"}},
		{"garbage", `hello`, []string{"not valid JSON", "invalid character 'h'"}},
		// The first byte looks like null, a boolean, a number, a string or an
		// array; the message must still say that it is not JSON, and where.
		{"like null", `not json`, []string{"not valid JSON", "invalid character 'o'", "line 1, column 2"}},
		{"like a boolean", `foo`, []string{"not valid JSON", "line 1, column 2"}},
		{"like a number", `42 apples`, []string{"not valid JSON", "line 1, column 4"}},
		{"unterminated string", `"LIST`, []string{"not valid JSON"}},
		{"broken array", "[1,\n 2,,3]", []string{"not valid JSON", "line 2, column 4"}},
		{"truncated", `{"entity":"Messages","operation":`, []string{"not valid JSON"}},
		{"missing colon", `{"entity" "Messages"}`, []string{"not valid JSON", "offset"}},
		{"trailing object", list + `}{"operation":"GET"}`, []string{"unexpected data after the task object", "exactly one JSON object"}},
		{"trailing garbage", list + `} x`, []string{"unexpected data after the task object"}},
		{"duplicate field", `{"entity":"Messages","operation":"GET","operation":"DELETE","entityId":"SM1"}`, []string{`field "operation" appears more than once`}},
		{"too deep", `{"entity":"M","operation":"CREATE","connectorInputPayload":{"a":` + strings.Repeat("[", task.MaxDepth-1) + strings.Repeat("]", task.MaxDepth-1) + `}}`,
			[]string{"more than 64 levels deep"}},
		{"unknown field", list + `,"pageSize":10}`, []string{`unknown field "pageSize"`, "allowed fields: entity, operation, action, entityId, filterClause, connectorInputPayload, listEntitiesPageSize, listEntitiesPageToken, listEntitiesSortByColumns", `starting with "x-" are ignored`}},
		{"unknown fields sorted", list + `,"zeta":1,"alpha":2}`, []string{`unknown fields "alpha", "zeta"`}},
		{"field name case", `{"entity":"Messages","Operation":"LIST"}`, []string{`unknown field "Operation" (did you mean "operation"? field names are case-sensitive)`}},
		{"X- is not x-", list + `,"X-Trace":"1"}`, []string{`unknown field "X-Trace"`}},
		{"entity not a string", `{"entity":5,"operation":"LIST"}`, []string{`field "entity" must be a string, got a number`}},
		{"operation not a string", `{"entity":"Messages","operation":["LIST"]}`, []string{`field "operation" must be a string, got an array`}},
		{"entityId null", `{"entity":"Calls","operation":"GET","entityId":null}`, []string{`field "entityId" must be a string, got null`}},
		{"payload not an object", `{"entity":"Messages","operation":"CREATE","connectorInputPayload":[1]}`, []string{`field "connectorInputPayload" must be an object`, "got an array"}},
		{"payload null", `{"entity":"Messages","operation":"CREATE","connectorInputPayload":null}`, []string{`field "connectorInputPayload" must be an object`, "got null"}},
		{"page size a string", list + `,"listEntitiesPageSize":"10"}`, []string{`field "listEntitiesPageSize" must be an integer, got a string`}},
		{"page size a boolean", list + `,"listEntitiesPageSize":true}`, []string{"must be an integer, got a boolean"}},
		{"page size 0", list + `,"listEntitiesPageSize":0}`, []string{"listEntitiesPageSize must be an integer from 1 to 1000, got 0", "default of 25"}},
		{"page size 1001", list + `,"listEntitiesPageSize":1001}`, []string{"from 1 to 1000, got 1001"}},
		{"page size negative", list + `,"listEntitiesPageSize":-1}`, []string{"from 1 to 1000, got -1"}},
		{"page size fraction", list + `,"listEntitiesPageSize":2.5}`, []string{"from 1 to 1000, got 2.5"}},
		{"page size overflow", list + `,"listEntitiesPageSize":1e400}`, []string{"from 1 to 1000, got 1e400"}},
		{"sort not an array", list + `,"listEntitiesSortByColumns":"Sid"}`, []string{`field "listEntitiesSortByColumns" must be an array of strings, got a string`}},
		{"sort element not a string", list + `,"listEntitiesSortByColumns":[1]}`, []string{"listEntitiesSortByColumns[0] must be a string, got a number"}},
		{"two sort columns", list + `,"listEntitiesSortByColumns":["Sid","DateSent DESC"]}`, []string{"at most one column, got 2"}},
		{"blank sort column", list + `,"listEntitiesSortByColumns":[" "]}`, []string{"listEntitiesSortByColumns[0] is blank"}},
		{"missing operation", `{"entity":"Messages"}`, []string{"operation is required", "LIST, GET, CREATE, UPDATE, DELETE, ACTION"}},
		{"bad operation", `{"entity":"Messages","operation":"FETCH"}`, []string{`operation "FETCH" is not one of LIST, GET, CREATE, UPDATE, DELETE, ACTION (case-insensitive)`}},
		{"empty operation", `{"entity":"Messages","operation":""}`, []string{`operation "" is not one of`}},
		{"non-ASCII look-alike operation", `{"entity":"Messages","operation":"lıst"}`, []string{`operation "lıst" is not one of`}},
		{"page size on GET", `{"entity":"Calls","operation":"GET","entityId":"CA1","listEntitiesPageSize":10}`, []string{"listEntitiesPageSize is not used by GET; it is only accepted with LIST"}},
		{"page token on CREATE", `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{},"listEntitiesPageToken":"t"}`, []string{"listEntitiesPageToken is not used by CREATE"}},
		{"sort on DELETE", `{"entity":"Calls","operation":"DELETE","entityId":"CA1","listEntitiesSortByColumns":[]}`, []string{"listEntitiesSortByColumns is not used by DELETE"}},
		{"payload on DELETE", `{"entity":"Calls","operation":"DELETE","entityId":"CA1","connectorInputPayload":{}}`, []string{"connectorInputPayload is not used by DELETE; it is only accepted with CREATE, UPDATE, ACTION"}},
		{"entityId on LIST", list + `,"entityId":"SM1"}`, []string{"entityId is not used by LIST; it is only accepted with GET, UPDATE, DELETE"}},
		{"filter on GET", `{"entity":"Calls","operation":"GET","entityId":"CA1","filterClause":"x"}`, []string{"filterClause is not used by GET; it is only accepted with LIST, UPDATE, DELETE"}},
		{"action on CREATE", `{"entity":"Messages","operation":"CREATE","action":"SendMessage","connectorInputPayload":{}}`, []string{"action is not used by CREATE; it is only accepted with ACTION"}},
		{"entity missing", `{"operation":"LIST"}`, []string{"entity is required for LIST", `e.g. "Messages"`}},
		{"entity blank", `{"entity":" \t","operation":"GET","entityId":"x"}`, []string{"entity is required for GET and must not be blank"}},
		{"action missing", `{"operation":"ACTION","connectorInputPayload":{}}`, []string{"action is required for ACTION"}},
		{"action blank", `{"operation":"ACTION","action":"","connectorInputPayload":{}}`, []string{"action is required for ACTION and must not be blank"}},
		{"GET without entityId", `{"entity":"Recordings","operation":"GET"}`, []string{"entityId is required for GET"}},
		{"GET with blank entityId", `{"entity":"Recordings","operation":"GET","entityId":" "}`, []string{"entityId is blank"}},
		{"UPDATE without target", `{"entity":"Messages","operation":"UPDATE","connectorInputPayload":{"Body":""}}`, []string{"UPDATE needs entityId or a non-blank filterClause", "never means all rows"}},
		{"DELETE without target", `{"entity":"Messages","operation":"DELETE"}`, []string{"DELETE needs entityId or a non-blank filterClause"}},
		{"DELETE with empty filter", `{"entity":"Messages","operation":"DELETE","filterClause":""}`, []string{"filterClause is blank; for DELETE an empty filterClause never means all rows"}},
		{"UPDATE with blank filter", `{"entity":"Messages","operation":"UPDATE","filterClause":"\n ","connectorInputPayload":{}}`, []string{"filterClause is blank; for UPDATE"}},
		{"DELETE with both", `{"entity":"Messages","operation":"DELETE","entityId":"SM1","filterClause":"Sid = 'SM1'"}`, []string{"give either entityId or filterClause for DELETE, not both"}},
		{"CREATE without payload", `{"entity":"Messages","operation":"CREATE"}`, []string{"connectorInputPayload is required for CREATE"}},
		{"UPDATE without payload", `{"entity":"Messages","operation":"UPDATE","entityId":"SM1"}`, []string{"connectorInputPayload is required for UPDATE"}},
		{"ACTION without payload", `{"operation":"ACTION","action":"SendMessage"}`, []string{"connectorInputPayload is required for ACTION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk, err := task.Decode([]byte(tt.in))
			if err == nil {
				t.Fatalf("Decode accepted it: %+v", tk)
			}
			if tk == nil {
				t.Error("Decode returned a nil Task with its error; want a non-nil one")
			}
			ce, ok := codes.As(err)
			if !ok || ce.Code != codes.InvalidArgument {
				t.Fatalf("error %v: want a *codes.Error with code %s", err, codes.InvalidArgument)
			}
			for _, want := range tt.want {
				if !strings.Contains(ce.Message, want) {
					t.Errorf("message %q\ndoes not contain %q", ce.Message, want)
				}
			}
			if len(ce.Message) > 1000 {
				t.Errorf("message is %d bytes; caller values must be clipped", len(ce.Message))
			}
		})
	}
}

// TestDecodeNamesRejectedTasks: a rejected task's result should still
// say which entity and operation it was about.
func TestDecodeNamesRejectedTasks(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, entity, op string }{
		{`{"entity":"Messages","operation":"get","bogus":1}`, "Messages", "GET"},
		{`{"entity":"Messages","operation":"fetch"}`, "Messages", "fetch"},
		{`{"entity":"Calls","operation":"LIST","listEntitiesPageSize":0}`, "Calls", "LIST"},
		{`{"entity":7,"operation":"delete"}`, "", "DELETE"},
		{`not json`, "", ""},
	}
	for _, tt := range tests {
		tk, err := task.Decode([]byte(tt.in))
		if err == nil {
			t.Fatalf("Decode(%s) accepted it", tt.in)
		}
		if tk.Entity != tt.entity || tk.Operation != tt.op {
			t.Errorf("Decode(%s) named entity %q operation %q, want %q %q", tt.in, tk.Entity, tk.Operation, tt.entity, tt.op)
		}
	}
}
