package twiliosim_test

import (
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// The parent rows of testdata/catalogue.json (with fixtures.json's call,
// message, number and recording): the value every path placeholder takes
// when the walk does not learn a key from a create or a list.
var placeholderValues = map[string]string{
	"AccountSid":             accountSID,
	"CallSid":                fixtureCall,
	"MessageSid":             "SM3ad97d41e786c02bca47c8ce1745053b",
	"ResourceSid":            fixtureNumber,
	"ReferenceSid":           fixtureRecording,
	"RecordingSid":           fixtureRecording,
	"ConferenceSid":          "CF0123456789abcdef0123456789abcdef",
	"QueueSid":               "QU0123456789abcdef0123456789abcdef",
	"AssignedAddOnSid":       "XE0123456789abcdef0123456789abcdef",
	"AddOnResultSid":         "XR0123456789abcdef0123456789abcdef",
	"DomainSid":              "SD0123456789abcdef0123456789abcdef",
	"CredentialListSid":      "CL0123456789abcdef0123456789abcdef",
	"IpAccessControlListSid": "AL0123456789abcdef0123456789abcdef",
	"AddressSid":             "AD0123456789abcdef0123456789abcdef",
	"CountryCode":            "US",
}

// createExtras are the form fields a create needs beyond the spec's
// required ones, for the rules the spec cannot state (Twilio's one-of
// parameters).
var createExtras = map[string]url.Values{
	"Messages":             {"From": {"+15017122661"}, "Body": {"hi"}},
	"Calls":                {"Url": {"https://example.com/voice.xml"}},
	"IncomingPhoneNumbers": {"AreaCode": {"415"}},
}

// catalogueScenarios walks every entity of entities.Specs() through every
// operation its spec declares, with parents, on a simulator loaded with
// testdata/catalogue.json: create, list, fetch, update, delete.
func catalogueScenarios() []scenario {
	var out []scenario
	for _, spec := range entities.Specs() {
		out = append(out, scenario{name: "Catalogue/" + spec.Name, run: func(t *testing.T, e *env) { walk(t, e, spec) }})
	}
	return out
}

// walk runs spec's operations in lifecycle order and requires a 2xx for
// each, a row in every list, and the key a create or list gave for the
// instance operations.
func walk(t *testing.T, e *env, spec entities.Spec) {
	loadFile(t, e.sim, "testdata/catalogue.json")
	values := maps.Clone(placeholderValues)
	keyParam := lastPlaceholder(spec.InstancePath)
	if spec.ListPost {
		a := e.do(t, http.MethodPost, expand(spec.ListPath, values), formFor(spec.Create, createExtras[spec.Name]))
		want2xx(t, "create", a)
		learnKey(values, keyParam, a.body)
	}
	if spec.ListGet {
		a := e.do(t, http.MethodGet, expand(spec.ListPath, values), nil)
		want2xx(t, "list", a)
		if spec.Paging != "single" {
			rows, _ := a.body[spec.ListKey].([]any)
			if len(rows) == 0 {
				t.Fatalf("list %s: no rows under %s (%v)", spec.Name, spec.ListKey, a.body)
			}
			if _, known := values[keyParam]; !known {
				learnKey(values, keyParam, rows[0].(map[string]any))
			}
		}
	}
	instance := expand(spec.InstancePath, values)
	if spec.InstanceGet {
		want2xx(t, "fetch", e.do(t, http.MethodGet, instance, nil))
	}
	if spec.InstancePost {
		want2xx(t, "update", e.do(t, http.MethodPost, instance, formFor(spec.Update, nil)))
	}
	if spec.InstanceDelete {
		if a := e.do(t, http.MethodDelete, instance, nil); a.status != http.StatusNoContent {
			t.Fatalf("delete %s: %d %v", instance, a.status, a.body)
		}
	}
}

// learnKey sets the instance placeholder from a row: sid for {Sid}, else
// the placeholder's snake_case field (call_sid for {CallSid}), else sid.
func learnKey(values map[string]string, keyParam string, row map[string]any) {
	if keyParam == "" {
		return
	}
	field := "sid"
	if _, ok := row[snakeCase(keyParam)]; ok && keyParam != "Sid" {
		field = snakeCase(keyParam)
	}
	if v, ok := row[field].(string); ok {
		values[keyParam] = v
	}
}

// formFor fills the required parameters with valid sample values, plus
// extras.
func formFor(params []entities.Param, extras url.Values) url.Values {
	form := url.Values{}
	for _, p := range params {
		if p.Required {
			form.Set(p.Name, sample(p))
		}
	}
	for k, v := range extras {
		form[k] = v
	}
	return form
}

var sidPattern = regexp.MustCompile(`^\^\(?([A-Z]{2})`)

// sample is a value valid for p's type, enum, pattern and format.
func sample(p entities.Param) string {
	typ := p.Type
	if typ == entities.TArray {
		typ = p.Items
	}
	switch m := sidPattern.FindStringSubmatch(p.Pattern); {
	case len(p.Enum) > 0:
		return p.Enum[0]
	case m != nil:
		return m[1] + "0123456789abcdef0123456789abcdef"
	case p.Format == "phone-number" || p.Format == "endpoint":
		return "+15558675310"
	case p.Format == "uri":
		return "https://example.com/callback"
	case p.Format == "iso-country-code":
		return "US"
	}
	switch typ {
	case entities.TInteger:
		return "1"
	case entities.TNumber:
		return "1.5"
	case entities.TBoolean:
		return "true"
	case entities.TDate:
		return "2024-06-01"
	case entities.TDateTime:
		return "2024-06-01T00:00:00Z"
	}
	return "sample"
}

// want2xx fails unless a is a success.
func want2xx(t *testing.T, what string, a answer) {
	t.Helper()
	if a.status < 200 || a.status > 299 {
		t.Fatalf("%s: %d %v", what, a.status, a.body)
	}
}

// expand fills a path template; a placeholder without a value stays as it
// is, which no route matches.
func expand(template string, values map[string]string) string {
	return regexp.MustCompile(`\{([A-Za-z]+)\}`).ReplaceAllStringFunc(template, func(m string) string {
		if v, ok := values[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

func lastPlaceholder(template string) string {
	all := regexp.MustCompile(`\{([A-Za-z]+)\}`).FindAllStringSubmatch(template, -1)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1][1]
}

// snakeCase turns CallSid into call_sid.
func snakeCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// loadFile loads a fixture file into sim.
func loadFile(t testing.TB, sim *twiliosim.Server, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := sim.LoadFixtures(f); err != nil {
		t.Fatalf("LoadFixtures %s: %v", path, err)
	}
}

// TestCatalogueFixturesCoverEveryKey: the two test fixture files together
// have rows under every key the simulator accepts, so every store's rows
// are rendered and checked by the conformance walk.
func TestCatalogueFixturesCoverEveryKey(t *testing.T) {
	t.Parallel()
	sim := newSim(t, twiliosim.Config{})
	loadFile(t, sim, "testdata/catalogue.json")
	for _, key := range sim.FixtureKeys() {
		if len(sim.Rows(key)) == 0 {
			t.Errorf("no fixture rows under %q", key)
		}
	}
}
