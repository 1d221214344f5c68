package secret_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/secret"
)

func TestNeverPrinted(t *testing.T) {
	s := secret.New("tok3n-value")
	type wrapper struct {
		Token secret.String
	}
	js, err := json.Marshal(wrapper{s})
	if err != nil {
		t.Fatal(err)
	}
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s),
		fmt.Sprintf("%+v", wrapper{s}), fmt.Sprintf("%#v", wrapper{s}), string(js),
	}
	for _, o := range outs {
		if strings.Contains(o, "tok3n") {
			t.Errorf("secret leaked in %q", o)
		}
	}
	if s.Reveal() != "tok3n-value" {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
	if !secret.New("").IsZero() || s.IsZero() {
		t.Error("IsZero wrong")
	}
}
