package speccheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// CheckResponse reports every way a response to r breaks the spec, as a
// *Violation, or returns nil. A status the operation declares must come with
// a body valid for it (none when it declares no content, as 204 on deletes);
// any other 2xx status is a violation; any other status must carry Twilio's
// error body. Only r's method and URL are read.
func (c *Checker) CheckResponse(r *http.Request, status int, header http.Header, body []byte) error {
	m, err := c.find(r)
	if err != nil {
		return newViolation(r, err.Error())
	}
	return newViolation(r, checkResponse(m, r, status, header, body)...)
}

// checkResponse checks a response to r, which was routed to m.
func checkResponse(m *match, r *http.Request, status int, header http.Header, body []byte) []string {
	responses := m.route.Operation.Responses
	ref := responses.Status(status)
	switch {
	case ref != nil && ref.Value != nil && len(ref.Value.Content) == 0 && len(body) > 0:
		return []string{fmt.Sprintf("response status %d declares no body, got %d bytes", status, len(body))}
	case ref != nil:
		return validateResponse(m, r, status, header, body)
	case status >= 200 && status < 300:
		declared := responses.Keys()
		slices.Sort(declared)
		return []string{fmt.Sprintf("response status %d is not declared for this operation; declared: %s",
			status, strings.Join(declared, ", "))}
	default:
		return checkErrorBody(status, body)
	}
}

// validateResponse runs kin-openapi's response validation. Unknown formats
// such as date-time-rfc-2822 are skipped by kin-openapi; the formats it knows
// (date, date-time) are checked strictly here, unlike in requests.
func validateResponse(m *match, r *http.Request, status int, header http.Header, body []byte) []string {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: m.params,
			Route:      m.route,
		},
		Status: status,
		Header: header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			MultiError:            true,
			IncludeResponseStatus: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.DisableSchemaErrorDetails(),
			},
		},
	}
	return describe(openapi3filter.ValidateResponse(r.Context(), in))
}

// checkErrorBody reports how body differs from Twilio's error body:
// {"code": int, "message": string, "more_info": string, "status": int}, with
// status equal to the HTTP status. The specs do not describe errors.
func checkErrorBody(status int, body []byte) []string {
	fields, ok := jsonObject(body)
	if !ok {
		return []string{fmt.Sprintf("error response (status %d) is not a JSON object: %q", status, clip(body))}
	}
	var problems []string
	for _, f := range []struct{ name, kind string }{
		{"code", "an integer"}, {"message", "a string"}, {"more_info", "a string"}, {"status", "an integer"},
	} {
		if !hasKind(fields[f.name], f.kind) {
			problems = append(problems, fmt.Sprintf("error response (status %d): %q must be %s, got %s",
				status, f.name, f.kind, jsonText(fields[f.name])))
		}
	}
	if n, ok := fields["status"].(json.Number); ok && hasKind(n, "an integer") && n.String() != fmt.Sprint(status) {
		problems = append(problems, fmt.Sprintf("error response (status %d): body says status %s", status, n))
	}
	return problems
}

// jsonObject decodes body, which must hold exactly one JSON object, keeping
// numbers as json.Number.
func jsonObject(body []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, false
	}
	_, err := dec.Token()
	return fields, err == io.EOF
}

// hasKind reports whether a value decoded with UseNumber is "a string" or
// "an integer", as kind says.
func hasKind(v any, kind string) bool {
	switch x := v.(type) {
	case string:
		return kind == "a string"
	case json.Number:
		_, err := x.Int64()
		return kind == "an integer" && err == nil
	}
	return false
}

// jsonText renders a decoded value for a message, "nothing" when absent.
func jsonText(v any) string {
	if v == nil {
		return "nothing or null"
	}
	b, _ := json.Marshal(v)
	return string(clip(b))
}

// clip shortens b for an error message.
func clip(b []byte) []byte {
	const limit = 120
	if len(b) > limit {
		return append(b[:limit:limit], "…"...)
	}
	return b
}
