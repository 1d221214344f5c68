package twiliosim

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"sync"
)

// accountPattern is Twilio's AccountSid pattern, checked before auth so a
// malformed account is "not found" rather than a credentials problem.
var accountPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)

// reply is what a request is answered with: a status and a JSON body, or no
// body (nil) for 204; or nothing at all when drop is set (a timeout fault).
type reply struct {
	status     int
	body       any
	allow      string // the Allow header of a 405
	retryAfter string // the Retry-After header of a 429
	drop       bool
}

func errorReply(e *apiError) reply { return reply{status: e.status, body: e.body()} }

// call is one routed, authenticated request.
type call struct {
	res     *resource
	op      *operation
	path    string
	base    string            // scheme and host, for the v1 APIs' absolute URLs
	account string            // the path's {AccountSid}, else the authenticated account
	params  map[string]string // path placeholders
	query   url.Values
	form    url.Values
}

// ServeHTTP answers one Twilio REST request, after Config.Latency, and logs
// it for Requests. A request that draws a timeout fault gets no answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := s.cfg.Now()
	query, form, err := readInput(r)
	var rep reply
	if err != nil {
		rep = errorReply(err)
	} else {
		rep = s.serve(r, query, form)
	}
	entry := Request{Method: r.Method, Path: r.URL.Path, Query: query, Form: form, Time: arrived, Status: rep.status}
	if rep.drop {
		s.drop(r, entry) // does not return
	}
	pause(r.Context(), s.cfg.Latency)
	s.write(w, rep)
	s.record(entry)
}

// serve admits a request, then runs its operation or answers a fault in
// its place.
func (s *Server) serve(r *http.Request, query, form url.Values) reply {
	c, rep := s.admit(r, query, form)
	if c == nil {
		return rep
	}
	return s.runFaulty(r, c)
}

// admit routes, authenticates and validates a request, and returns its call,
// or nil and the error answer. The order decides which error a doubly wrong
// request gets: unknown path, credentials, retired endpoint, method, path
// SID, parameters.
func (s *Server) admit(r *http.Request, query, form url.Values) (*call, reply) {
	rt, params := s.find(r.URL.Path)
	if rt == nil {
		return nil, errorReply(notFound(r.URL.Path))
	}
	account, hasAccount := params["AccountSid"]
	if hasAccount && !accountPattern.MatchString(account) {
		return nil, errorReply(notFound(r.URL.Path))
	}
	account, err := s.authenticate(r, account, hasAccount)
	if err != nil {
		return nil, errorReply(err)
	}
	if rt.res.hooks.retired && s.cfg.RetiredFeedback {
		return nil, errorReply(notFound(r.URL.Path))
	}
	op, allow := rt.operation(r.Method)
	if op == nil {
		rep := errorReply(methodNotAllowed(r.Method, r.URL.Path))
		rep.allow = allow
		return nil, rep
	}
	c := &call{res: rt.res, op: op, path: r.URL.Path, base: baseURL(r), account: account,
		params: params, query: query, form: form}
	if err := c.checkPath(); err != nil {
		return nil, errorReply(err)
	}
	if err := c.checkInput(); err != nil {
		return nil, errorReply(err)
	}
	return c, reply{}
}

// run runs an admitted call's operation.
func (s *Server) run(c *call) reply {
	if h := c.res.hooks.prepare; h != nil {
		h(s, c)
	}
	return c.op.run(s, c)
}

// readInput parses the query strictly and, for a POST, the form body. A
// POST body that is not form-encoded is refused: Twilio's v2010 API takes
// only forms.
func readInput(r *http.Request) (url.Values, url.Values, *apiError) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, nil, invalid("The query string is malformed: %v", err)
	}
	if r.Method != http.MethodPost {
		return query, nil, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/x-www-form-urlencoded" {
			return query, nil, invalid("Content-Type %s is not supported; send application/x-www-form-urlencoded", mt)
		}
	}
	if err := r.ParseForm(); err != nil { // ParseForm caps the body at 10 MB
		return query, nil, invalid("The form body is malformed: %v", err)
	}
	return query, r.PostForm, nil
}

// write sends rep with Twilio's headers: a request id on every answer, Allow
// on a 405, Retry-After on a 429, a Basic challenge on a 401.
func (s *Server) write(w http.ResponseWriter, rep reply) {
	h := w.Header()
	h.Set("Twilio-Request-Id", s.ids.requestID())
	if rep.allow != "" {
		h.Set("Allow", rep.allow)
	}
	if rep.retryAfter != "" {
		h.Set("Retry-After", rep.retryAfter)
	}
	if rep.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	buf := encodeBuffers.Get().(*[]byte)
	b, err := appendJSON((*buf)[:0], rep.body)
	if err != nil { // rows hold only JSON values; this is a bug, said plainly
		rep = errorReply(&apiError{status: http.StatusInternalServerError, code: 20500, message: "twiliosim: " + err.Error()})
		b, _ = appendJSON(b[:0], rep.body)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(b)
	if cap(b) <= maxPooledBuffer {
		*buf = b
		encodeBuffers.Put(buf)
	}
}

// encodeBuffers keeps answer buffers between requests: a list page is
// about a megabyte, which would otherwise be allocated (and grown) anew for
// every page.
var encodeBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledBuffer = 8 << 20

// encode writes JSON as Twilio does, with & < > left as they are (paging
// URIs are full of &). The output is encoding/json's, byte for byte.
func encode(v any) ([]byte, error) {
	return appendJSON(make([]byte, 0, 4096), v)
}

// appendJSON appends v as encoding/json (without HTML escaping) writes it.
// A list page is a thousand maps of plain strings: those are written here,
// without reflection; any other value, and any string that needs escaping,
// is handed to encoding/json.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case string:
		if plainASCII(x) {
			return append(append(append(b, '"'), x...), '"'), nil
		}
	case map[string]any:
		if x != nil {
			return appendObject(b, x)
		}
	case []any:
		if x != nil {
			return appendArray(b, x)
		}
	case *rendered:
		return x.appendJSON(b)
	}
	return appendStd(b, v)
}

func appendObject(b []byte, m map[string]any) ([]byte, error) {
	b = append(b, '{')
	var err error
	var small [32]string // a Twilio row's keys fit: no allocation to sort them
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // encoding/json's order
	for i, k := range keys {
		if b, err = appendField(b, i, k, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func appendArray(b []byte, a []any) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i, v := range a {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendJSON(b, v); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// appendField appends the i-th member of an object.
func appendField(b []byte, i int, k string, v any) ([]byte, error) {
	return appendJSON(appendKey(b, i, k), v)
}

// appendKey appends the i-th member's name and colon; not through
// appendJSON, as boxing k would allocate.
func appendKey(b []byte, i int, k string) []byte {
	if i > 0 {
		b = append(b, ',')
	}
	if plainASCII(k) {
		b = append(append(append(b, '"'), k...), '"')
	} else {
		b, _ = appendStd(b, k) // a string always encodes
	}
	return append(b, ':')
}

// appendStd appends v as encoding/json writes it.
func appendStd(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), err
}

// plainASCII reports whether encoding/json writes s as it is, in quotes:
// printable ASCII other than the quote and the backslash.
func plainASCII[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
