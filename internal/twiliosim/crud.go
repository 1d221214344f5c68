package twiliosim

import (
	"net/http"
)

// key is the instance placeholder's value: the row's sid.
func (c *call) key() string { return c.params[c.res.keyParam] }

// inScope reports whether row belongs under the request's parent
// placeholders (a Media row under its message, say).
func (c *call) inScope(row map[string]any) bool {
	for name, v := range c.params {
		if name == "AccountSid" || name == c.res.keyParam {
			continue
		}
		if f := c.res.pathField(name); f != "" && row[f] != v {
			return false
		}
	}
	return true
}

// create stores a new row from a POST to the list path and answers 201 with
// it, unless the resource's hook answers creates its own way.
func (s *Server) create(c *call) reply {
	row, err := s.newRow(c, "")
	if err != nil {
		return errorReply(err)
	}
	c.res.store.put(row)
	if h := c.res.hooks.created; h != nil {
		return h(s, c, row)
	}
	return reply{status: http.StatusCreated, body: c.render(row)}
}

// fetch answers GET on an instance path.
func (s *Server) fetch(c *call) reply {
	row, ok := c.res.store.get(c.key())
	if !ok || !c.inScope(row) {
		return errorReply(notFound(c.path))
	}
	return reply{status: http.StatusOK, body: c.render(row)}
}

// update answers POST on an instance path: the declared form fields are
// written and date_updated moves. A resource with an owner (call Feedback)
// creates the row on first POST, provided the owner's row exists.
func (s *Server) update(c *call) reply {
	upsert := c.res.hooks.owner != ""
	if upsert && !s.ownerExists(c) {
		return errorReply(notFound(c.path))
	}
	row, err := c.res.store.apply(c.key(), func(row map[string]any) (map[string]any, *apiError) {
		if row == nil || !c.inScope(row) {
			if !upsert {
				return nil, notFound(c.path)
			}
			return s.newRow(c, c.key())
		}
		if err := c.applyForm(row); err != nil {
			return nil, err
		}
		if f, ok := c.res.fields["date_updated"]; ok {
			row["date_updated"] = formatAs(f, s.now())
		}
		return row, nil
	})
	if err != nil {
		return errorReply(err)
	}
	return reply{status: http.StatusOK, body: c.render(row)}
}

// ownerExists reports whether the owner entity has a row under the same key
// (the call a Feedback row belongs to).
func (s *Server) ownerExists(c *call) bool {
	owner := s.byName[c.res.hooks.owner]
	if owner == nil {
		return false
	}
	_, ok := owner.store.get(c.key())
	return ok
}

// remove answers DELETE: 204 with no body.
func (s *Server) remove(c *call) reply {
	if !c.res.store.removeIf(c.key(), c.inScope) {
		return errorReply(notFound(c.path))
	}
	return reply{status: http.StatusNoContent}
}
