package entities_test

import (
	"encoding/json"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// FuzzPayload drives payload mapping (connectorInputPayload → Twilio form)
// for every writable entity with arbitrary JSON: it must never panic, and
// any refusal must be an INVALID_ARGUMENT *codes.Error, never a raw error.
// No request is sent: a payload that maps cleanly stops at a handler that
// refuses to call Twilio.
func FuzzPayload(f *testing.F) {
	seeds := []string{
		`{"To":"+15558675310","Sender":"+15005550006","Body":"hi"}`,
		`{"To":5,"MediaUrl":["a",1,null],"MaxPrice":"x"}`,
		`{"QualityScore":5,"Issue":"dropped-call","Sid":"CAdefbf2b4caa7df11dc48106385e32345"}`,
		`{"Name":{"nested":[1,2,{"x":true}]},"FriendlyName":"dup"}`,
		`{"":null,"ÿ":1e309,"StartDate":"2014-13-45"}`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	cat := entities.NewCatalogue()
	x := &entities.Executor{Catalogue: cat, AccountSID: "AC00000000000000000000000000000001", Handler: nil}
	f.Fuzz(func(t *testing.T, payload string) {
		var p map[string]any
		if json.Unmarshal([]byte(payload), &p) != nil {
			return
		}
		for _, name := range cat.Names() {
			e, _ := cat.Lookup(name)
			for _, op := range []entities.Op{entities.Create, entities.Update} {
				if !e.Supports(op) {
					continue
				}
				checkMapping(t, x, &task.Task{Entity: name, Operation: string(op), EntityID: "x", Payload: p})
			}
		}
	})
}

// checkMapping runs one task whose mapping either fails with
// INVALID_ARGUMENT or reaches the (absent) Twilio client, which panics on
// purpose and is recovered here as "mapped".
func checkMapping(t *testing.T, x *entities.Executor, tk *task.Task) {
	t.Helper()
	defer func() { _ = recover() }() // the nil Handler: the payload mapped cleanly
	_, err := x.Do(t.Context(), tk)
	if err == nil {
		return
	}
	if ce, ok := codes.As(err); !ok || ce.Code != codes.InvalidArgument {
		t.Fatalf("%s %s %v: got %v, want INVALID_ARGUMENT", tk.Entity, tk.Operation, tk.Payload, err)
	}
}
