package speccheck

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Violation is the error CheckRequest and CheckResponse return: the request
// line it concerns and every problem found, each saying what was wrong.
type Violation struct {
	Method   string
	Path     string // URL path, without the query
	Problems []string
}

// Error renders the violation as "METHOD /path: problem; problem".
func (v *Violation) Error() string {
	return fmt.Sprintf("%s %s: %s", v.Method, v.Path, strings.Join(v.Problems, "; "))
}

// newViolation returns a *Violation for r, or nil when there are no problems.
func newViolation(r *http.Request, problems ...string) error {
	if len(problems) == 0 {
		return nil
	}
	return &Violation{Method: r.Method, Path: r.URL.Path, Problems: problems}
}

// describe flattens what kin-openapi returned into one line per problem,
// each naming the parameter or field it concerns.
func describe(err error) []string {
	switch e := err.(type) {
	case nil:
		return nil
	case openapi3.MultiError:
		var out []string
		for _, inner := range e {
			out = append(out, describe(inner)...)
		}
		return out
	case *openapi3filter.RequestError:
		switch {
		case e.Parameter != nil:
			return within(fmt.Sprintf("%s parameter %q", e.Parameter.In, e.Parameter.Name), "", e.Reason, e.Err)
		case e.RequestBody != nil:
			return within("request body", "form field", e.Reason, e.Err)
		}
		return []string{e.Error()}
	case *openapi3filter.ResponseError:
		return within("response body", "response field", e.Reason, e.Err)
	}
	return []string{err.Error()}
}

// within describes the schema errors in err as problems of subject, or of
// the field they point at when field names the kind of fields subject has.
// Other errors become one problem: subject, reason, err.
func within(subject, field, reason string, err error) []string {
	var out []string
	for _, se := range schemaErrors(err) {
		at, why := subject, se.Reason
		if se.Origin != nil {
			why = se.Origin.Error()
		}
		if ptr := se.JSONPointer(); len(ptr) > 0 && field != "" {
			at = fmt.Sprintf("%s %q", field, strings.Join(ptr, "/"))
		}
		out = append(out, at+": "+why)
	}
	if len(out) > 0 {
		return out
	}
	parts := []string{subject}
	if reason != "" {
		parts = append(parts, reason)
	}
	if err != nil && err.Error() != reason {
		parts = append(parts, err.Error())
	}
	return []string{strings.Join(parts, ": ")}
}

// schemaErrors lists the schema errors in err, which may be a MultiError.
func schemaErrors(err error) []*openapi3.SchemaError {
	switch e := err.(type) {
	case *openapi3.SchemaError:
		return []*openapi3.SchemaError{e}
	case openapi3.MultiError:
		var out []*openapi3.SchemaError
		for _, inner := range e {
			out = append(out, schemaErrors(inner)...)
		}
		return out
	}
	return nil
}
