package twiliosim

import (
	"regexp"
	"slices"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// v2010Prefix starts every path the simulator serves; see servable.
const v2010Prefix = "/2010-04-01/Accounts/{AccountSid}/"

// resource is one entity as served: its spec, its hooks, its store and the
// lookups derived from the spec once at New.
type resource struct {
	spec     entities.Spec
	hooks    hooks
	key      string // fixture and Rows key: the list key or hooks.key
	keyParam string // the instance path's last placeholder: Sid, or CallSid for Feedback
	prefix   string // SID prefix of new rows, from the sid field's pattern
	fields   map[string]entities.Field
	top      []string // top-level JSON names in spec order, for rendering
	store    *table
	re       map[string]*regexp.Regexp
}

// servable reports whether spec lives under /2010-04-01/Accounts/{AccountSid}.
func servable(spec entities.Spec) bool {
	for _, p := range []string{spec.ListPath, spec.InstancePath} {
		if p != "" && !strings.HasPrefix(p, v2010Prefix) {
			return false
		}
	}
	return spec.ListPath != "" || spec.InstancePath != ""
}

func newResource(spec entities.Spec, re map[string]*regexp.Regexp) *resource {
	h := hooksFor(spec.Name)
	r := &resource{spec: spec, hooks: h, fields: map[string]entities.Field{}, store: newTable(), re: re}
	r.key = spec.ListKey
	if h.key != "" {
		r.key = h.key
	} else if r.key == "" {
		r.key = snake(spec.Name)
	}
	if ps := placeholders(spec.InstancePath); len(ps) > 0 {
		r.keyParam = ps[len(ps)-1]
	}
	for _, f := range spec.Fields {
		r.fields[f.Path] = f
		top, _, _ := strings.Cut(f.Path, ".")
		if !slices.Contains(r.top, top) {
			r.top = append(r.top, top)
		}
		compile(re, f.Pattern)
	}
	for _, list := range [][]entities.Param{spec.PathParams, spec.ListQuery, spec.GetQuery, spec.Create, spec.Update} {
		for _, p := range list {
			compile(re, p.Pattern)
		}
	}
	r.prefix = sidPrefix(r.fields["sid"].Pattern)
	return r
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
func sidPrefix(pattern string) string {
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

// pathField is the row field a parent path placeholder scopes rows by
// (snake_case of the placeholder), or "" when the row has no such field.
func (r *resource) pathField(param string) string {
	if f, ok := r.hooks.pathFields[param]; ok {
		return f
	}
	if _, ok := r.fields[snake(param)]; ok {
		return snake(param)
	}
	return ""
}
