package twiliosim

import (
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// Config tunes a Server. The zero value serves every account to any
// non-empty password, with no latency, the wall clock, random SIDs and live
// call feedback endpoints.
type Config struct {
	// AccountSID, when set, is the only account served: the Basic user must
	// equal it (as well as the path's account SID).
	AccountSID string
	// AuthToken, when set, is the only Basic password accepted.
	AuthToken string
	// Latency is added to every response, to make timing realistic.
	Latency time.Duration
	// Now is the clock for date_created, date_updated and the request log;
	// nil means time.Now.
	Now func() time.Time
	// RetiredFeedback makes the call feedback endpoints (Feedback,
	// FeedbackSummary) answer 404 20404, as live Twilio does since 2024.
	RetiredFeedback bool
	// Seed, when non-zero, makes generated SIDs, validation codes and
	// request ids a deterministic sequence.
	Seed uint64
}

// Server is the simulator: an http.Handler over an in-memory store of
// Twilio rows. It is safe for concurrent use.
type Server struct {
	cfg       Config
	resources []*resource
	byKey     map[string]*resource // fixture and Rows keys
	byName    map[string]*resource // entity names, for hooks that reach across
	routes    []route
	patterns  map[string]*regexp.Regexp // compiled once; read-only afterwards
	ids       *idSource

	logMu sync.Mutex
	log   []Request
}

var _ http.Handler = (*Server)(nil)

// New builds a Server for every v2010 entity of entities.Specs(). Specs for
// other API hosts (the v1 APIs use a different envelope and no account in the
// path) are not served yet.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg:      cfg,
		byKey:    map[string]*resource{},
		byName:   map[string]*resource{},
		patterns: map[string]*regexp.Regexp{},
		ids:      newIDSource(cfg.Seed),
	}
	for _, spec := range entities.Specs() {
		if !servable(spec) {
			continue
		}
		res := newResource(spec, s.patterns)
		s.resources = append(s.resources, res)
		s.byKey[res.key] = res
		s.byName[spec.Name] = res
	}
	s.routes = buildRoutes(s.resources)
	return s
}

// now is the configured clock in UTC, to the second as Twilio's RFC 2822
// timestamps are.
func (s *Server) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Second) }

// Rows returns a copy of the rows stored under key (a Twilio list key such as
// "messages", or "feedback" / "feedback_summaries"), newest first, in
// Twilio's JSON shape as stored. It returns nil for an unknown key. Tests use
// it to see what a run created.
func (s *Server) Rows(key string) []map[string]any {
	res, ok := s.byKey[key]
	if !ok {
		return nil
	}
	recs := res.store.snapshot()
	out := make([]map[string]any, len(recs))
	for i, rec := range recs {
		out[i] = deepCopy(rec.fields).(map[string]any)
	}
	return out
}
