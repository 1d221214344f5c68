package twiliosim_test

import (
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/oaispec"
	"github.com/connectorworks/twilio-worker/internal/speccheck"
)

// TestConformance runs every scenario, and a walk through every entity of
// the catalogue, behind speccheck's middleware, which validates each request
// and response against the official specs. It requires no violation, and a
// successful answer for every entity × operation entities.Specs() declares.
func TestConformance(t *testing.T) {
	dir, err := oaispec.Dir()
	if err != nil {
		t.Fatal(err)
	}
	checker, err := speccheck.Load(dir)
	if err != nil {
		t.Fatalf("the Twilio specs are required: %v", err)
	}
	var log []served
	for _, sc := range slices.Concat(scenarios, catalogueScenarios()) {
		t.Run(sc.name, func(t *testing.T) {
			checker.Reset()
			e := newEnv(t, newSim(t, sc.cfg), checker.Middleware)
			sc.run(t, e)
			for _, v := range checker.Violations() {
				t.Errorf("spec violation: %s", v)
			}
			for _, r := range e.sim.Requests() {
				log = append(log, served{r.Method, r.Path, r.Status})
			}
		})
	}
	for _, op := range specOperations() {
		if !op.coveredBy(log) {
			t.Errorf("no scenario got a 2xx for %s %s (%s)", op.method, op.template, op.entity)
		}
	}
}

// served is one answered request.
type served struct {
	method, path string
	status       int
}

// specOp is one operation the catalogue declares on a v2010 path.
type specOp struct {
	entity, method, template string
	re                       *regexp.Regexp
}

func (op specOp) coveredBy(reqs []served) bool {
	for _, r := range reqs {
		if r.method == op.method && r.status < 300 && op.re.MatchString(r.path) {
			return true
		}
	}
	return false
}

// specOperations lists every (method, path template) of the catalogue,
// written from entities.Specs() independently of the simulator's router. A
// placeholder matches a SID or a country code, so /Calls/FeedbackSummary.json
// does not count as /Calls/{Sid}.json.
func specOperations() []specOp {
	var ops []specOp
	add := func(s entities.Spec, ok bool, method, template string) {
		if !ok || template == "" {
			return
		}
		expr := regexp.QuoteMeta(template)
		expr = regexp.MustCompile(`\\\{[A-Za-z]+\\\}`).ReplaceAllString(expr, `(?:[A-Z]{2}[0-9a-fA-F]{32}|[A-Z]{2})`)
		ops = append(ops, specOp{s.Name, method, template, regexp.MustCompile("^" + expr + "$")})
	}
	for _, s := range entities.Specs() {
		add(s, s.ListGet, http.MethodGet, s.ListPath)
		add(s, s.ListPost, http.MethodPost, s.ListPath)
		add(s, s.InstanceGet, http.MethodGet, s.InstancePath)
		add(s, s.InstancePost, http.MethodPost, s.InstancePath)
		add(s, s.InstanceDelete, http.MethodDelete, s.InstancePath)
	}
	return ops
}
