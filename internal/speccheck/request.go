package speccheck

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

const formType = "application/x-www-form-urlencoded"

// CheckRequest reports every way r breaks the spec, as a *Violation, or
// returns nil. It reads r's method, URL path and query, and headers (the
// Content-Type of a body matters); body is the form body of a POST, and r.Body
// is not read. The host is ignored. r is not modified.
func (c *Checker) CheckRequest(r *http.Request, body []byte) error {
	m, err := c.find(r)
	if err != nil {
		return newViolation(r, err.Error())
	}
	return newViolation(r, checkRequest(m, r, body)...)
}

// checkRequest checks r, which was routed to m, and its form body.
func checkRequest(m *match, r *http.Request, body []byte) []string {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return []string{fmt.Sprintf("malformed query: %v", err)}
	}
	problems := checkQuery(m.route, query)
	problems = append(problems, checkForm(m.route.Operation, body)...)
	return append(problems, validateRequest(r, body, m)...)
}

// validateRequest runs kin-openapi's request validation on a copy of r that
// carries body, and describes what it found.
func validateRequest(r *http.Request, body []byte, m *match) []string {
	req := r.Clone(r.Context())
	req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, int64(len(body))
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: m.params,
		Route:      m.route,
		Options:    requestOptions(),
	}
	return describe(openapi3filter.ValidateRequest(req.Context(), in))
}

// requestOptions configures openapi3filter for requests: every problem at
// once, no authentication (any credentials do), no defaults written into the
// request, and no body where the spec declares none. List date filters are
// checked as the specs type them (date-time), as a validating proxy does,
// although Twilio documents YYYY-MM-DD days.
func requestOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:                        true,
		AuthenticationFunc:                openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults:               true,
		RejectWhenRequestBodyNotSpecified: true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.DisableSchemaErrorDetails(),
		},
	}
}

// checkQuery reports query parameters the operation does not declare and
// scalar ones that are repeated. Names such as "DateSent>" are declared
// literally, so "DateSent%3E=2024-01-02" is accepted.
func checkQuery(route *routers.Route, query url.Values) []string {
	declared := map[string]*openapi3.Schema{}
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range params {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = schemaOf(p.Value.Schema)
			}
		}
	}
	return checkNames("query parameter", query, declared)
}

// checkForm reports form fields that are not properties of the operation's
// request body schema, repeated scalar fields, and, for an empty body (which
// kin-openapi does not look into), the required fields.
func checkForm(op *openapi3.Operation, body []byte) []string {
	schema := formSchema(op)
	if schema == nil {
		return nil // no form body declared; kin-openapi rejects a body
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return []string{fmt.Sprintf("malformed form body: %v", err)}
	}
	declared := map[string]*openapi3.Schema{}
	for name, prop := range schema.Properties {
		declared[name] = schemaOf(prop)
	}
	problems := checkNames("form field", form, declared)
	if len(body) == 0 {
		for _, name := range schema.Required {
			problems = append(problems, fmt.Sprintf("form field %q is required but missing", name))
		}
	}
	return problems
}

// checkNames reports the keys of values that declared lacks, naming what is
// declared, and the keys given more than once whose schema is not an array.
func checkNames(kind string, values url.Values, declared map[string]*openapi3.Schema) []string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(values)) {
		schema, ok := declared[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("undeclared %s %q; declared: %s",
				kind, name, declaredList(declared)))
		case len(values[name]) > 1 && (schema == nil || !schema.Type.Is(openapi3.TypeArray)):
			problems = append(problems, fmt.Sprintf("%s %q is given %d times but is not an array",
				kind, name, len(values[name])))
		}
	}
	return problems
}

// formSchema returns the schema of op's form body, or nil if it has none.
func formSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get(formType)
	if mt == nil {
		return nil
	}
	return schemaOf(mt.Schema)
}

// schemaOf dereferences ref, which may be nil.
func schemaOf(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

// declaredList names the declared keys, sorted, or says there are none.
func declaredList(declared map[string]*openapi3.Schema) string {
	if len(declared) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(declared)), ", ")
}
