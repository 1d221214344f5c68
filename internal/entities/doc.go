// Package entities is the connector's catalogue of Twilio entities and the
// one executor that runs tasks against them.
//
// # Catalogue
//
// catalogue_gen.go is generated from Twilio's official OpenAPI specifications
// (go generate; see gen/) and holds only the specification's facts: paths,
// fields, parameters, patterns and enums, as Spec values. overlay.go holds the
// connector's own decisions (column names such as Sender and Name, keys,
// hidden operations, retired endpoints) and turns each Spec into an Entity.
//
// # Executor
//
// Executor turns (Entity, task) into HTTP requests through twilio-go's
// RequestHandler, so authentication, the User-Agent and error decoding stay
// twilio-go's and every request crosses the caller's http.Client (where the
// rate limiter lives). It maps Twilio JSON to rows in connector column names.
// It never logs, retries or touches Pub/Sub; errors are returned wrapped, as
// *codes.Error when the task itself is at fault.
package entities

//go:generate go run ./gen -out catalogue_gen.go

// Specs returns the generated specification facts of every entity, in
// Twilio's own names. The simulator serves exactly these.
func Specs() []Spec { return specs }
