package twiliosim

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// Config tunes a Server. The zero value serves every account to any
// non-empty password, with no latency, the wall clock, random SIDs, live
// call feedback endpoints and no faults.
type Config struct {
	// AccountSID, when set, is the only account served: the Basic user must
	// equal it, and the path's account SID must be it or a subaccount it
	// created.
	AccountSID string
	// AuthToken, when set, is the only Basic password accepted.
	AuthToken string
	// APIKeySID and APIKeySecret, when set, are an API key (SK…) of
	// AccountSID: requests may authenticate with it instead of the auth
	// token, the account staying in the path.
	APIKeySID, APIKeySecret string
	// Latency is added to every response, to make timing realistic.
	Latency time.Duration
	// Now is the clock for date_created, date_updated and the request log;
	// nil means time.Now.
	Now func() time.Time
	// RetiredFeedback makes the call feedback endpoints (Feedback,
	// FeedbackSummary) answer 404 20404, as live Twilio does since 2024.
	RetiredFeedback bool
	// Seed, when non-zero, makes generated SIDs, validation codes and
	// request ids a deterministic sequence, and the injected faults too
	// (from a source of their own, so faults do not change the SIDs).
	Seed uint64

	// Fail429, Fail500 and FailTimeout are the fractions (0..1) of
	// requests answered with an injected fault: 429 20429 with Retry-After,
	// 500 20500, or no answer at all (see the package doc, Faults). Only
	// authenticated, valid requests without NoFaultsHeader are eligible.
	// Values are clamped to 0..1; when they sum past 1, 429 comes first,
	// then 500, and the timeouts get what is left.
	Fail429, Fail500, FailTimeout float64
	// Fail500AfterApply is the probability that a write (create, update,
	// delete) faulted with a 500 or a timeout took effect before the fault:
	// the row exists although the client saw an error. Zero means 0.5; a
	// negative value means never.
	Fail500AfterApply float64
	// TimeoutHold is how long a timed-out request is held, unanswered,
	// unless the client leaves first; zero means 30 seconds.
	TimeoutHold time.Duration
}

// Server is the simulator: an http.Handler over an in-memory store of
// Twilio rows. It is safe for concurrent use.
type Server struct {
	cfg       Config
	resources []*resource
	byKey     map[string]*rowStore // fixture and Rows keys
	routes    []route
	patterns  map[string]*regexp.Regexp // compiled once; read-only afterwards
	ids       *idSource
	faults    *faults

	logMu sync.Mutex
	log   []Request
}

var _ http.Handler = (*Server)(nil)

// New builds a Server for every entity of entities.Specs(): the v2010 API
// under /2010-04-01, CallAnnotation of insights v1 and MessagingServices of
// messaging v1 under /v1.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg:      cfg,
		byKey:    map[string]*rowStore{},
		patterns: map[string]*regexp.Regexp{},
		ids:      newIDSource(cfg.Seed),
		faults:   newFaults(cfg),
	}
	for _, spec := range entities.Specs() {
		if servable(spec) {
			s.resources = append(s.resources, newResource(spec, hooksFor(spec.Name), s.patterns))
		}
	}
	s.buildStores()
	s.routes = buildRoutes(s.resources)
	return s
}

// buildStores groups the resources by fixture key into shared stores. The
// member with the shortest list path comes first (Recordings before
// CallRecordings), so its field definitions win where siblings differ.
func (s *Server) buildStores() {
	byKey := map[string][]*resource{}
	var keys []string
	for _, res := range s.resources {
		key := storeKey(res.spec, res.hooks)
		if byKey[key] == nil {
			keys = append(keys, key)
		}
		byKey[key] = append(byKey[key], res)
	}
	for _, key := range keys {
		members := byKey[key]
		slices.SortStableFunc(members, func(a, b *resource) int {
			return cmp.Compare(len(cmp.Or(a.spec.ListPath, a.spec.InstancePath)), len(cmp.Or(b.spec.ListPath, b.spec.InstancePath)))
		})
		st := newRowStore(key, s.patterns)
		for _, res := range members {
			st.add(res)
		}
		st.finish()
		for _, res := range members {
			res.join(st)
		}
		s.byKey[key] = st
	}
}

// now is the configured clock in UTC, to the second as Twilio's RFC 2822
// timestamps are.
func (s *Server) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Second) }

// Rows returns a copy of the rows stored under key (a fixture key: a list
// key such as "messages", or one of the keys LoadFixtures documents for
// entities without a list), newest first, in Twilio's JSON shape as stored.
// Rows created through any path of a shared store are there ("recordings"
// holds call and conference recordings). It returns nil for an unknown key.
// Tests use it to see what a run created.
func (s *Server) Rows(key string) []map[string]any {
	st, ok := s.byKey[key]
	if !ok {
		return nil
	}
	recs := st.table.snapshot()
	out := make([]map[string]any, len(recs))
	for i, rec := range recs {
		out[i] = deepCopy(rec.fields).(map[string]any)
	}
	return out
}

// FixtureKeys lists, sorted, the keys LoadFixtures accepts and Rows answers.
func (s *Server) FixtureKeys() []string {
	keys := make([]string, 0, len(s.byKey))
	for k := range s.byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
