package twiliosim

import (
	"regexp"
	"slices"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// resource is one entity as served: its spec, its hooks, the store of its
// rows (shared with the entities that list the same rows) and the lookups
// derived from the spec once at New.
type resource struct {
	spec     entities.Spec
	hooks    hooks
	store    *rowStore
	keyParam string            // the instance path's last placeholder: Sid, CallSid, CountryCode, ...; "" without one
	keyField string            // the row field keyParam names: sid, call_sid, country_code, ...
	parents  map[string]string // parent placeholder → row field
	fields   map[string]entities.Field
	top      []string          // top-level JSON names, sorted as encoding/json writes them, for rendering
	topField []*entities.Field // the field named top[i]; nil when only nested fields have that name
	uriPath  string            // the template of a row's uri
	uriKey   string            // the placeholder of uriPath that holds the row's key
	v1       bool              // a v1 API: no account in the path, absolute URLs, meta paging
	re       map[string]*regexp.Regexp
}

// servable reports whether the simulator can route spec: it has a path.
func servable(spec entities.Spec) bool { return spec.ListPath != "" || spec.InstancePath != "" }

func newResource(spec entities.Spec, h hooks, re map[string]*regexp.Regexp) *resource {
	r := &resource{spec: spec, hooks: h, fields: map[string]entities.Field{}, re: re,
		v1: !strings.HasPrefix(spec.ListPath+spec.InstancePath, "/2010-04-01/")}
	for _, f := range spec.Fields {
		r.fields[f.Path] = f
		top, _, _ := strings.Cut(f.Path, ".")
		if !slices.Contains(r.top, top) {
			r.top = append(r.top, top)
		}
		compile(re, f.Pattern)
	}
	slices.Sort(r.top)
	for _, name := range r.top {
		var f *entities.Field
		if v, ok := r.fields[name]; ok {
			f = &v
		}
		r.topField = append(r.topField, f)
	}
	for _, list := range [][]entities.Param{spec.PathParams, spec.ListQuery, spec.GetQuery, spec.Create, spec.Update} {
		for _, p := range list {
			compile(re, p.Pattern)
		}
	}
	if ps := placeholders(spec.InstancePath); len(ps) > 0 {
		r.keyParam = ps[len(ps)-1]
		r.keyField = r.fieldOfKey(r.keyParam)
	}
	r.parents = parentFields(spec, r.keyParam)
	return r
}

// fieldOfKey is the row field an instance placeholder names: sid for {Sid},
// else the placeholder's snake_case when rows have it ({CallSid} of Members
// is call_sid), else sid (call Feedback's {CallSid} is its sid).
func (r *resource) fieldOfKey(param string) string {
	if _, ok := r.fields[snake(param)]; ok && param != "Sid" {
		return snake(param)
	}
	return "sid"
}

// join attaches r to its store and settles where its rows' uri points: its
// own instance path, else the store's (IncomingPhoneNumbers/Local.json lists
// numbers whose uri is IncomingPhoneNumbers/{Sid}.json), else its list path.
func (r *resource) join(st *rowStore) {
	r.store = st
	switch {
	case r.spec.InstancePath != "":
		r.uriPath, r.uriKey = r.spec.InstancePath, r.keyParam
	case st.home != "":
		r.uriPath, r.uriKey = st.home, st.homeKey
	default:
		r.uriPath = r.spec.ListPath
	}
}

// compile adds pattern to re unless it is empty or already there. The spec's
// patterns are Go-compatible; one that is not is left out (and unchecked)
// rather than failing the whole server.
func compile(re map[string]*regexp.Regexp, pattern string) {
	if pattern == "" || re[pattern] != nil {
		return
	}
	if c, err := regexp.Compile(pattern); err == nil {
		re[pattern] = c
	}
}

// matches reports whether v matches pattern; an empty or unknown pattern
// matches everything.
func (r *resource) matches(pattern, v string) bool {
	c := r.re[pattern]
	return c == nil || c.MatchString(v)
}

// sidPrefix takes the first prefix a sid pattern allows:
// "^(SM|MM)[0-9a-fA-F]{32}$" gives "SM", "^PN[0-9a-fA-F]{32}$" gives "PN".
// A pattern that is not a SID's gives "".
func sidPrefix(pattern string) string {
	if !strings.HasSuffix(pattern, "[0-9a-fA-F]{32}$") {
		return ""
	}
	p := strings.TrimPrefix(pattern, "^")
	p = strings.TrimPrefix(p, "(")
	end := strings.IndexFunc(p, func(c rune) bool { return c < 'A' || c > 'Z' })
	if end < 0 {
		end = len(p)
	}
	return p[:end]
}

// fieldFor is the field a form parameter sets, or "" for a write-only
// parameter (StatusCallback on Messages, MediaUrl, ...). The field is the
// parameter's snake_case name; an array parameter may set the plural
// (Feedback's repeated Issue fills issues).
func (r *resource) fieldFor(p entities.Param) string {
	name := snake(p.Name)
	if _, ok := r.fields[name]; ok {
		return name
	}
	if _, ok := r.fields[name+"s"]; ok && p.Type == entities.TArray {
		return name + "s"
	}
	return ""
}
