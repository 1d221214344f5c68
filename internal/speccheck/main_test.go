package speccheck_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/oaispec"
	"github.com/connectorworks/twilio-worker/internal/speccheck"
)

// Identifiers that match the specs' SID patterns.
const (
	account = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef"
	msgSid  = "SM0123456789abcdef0123456789abcdef"
	callSid = "CA0123456789abcdef0123456789abcdef"
	pnSid   = "PN0123456789abcdef0123456789abcdef"
)

// loadShared loads the specs once per test binary: Load takes about half a
// second.
// specDir is the directory of the Twilio specs (see oaispec.Dir); a test
// that needs it fails when it is missing.
func specDir(t testing.TB) string {
	t.Helper()
	dir, err := oaispec.Dir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

var loadShared = sync.OnceValues(func() (*speccheck.Checker, error) {
	dir, err := oaispec.Dir()
	if err != nil {
		return nil, err
	}
	return speccheck.Load(dir)
})

// checker returns the Checker the tests share. The specs are required: a
// missing directory fails the test rather than skipping it.
func checker(t testing.TB) *speccheck.Checker {
	t.Helper()
	c, err := loadShared()
	if err != nil {
		t.Fatalf("the Twilio OpenAPI specs are required: %v", err)
	}
	return c
}

// newRequest builds a request to a simulator-like host; a non-empty form is
// sent as the form body.
func newRequest(method, target, form string) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1:8080"+target, strings.NewReader(form))
	if form != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}

// specExample returns, as JSON, the example called name of the application/json
// response to method on path with status in the spec file, read at test time
// so that no part of the spec is copied into the repository.
func specExample(t *testing.T, file, path, method, status, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(specDir(t), file))
	if err != nil {
		t.Fatalf("the Twilio OpenAPI specs are required: %v", err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage // path item members: operations, servers, …
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	var op struct {
		Responses map[string]struct {
			Content map[string]struct {
				Examples map[string]struct{ Value json.RawMessage }
			}
		}
	}
	if err := json.Unmarshal(doc.Paths[path][method], &op); err != nil {
		t.Fatalf("parse %s %s in %s: %v", method, path, file, err)
	}
	ex := op.Responses[status].Content["application/json"].Examples[name].Value
	if len(ex) == 0 {
		t.Fatalf("%s has no example %q for %s %s %s", file, name, method, path, status)
	}
	return ex
}

// wantProblems fails unless err is nil when mentions is empty, or is a
// *speccheck.Violation whose text contains every string in mentions.
func wantProblems(t *testing.T, err error, mentions []string) {
	t.Helper()
	if len(mentions) == 0 {
		if err != nil {
			t.Fatalf("got %v, want no violation", err)
		}
		return
	}
	var v *speccheck.Violation
	if !errors.As(err, &v) {
		t.Fatalf("got %T %v, want a *speccheck.Violation mentioning %q", err, err, mentions)
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("got %q, want it to mention %q", err, m)
		}
	}
}
