// Package twiliosim is a stateful stand-in for the Twilio REST API that the
// connector's catalogue uses: every resource of the 2010 API, insights v1's
// call annotation and messaging v1's services. It is an http.Handler that
// tests, benchmarks and `worker local` embed, and that cmd/twiliosim serves
// on a port.
//
// # Generic by construction
//
// Nothing here knows an entity by hand. New builds one resource per
// entities.Spec (paths, list key and envelope, methods, fields, parameters,
// patterns and enums from Twilio's official specification) and serves every
// one of them with the same list, fetch, create, update and delete code.
// Behaviour the specification cannot express lives in small named hooks
// (hooks.go) and data tables: the defaults that make a row plausible and
// fill the fields the schema does not let be null (plausible.go), Twilio's
// magic test numbers for Messages, the validation request that
// OutgoingCallerIds answers a create with, the success statuses that are not
// 201 or 200, the rows that exist on demand (CallAnnotation) or on first
// POST (call Feedback), and the call feedback endpoints Twilio retired.
//
// # Stores, parents and keys
//
// Rows live in stores named by fixture key (LoadFixtures). Entities that
// list the same rows under the same list key share a store, so a recording
// created under /Calls/{CallSid}/Recordings.json is listed by
// /Recordings.json. Path placeholders other than {AccountSid} and the
// instance key are parents: they scope lists and fetches to the rows whose
// parent field holds the path's value, and a create under them writes it
// (parents.go maps placeholders to fields, and to the stores whose row must
// exist for a create). The instance placeholder names the key field: sid for
// {Sid}, call_sid for the {CallSid} of Members, Participants and
// CallAnnotation, connect_app_sid, country_code. Rows without a key (usage
// records, available numbers, call events) are list-only.
//
// # Accounts and the v1 APIs
//
// Paths under /2010-04-01/Accounts/{AccountSid} authenticate with HTTP Basic
// whose user is the path's account or the account that owns it (a
// subaccount created through Accounts). Accounts itself and the v1 APIs have
// no account in the path: the Basic user is the account. The caller's own
// account row appears on its first Accounts request; Balance answers one
// object for the path's account. v1 lists use the meta envelope with
// absolute URLs built from the request's host; v1 rows carry their absolute
// url.
//
// # Strictness
//
// The server validates requests the way a validating proxy in front of
// Twilio would: a query parameter or form field the operation does not
// declare, a value of the wrong type, outside its enum or not matching its
// pattern, or a missing required parameter is answered 400 with Twilio's
// error body {code, message, more_info, status}. Responses are shaped so
// that they validate against the official specification: rows carry every
// declared field (null when unknown, a valid value where the schema is not
// nullable), lists carry the spec's paging envelope, and each operation
// answers the success status the spec declares.
//
// # Faults
//
// For reliability tests, Config.Fail429, Fail500 and FailTimeout inject
// faults into fractions of the requests. Only requests that passed
// everything that answers an error first (route, credentials, method, path
// SIDs, parameters, Twilio's content rules such as the magic numbers) are
// eligible, and not those carrying NoFaultsHeader: 1, which tests use to
// read state back. Each eligible request draws its fate from a source of
// its own seeded by Config.Seed, so with a seed the same order of requests
// meets the same faults. The faults model what a client of the real Twilio
// cannot tell apart:
//
//   - 429: Twilio refused the request before doing anything. The answer is
//     429 20429 "Too Many Requests" with Retry-After: 1 (seconds). Nothing
//     happens, so retrying is safe.
//   - 500: Twilio failed, before or after doing the work. A write (create,
//     update, delete) takes effect first with probability
//     Config.Fail500AfterApply (0.5 unless set), and 500 20500 "Internal
//     Server Error" replaces its answer; otherwise nothing happens. The
//     client cannot know which: a blind retry of a create may send twice.
//   - timeout: the request is held, unanswered, for Config.TimeoutHold (30
//     seconds unless set) or until the client gives up, and then the
//     connection is closed without a response. A write takes effect at
//     once with the same probability Fail500AfterApply, as a create whose
//     answer was lost.
//
// A faulted read never runs. FaultCounts counts the faults by kind and by
// whether the write took effect (a write that ran but failed, such as a
// delete of a missing row, did not). The request log records a dropped
// request with status 0. Latency delays 429 and 500 answers like any other.
//
// # State
//
// Rows are kept per store in Twilio's JSON shape (snake_case, nested objects
// as objects), in memory, behind one mutex per store. The server is
// single-tenant: rows answer for any account SID in the path (unless
// Config.AccountSID restricts it), and account_sid and uri are rendered from
// the request's account. A Server is safe for concurrent use.
package twiliosim
