package example

import (
	"fmt"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// New indexes the generated specification for the patterns the examples
// need.
func New() *Builder {
	b := &Builder{specs: map[string]*entities.Spec{}, patterns: map[string]string{}}
	seen := map[string]map[string]bool{} // name → the patterns given to it
	note := func(name, pattern string) {
		if pattern != "" {
			if seen[name] == nil {
				seen[name] = map[string]bool{}
			}
			seen[name][pattern] = true
		}
	}
	specs := entities.Specs()
	for i := range specs {
		s := &specs[i]
		b.specs[s.Name] = s
		for _, group := range [][]entities.Param{s.PathParams, s.Create, s.Update, s.ListQuery} {
			for _, p := range group {
				note(p.Name, p.Pattern)
			}
		}
		for _, f := range s.Fields {
			note(entities.ColumnName(f.Path), f.Pattern)
		}
	}
	for name, ps := range seen {
		if len(ps) == 1 { // a name whose patterns disagree (Sid) has none of its own
			for p := range ps {
				b.patterns[name] = p
			}
		}
	}
	return b
}

// Pattern is the pattern a value named name must match in e (nil for an
// action): the key's pattern, the path placeholder's or row field's in e's
// specification, else the one pattern the whole specification gives the
// name (a queue member's CallSid is a call's Sid), else "".
func (b *Builder) Pattern(e *entities.Entity, name string) string {
	if e != nil && name == e.Key && e.KeyPattern != "" {
		return e.KeyPattern
	}
	if s := b.specFor(e); s != nil {
		for _, p := range s.PathParams {
			if p.Name == name && p.Pattern != "" {
				return p.Pattern
			}
		}
		for _, f := range s.Fields {
			if entities.ColumnName(f.Path) == name && f.Pattern != "" {
				return f.Pattern
			}
		}
	}
	return b.patterns[name]
}

func (b *Builder) specFor(e *entities.Entity) *entities.Spec {
	if e == nil {
		return nil
	}
	return b.specs[e.Name]
}

// EntityID is an example entityId for e: the key, preceded by the parents
// for a child entity ("MM…/ME…"); "" when e's rows have no key.
func (b *Builder) EntityID(e *entities.Entity) string {
	if e.Key == "" {
		return ""
	}
	parts := make([]string, 0, len(e.Parents)+1)
	for _, p := range append(append([]string{}, e.Parents...), e.Key) {
		parts = append(parts, b.sample(e, p))
	}
	return strings.Join(parts, "/")
}

// ParentFilter is the filterClause that names a child entity's parents,
// which LIST (and UPDATE or DELETE by filterClause) needs:
// "MessageSid = 'MM…'"; "" for a top-level entity.
func (b *Builder) ParentFilter(e *entities.Entity) string {
	conds := make([]string, len(e.Parents))
	for i, p := range e.Parents {
		conds[i] = fmt.Sprintf("%s = '%s'", p, b.sample(e, p))
	}
	return strings.Join(conds, " AND ")
}

// sample is an example value for a key or parent placeholder.
func (b *Builder) sample(e *entities.Entity, name string) string {
	s, _ := scalar(name, entities.Param{Name: name, Type: entities.TString}, b.Pattern(e, name)).(string)
	return s
}
