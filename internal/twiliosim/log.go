package twiliosim

import (
	"net/url"
	"time"
)

// maxLogged bounds the request log so a long benchmark run cannot exhaust
// memory; the oldest entries go first.
const maxLogged = 100_000

// Request is one request the server answered, for tests that check what a
// client sent (form fields, filters, request spacing).
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Form   url.Values // the form-encoded body of a POST
	Time   time.Time  // when it arrived, by Config.Now
	Status int        // the HTTP status answered; 0 when a timeout fault dropped it
}

// Requests returns a copy of the request log, oldest first (at most the last
// 100,000 requests).
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	start := max(0, len(s.log)-maxLogged)
	return append([]Request(nil), s.log[start:]...)
}

func (s *Server) record(req Request) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.log) >= 2*maxLogged { // trim in bulk so appends stay amortised O(1)
		s.log = append(s.log[:0:0], s.log[len(s.log)-maxLogged:]...)
	}
	s.log = append(s.log, req)
}
