// Package twiliosim is a stateful stand-in for the parts of api.twilio.com
// that the connector's catalogue uses: an http.Handler that tests, benchmarks
// and `worker local` embed, and that cmd/twiliosim serves on a port.
//
// # Generic by construction
//
// Nothing here knows an entity by hand. New builds one resource per
// entities.Spec (paths, list key, methods, fields, parameters, patterns and
// enums from Twilio's official specification) and serves every one of them
// with the same list, fetch, create, update and delete code. Behaviour the
// specification cannot express lives in small named hooks (hooks.go): the
// defaults that make a row plausible, Twilio's magic test numbers for
// Messages, the call-keyed Feedback rows, the validation request that
// OutgoingCallerIds answers a create with, and the call feedback endpoints
// that Twilio retired in 2024.
//
// # Strictness
//
// The server validates requests the way a validating proxy in front of
// Twilio would: a query parameter or form field the operation does not
// declare, a value of the wrong type, outside its enum or not matching its
// pattern, or a missing required parameter is answered 400 with Twilio's
// error body {code, message, more_info, status}. Authentication is HTTP Basic
// with the path's account SID as user. Responses are shaped so that they
// validate against the official specification: rows carry every declared
// field (null when unknown, a valid value where the schema is not nullable),
// lists carry Twilio's paging envelope.
//
// # State
//
// Rows are kept per resource in Twilio's JSON shape (snake_case, nested
// objects as objects), in memory, behind one mutex per resource. The server
// is single-tenant: rows answer for any account SID in the path (unless
// Config.AccountSID restricts it), and account_sid and uri are rendered from
// the request's account. A Server is safe for concurrent use.
package twiliosim
