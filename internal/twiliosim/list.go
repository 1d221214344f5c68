package twiliosim

import (
	"net/http"
	"strconv"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// Twilio's paging bounds.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// window is the page a list request asks for.
type window struct {
	size, page, offset int
	token              string // the PageToken given, echoed in uri
}

// list answers GET on a list path: the filtered rows in scope, newest
// first, one page in the spec's envelope.
func (s *Server) list(c *call) reply {
	w, err := c.window()
	if err != nil {
		return errorReply(err)
	}
	recs := c.res.store.table.snapshot()
	page := make([]any, 0, min(w.size, len(recs)))
	matched := 0 // rows before the page are counted, not kept
	for _, rec := range recs {
		if !c.inScope(rec.fields) || !c.matchesFilters(rec.fields) {
			continue
		}
		if matched >= w.offset && matched < w.offset+w.size {
			page = append(page, c.render(rec.fields))
		}
		matched++
	}
	more := w.offset+w.size < matched
	var env map[string]any
	if c.res.spec.Paging == "meta" {
		env = c.metaEnvelope(w, more)
	} else {
		env = c.envelope(w, len(page), more)
	}
	env[c.res.spec.ListKey] = page
	return reply{status: http.StatusOK, body: env}
}

// single answers GET on a list path that holds one object per account
// (Balance): the newest row in scope stored for the path's account or for
// any account, else a row of defaults, which is not stored.
func (s *Server) single(c *call) reply {
	for _, rec := range c.res.store.table.snapshot() {
		if acct := rec.fields["account_sid"]; c.inScope(rec.fields) && (acct == nil || acct == c.account) {
			return reply{status: http.StatusOK, body: c.render(rec.fields)}
		}
	}
	row := map[string]any{}
	s.fillDefaults(c.res.store, row, c.account, nil)
	return reply{status: http.StatusOK, body: c.render(row)}
}

// window reads PageSize, Page and PageToken (already checked as integers and
// strings). Without a token the page starts at Page × PageSize.
func (c *call) window() (window, *apiError) {
	w := window{size: defaultPageSize, token: c.query.Get("PageToken")}
	if v := c.query.Get("PageSize"); v != "" {
		w.size, _ = strconv.Atoi(v)
		if w.size < 1 || w.size > maxPageSize {
			return w, invalid("PageSize must be between 1 and %d, got %s", maxPageSize, v)
		}
	}
	if v := c.query.Get("Page"); v != "" {
		w.page, _ = strconv.Atoi(v)
		if w.page < 0 {
			return w, invalid("Page must not be negative, got %s", v)
		}
	}
	w.offset = w.page * w.size
	if w.token != "" {
		off, ok := parsePageToken(c.res.spec.Name, w.token)
		if !ok {
			return w, invalid("Invalid PageToken %q: pass the token of a next_page_uri or previous_page_uri from this list", w.token)
		}
		w.offset = off
	}
	return w, nil
}

// matchesFilters applies the list filters present in the query. A filter
// maps to the field named by its snake_case ("From" → from); one with no such
// field (IncludeSoftDeleted) does not filter.
func (c *call) matchesFilters(row map[string]any) bool {
	for _, p := range c.res.spec.ListQuery {
		v, ok := c.query[p.Name]
		if !ok {
			continue
		}
		base, op := splitOperator(p.Name)
		if bound, ok := boundFilters[base]; ok {
			op = bound
		}
		f, ok := c.res.store.fields[snake(base)]
		if ok && !matchFilter(p, op, getPath(row, f.Path), v[0]) {
			return false
		}
	}
	return true
}

// boundFilters are filters that bound a range by their name: UsageRecords'
// StartDate keeps records from that day on, EndDate up to that day.
var boundFilters = map[string]string{"StartDate": ">", "EndDate": "<"}

// splitOperator splits "DateSent<" into "DateSent" and "<".
func splitOperator(name string) (string, string) {
	if n := len(name); n > 0 && (name[n-1] == '<' || name[n-1] == '>') {
		return name[:n-1], name[n-1:]
	}
	return name, ""
}

// matchFilter compares one field with one filter value: by UTC calendar day
// for dates (X on the day, X< on or before, X> on or after), by value
// otherwise.
func matchFilter(p entities.Param, op string, got any, want string) bool {
	if p.Type == entities.TDateTime || p.Type == entities.TDate {
		day, _ := parseDay(want)
		have := dayOf(got)
		switch {
		case have == "":
			return false
		case op == "<":
			return have <= day
		case op == ">":
			return have >= day
		}
		return have == day
	}
	switch g := got.(type) {
	case nil:
		return false
	case bool:
		b, err := parseBool(want)
		return err == nil && b == g
	case string:
		return g == want
	}
	return jsonScalar(got) == want
}

// jsonScalar renders a number as a filter value would spell it.
func jsonScalar(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}
