package task_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// FuzzDecode: Decode never panics, every error is INVALID_ARGUMENT, and
// every accepted task survives json.Marshal and a second Decode. Seeds are
// the schema examples; run longer with go test -fuzz FuzzDecode
// ./internal/task.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("../../schemas/testdata/*/*.json")
	more, _ := filepath.Glob("../../schemas/testdata/*.json")
	for _, file := range append(seeds, more...) {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := task.Decode(data)
		if err != nil {
			if ce, ok := codes.As(err); !ok || ce.Code != codes.InvalidArgument || ce.Message == "" {
				t.Fatalf("error %v: want INVALID_ARGUMENT with a message", err)
			}
			return
		}
		out, err := json.Marshal(tk)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := task.Decode(out)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		// An empty sort list is dropped by Marshal and means the same.
		if len(tk.SortBy) == 0 {
			tk.SortBy = nil
		}
		// reflect.DeepEqual first: cmp.Diff is exponential on deeply
		// nested arrays, which the fuzzer finds quickly.
		if !reflect.DeepEqual(tk, again) {
			t.Errorf("round trip changed the tk (-first +second):\n%s", cmp.Diff(tk, again))
		}
	})
}
