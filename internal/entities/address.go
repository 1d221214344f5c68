package entities

import (
	"fmt"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// address holds the path values that locate a list or a row: its parents
// (MessageSid for Media) and, for a row, its key placeholder.
type address map[string]string

// idAddress resolves an entityId. A child row's entityId is composite,
// parents first in path order ("MM…/ME…" for Media), or just the key when
// the filterClause names the parents (MessageSid = 'MM…').
func (e *Entity) idAddress(id string, q *query) (address, error) {
	parts := strings.Split(strings.TrimSpace(id), "/")
	addr := address{}
	switch {
	case len(parts) == len(e.Parents)+1:
		for i, p := range e.Parents {
			addr[p] = parts[i]
		}
	case len(parts) == 1 && q != nil:
		for _, p := range e.Parents {
			addr[p] = q.parents[p]
		}
	default:
		return nil, codes.Errorf(codes.InvalidArgument, "entityId %.80q has %d parts; %s rows are addressed as %s",
			id, len(parts), e.Name, e.IDForm())
	}
	addr[e.KeyParam] = parts[len(parts)-1]
	if err := e.checkAddress(addr); err != nil {
		return nil, err
	}
	return addr, e.checkKeyValue(addr[e.KeyParam])
}

// listAddress takes a list's parents from the filterClause's top-level
// equality conditions.
func (e *Entity) listAddress(q *query) (address, error) {
	addr := address{}
	for _, p := range e.Parents {
		addr[p] = q.parents[p]
	}
	return addr, e.checkAddress(addr)
}

// checkAddress names a missing or malformed parent before any request.
func (e *Entity) checkAddress(addr address) error {
	for _, p := range e.Parents {
		v := addr[p]
		if v == "" {
			return codes.Errorf(codes.InvalidArgument, "%s needs its parent %s: add %s = '…' to the filterClause "+
				"(or, for one row, use entityId %s)", e.Name, p, p, e.IDForm())
		}
		if pat := e.ParentPattern(p); pat != "" && !matchPattern(pat, v) {
			return codes.Errorf(codes.InvalidArgument, "%s %.80q is not valid: it must match %s", p, v, pat)
		}
	}
	return nil
}

func (e *Entity) checkKeyValue(id string) error {
	if id == "" {
		return codes.Errorf(codes.InvalidArgument, "entityId is empty; %s rows are addressed as %s", e.Name, e.IDForm())
	}
	if e.KeyPattern != "" && !matchPattern(e.KeyPattern, id) {
		return codes.Errorf(codes.InvalidArgument, "entityId %.80q is not a valid %s %s: it must match %s",
			id, e.Name, e.Key, e.KeyPattern)
	}
	return nil
}

// IDForm documents the entityId form, e.g. "MessageSid/Sid"; "" when the
// rows have no key (views such as CallEvents).
func (e *Entity) IDForm() string {
	if e.Key == "" {
		return ""
	}
	return strings.Join(append(append([]string{}, e.Parents...), e.Key), "/")
}

// ParentPattern is the pattern Twilio requires of parent p ("" if none).
func (e *Entity) ParentPattern(p string) string {
	for _, in := range e.Creates {
		if in.Name == p && in.InPath {
			return in.Param.Pattern
		}
	}
	return e.parentPatterns[p]
}

// rowAddress is the address of a row the worker has read: parents from its
// parent columns, the key from the key column.
func (e *Entity) rowAddress(row map[string]any) address {
	addr := address{e.KeyParam: fmt.Sprint(row[e.Key])}
	for _, p := range e.Parents {
		addr[p] = fmt.Sprint(row[p])
	}
	return addr
}

// withParents fills the parent columns the rows do not carry themselves.
func (e *Entity) withParents(row map[string]any, addr address) map[string]any {
	for _, p := range e.Parents {
		if _, ok := row[p]; !ok && addr[p] != "" {
			row[p] = addr[p]
		}
	}
	return row
}

// keyFieldsOf lists the Twilio fields keyOf reads: the key's and the
// parents' that are columns of the row. It is nil when keyOf needs the
// whole row (no key), or when a key column is a flattened field.
func (e *Entity) keyFieldsOf() []string {
	if e.Key == "" {
		return nil
	}
	var out []string
	for _, name := range append([]string{e.Key}, e.Parents...) {
		c, ok := e.Column(name)
		if !ok {
			continue // a parent that is not a column comes from the address
		}
		if strings.Contains(c.Field, ".") {
			return nil
		}
		out = append(out, c.Field)
	}
	return out
}

// keyOf is a row's key in the connector's output shape: {"Sid": …}, with
// the parents for a child row ({"MessageSid": …, "Sid": …}).
func (e *Entity) keyOf(row map[string]any) map[string]any {
	if e.Key == "" {
		return row // nothing identifies the row: answer it whole (Tokens)
	}
	out := map[string]any{e.Key: row[e.Key]}
	for _, p := range e.Parents {
		out[p] = row[p]
	}
	return out
}
