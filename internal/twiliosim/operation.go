package twiliosim

import (
	"net/http"
	"slices"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// operation is one method on one route: which query parameters and form
// fields it declares, and what runs it.
type operation struct {
	name  string // list, create, fetch, update or delete
	query []entities.Param
	form  []entities.Param
	run   func(*Server, *call) reply
}

// pagingParams are the list parameters every paged list declares
// (Spec.Paged); the generated catalogue leaves them out of ListQuery because
// the executor owns paging.
var pagingParams = []entities.Param{
	{Name: "PageSize", Type: entities.TInteger},
	{Name: "Page", Type: entities.TInteger},
	{Name: "PageToken", Type: entities.TString},
}

// routeOps lists the operations the spec declares on a route, by method.
func routeOps(spec entities.Spec, k kind) map[string]*operation {
	ops := map[string]*operation{}
	if k == listPath {
		switch {
		case spec.ListGet && spec.Paging == "single":
			ops[http.MethodGet] = &operation{name: "fetch", query: spec.ListQuery, run: (*Server).single}
		case spec.ListGet && spec.Paged:
			q := slices.Concat(spec.ListQuery, pagingParams)
			ops[http.MethodGet] = &operation{name: "list", query: q, run: (*Server).list}
		case spec.ListGet:
			ops[http.MethodGet] = &operation{name: "list", query: spec.ListQuery, run: (*Server).list}
		}
		if spec.ListPost {
			ops[http.MethodPost] = &operation{name: "create", form: spec.Create, run: (*Server).create}
		}
		return ops
	}
	if spec.InstanceGet {
		ops[http.MethodGet] = &operation{name: "fetch", query: spec.GetQuery, run: (*Server).fetch}
	}
	if spec.InstancePost {
		ops[http.MethodPost] = &operation{name: "update", form: spec.Update, run: (*Server).update}
	}
	if spec.InstanceDelete {
		ops[http.MethodDelete] = &operation{name: "delete", run: (*Server).remove}
	}
	return ops
}

// operation returns the operation for method, or nil and the methods the
// route allows (for the 405's Allow header).
func (rt *route) operation(method string) (*operation, string) {
	if op := rt.ops[method]; op != nil {
		return op, ""
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		if rt.ops[m] != nil {
			allow = append(allow, m)
		}
	}
	return nil, strings.Join(allow, ", ")
}
