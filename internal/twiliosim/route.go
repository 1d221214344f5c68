package twiliosim

import (
	"sort"
	"strings"
	"unicode"
)

// kind tells a list path from an instance path.
type kind int

const (
	listPath kind = iota
	instancePath
)

// segment is one slash-separated piece of a path template: a literal, or a
// placeholder with an optional literal prefix and suffix ("{Sid}.json").
type segment struct {
	literal        string
	name           string
	prefix, suffix string
}

// route is one template of one resource.
type route struct {
	res      *resource
	kind     kind
	template string
	segs     []segment
	rank     string // '1' per literal segment, '0' per placeholder
	ops      map[string]*operation
}

// buildRoutes collects every template and orders them so that the first
// match is the most specific: a literal beats a placeholder at the first
// position where two templates differ. That is what keeps
// POST /Calls/FeedbackSummary.json from being read as /Calls/{Sid}.json.
func buildRoutes(resources []*resource) []route {
	var routes []route
	for _, res := range resources {
		if res.spec.ListPath != "" && (res.spec.ListGet || res.spec.ListPost) {
			routes = append(routes, newRoute(res, listPath, res.spec.ListPath))
		}
		if res.spec.InstancePath != "" {
			routes = append(routes, newRoute(res, instancePath, res.spec.InstancePath))
		}
	}
	sort.SliceStable(routes, func(i, j int) bool { return routes[i].rank > routes[j].rank })
	return routes
}

func newRoute(res *resource, k kind, template string) route {
	rt := route{res: res, kind: k, template: template, ops: routeOps(res.spec, k)}
	var rank strings.Builder
	for _, part := range strings.Split(template, "/") {
		open, end := strings.IndexByte(part, '{'), strings.IndexByte(part, '}')
		if open < 0 || end < open {
			rt.segs = append(rt.segs, segment{literal: part})
			rank.WriteByte('1')
			continue
		}
		rt.segs = append(rt.segs, segment{name: part[open+1 : end], prefix: part[:open], suffix: part[end+1:]})
		rank.WriteByte('0')
	}
	rt.rank = rank.String()
	return rt
}

// match returns the placeholders' values when path fits the template.
func (rt *route) match(parts []string) (map[string]string, bool) {
	if len(parts) != len(rt.segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range rt.segs {
		p := parts[i]
		if seg.name == "" {
			if p != seg.literal {
				return nil, false
			}
			continue
		}
		if len(p) <= len(seg.prefix)+len(seg.suffix) || !strings.HasPrefix(p, seg.prefix) || !strings.HasSuffix(p, seg.suffix) {
			return nil, false
		}
		params[seg.name] = p[len(seg.prefix) : len(p)-len(seg.suffix)]
	}
	return params, true
}

// find returns the most specific route for path and its placeholders.
func (s *Server) find(path string) (*route, map[string]string) {
	parts := strings.Split(path, "/")
	for i := range s.routes {
		if params, ok := s.routes[i].match(parts); ok {
			return &s.routes[i], params
		}
	}
	return nil, nil
}

// expand fills a template's placeholders from values.
func expand(template string, values map[string]string) string {
	return string(appendExpand(nil, template, func(name string) string { return values[name] }))
}

// appendExpand appends the template with each placeholder (those
// placeholders lists) filled with value's answer for its name.
func appendExpand(b []byte, template string, value func(name string) string) []byte {
	for {
		open := strings.IndexByte(template, '{')
		end := strings.IndexByte(template, '}')
		if open < 0 || end < open {
			return append(b, template...)
		}
		b = append(b, template[:open]...)
		b = append(b, value(template[open+1:end])...)
		template = template[end+1:]
	}
}

// placeholders lists a template's placeholder names in order.
func placeholders(template string) []string {
	var names []string
	for {
		open := strings.IndexByte(template, '{')
		end := strings.IndexByte(template, '}')
		if open < 0 || end < open {
			return names
		}
		names = append(names, template[open+1:end])
		template = template[end+1:]
	}
}

// snake turns Twilio's parameter and entity names into JSON field names:
// FriendlyName → friendly_name, ParentCallSid → parent_call_sid,
// IncomingPhoneNumbers → incoming_phone_numbers.
func snake(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
