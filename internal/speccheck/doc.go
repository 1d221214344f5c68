// Package speccheck checks HTTP traffic to and from the Twilio REST API
// against Twilio's official OpenAPI specifications, as strictly as the
// acceptance proxy that guards the real checks.
//
// A Checker is built once by Load from the specification files (it never
// embeds them) and then checks requests with CheckRequest, responses with
// CheckResponse, or both with Middleware in front of a fake Twilio such as
// twiliosim.
//
// # Routing
//
// The host is ignored: every spec's servers are cleared, so a request to
// 127.0.0.1 matches as if it went to api.twilio.com. Paths are matched by
// template. The 2024-02-09 spec (twilio_api_v2010_with_call_feedback.json)
// contributes only the call feedback templates that the current spec no
// longer has; everything else goes to the current v2010 spec, then to the
// insights and messaging v1 specs when they are present. The order matters:
// in the current spec POST /Calls/FeedbackSummary.json would match
// /Calls/{Sid}.json.
//
// # What a request must satisfy
//
// Beyond kin-openapi's openapi3filter.ValidateRequest (types, enums,
// patterns, required fields, path parameter patterns), a request may only
// use query parameters declared for its operation and form fields declared
// as properties of its request body schema, and a field that is not an array
// may appear only once. List date filters typed date-time also accept the
// YYYY-MM-DD form Twilio documents. Security is not checked.
//
// # What a response must satisfy
//
// A response whose status the operation declares must have a body valid for
// it: JSON of the declared schema, or no body at all when the spec declares
// no content (204 on deletes). Another 2xx status is a violation. Any other
// status is an error, which the specs do not describe, so it must carry
// Twilio's error body: integer code, string message, string more_info and an
// integer status equal to the HTTP status. Formats JSON Schema does not
// know, such as date-time-rfc-2822, are not checked.
//
// # Violations
//
// Problems come back as a *Violation whose text is "METHOD /path: problem;
// problem", each problem naming the parameter or field concerned and, for
// undeclared names, listing the declared ones.
//
// # Concurrency
//
// A Checker is safe for concurrent use once Load has returned.
package speccheck
