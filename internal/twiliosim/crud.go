package twiliosim

import (
	"net/http"
)

// create stores a new row from a POST to the list path and answers with it
// (201 unless the spec declares another status), unless the resource's hook
// answers creates its own way. A create under a parent that does not exist
// is a 404.
func (s *Server) create(c *call) reply {
	if s.missingParent(c) {
		return errorReply(notFound(c.path))
	}
	row, err := s.newRow(c, "")
	if err != nil {
		return errorReply(err)
	}
	c.res.store.table.put(row)
	if h := c.res.hooks.created; h != nil {
		return h(s, c, row)
	}
	return reply{status: orDefault(c.res.hooks.createStatus, http.StatusCreated), body: c.render(row)}
}

// fetch answers GET on an instance path. A resource with onDemand
// (CallAnnotation) creates an empty row for an owner that has none.
func (s *Server) fetch(c *call) reply {
	if row, ok := s.lookup(c); ok {
		return reply{status: http.StatusOK, body: c.render(row)}
	}
	if !c.res.hooks.onDemand {
		return errorReply(notFound(c.path))
	}
	return s.writeRow(c, http.StatusOK)
}

// update answers POST on an instance path: the declared form fields are
// written and date_updated moves. A resource with upsert (call Feedback,
// CallAnnotation) creates the row on first POST, provided its owner exists.
func (s *Server) update(c *call) reply {
	return s.writeRow(c, orDefault(c.res.hooks.updateStatus, http.StatusOK))
}

// writeRow applies the form to the row c names, creating it when the resource
// upserts, and answers status with the result.
func (s *Server) writeRow(c *call, status int) reply {
	create := c.res.hooks.upsert || c.res.hooks.onDemand
	if create && s.missingParent(c) {
		return errorReply(notFound(c.path))
	}
	key := s.resolveKey(c)
	row, err := c.res.store.table.apply(key, func(row map[string]any) (map[string]any, *apiError) {
		switch {
		case row == nil && create:
			return s.newRow(c, key)
		case row == nil || !c.inScope(row):
			return nil, notFound(c.path)
		}
		if err := c.applyForm(row); err != nil {
			return nil, err
		}
		if f, ok := c.res.store.fields["date_updated"]; ok {
			row["date_updated"] = formatAs(f, s.now())
		}
		return row, nil
	})
	if err != nil {
		return errorReply(err)
	}
	return reply{status: status, body: c.render(row)}
}

// remove answers DELETE: 204 with no body.
func (s *Server) remove(c *call) reply {
	if !c.res.store.table.removeIf(s.resolveKey(c), c.inScope) {
		return errorReply(notFound(c.path))
	}
	return reply{status: http.StatusNoContent}
}

// lookup returns the row c names, in scope.
func (s *Server) lookup(c *call) (map[string]any, bool) {
	row, ok := c.res.store.table.get(s.resolveKey(c))
	if !ok || !c.inScope(row) {
		return nil, false
	}
	return row, true
}

// resolveKey is the table key c names: the placeholder's value, or, for a
// resource whose rows may also be named (a Stream by its name), the key of
// the row in scope with that name.
func (s *Server) resolveKey(c *call) string {
	key := c.key()
	field := c.res.hooks.nameField
	if field == "" {
		return key
	}
	if _, ok := c.res.store.table.get(key); ok {
		return key
	}
	for _, rec := range c.res.store.table.snapshot() {
		if rec.fields[field] == key && c.inScope(rec.fields) {
			k, _ := rec.fields[c.res.store.keyField].(string)
			return k
		}
	}
	return key
}

// orDefault is v, or def when v is zero.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
