package task_test

import (
	"testing"

	"github.com/connectorworks/twilio-worker/internal/task"
)

// BenchmarkDecodeCreate decodes the task every bulk send carries: a
// Messages CREATE with a three-field payload.
func BenchmarkDecodeCreate(b *testing.B) {
	data := []byte(`{"entity":"Messages","operation":"CREATE","connectorInputPayload":` +
		`{"To":"+15005550006","From":"+15005550001","Body":"Your order 12345 has shipped."}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := task.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
