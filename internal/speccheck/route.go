package speccheck

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/routers"
)

// match is the operation a request was routed to.
type match struct {
	route  *routers.Route
	params map[string]string // path parameters, still percent-encoded
}

// find routes r by method and path template, trying the specs in order. The
// first spec that knows the path decides: the feedback spec holds only paths
// the current one lacks, and the other specs share no paths.
func (c *Checker) find(r *http.Request) (*match, error) {
	for _, router := range c.routers {
		route, params, err := router.FindRoute(r)
		switch {
		case err == nil:
			return &match{route: route, params: params}, nil
		case errors.Is(err, routers.ErrMethodNotAllowed):
			return nil, fmt.Errorf("method %s is not declared for this path", r.Method)
		case !errors.Is(err, routers.ErrPathNotFound):
			return nil, fmt.Errorf("routing: %w", err)
		}
	}
	return nil, errors.New("path is not declared in the Twilio specs")
}
