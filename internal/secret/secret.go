// Package secret holds values that must never reach logs, results or
// errors: the Twilio auth token and, later, proxy passwords.
package secret

import "fmt"

// String is a secret text. Its String, GoString, Format and MarshalJSON
// redact, so a stray %v, zap.Any or JSON dump cannot leak it; only Reveal
// gives the value, at the one place that sends it to Twilio. The zero value
// is the empty secret.
type String struct{ v string }

// New wraps a secret value.
func New(v string) String { return String{v: v} }

// Reveal returns the secret value.
func (s String) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s.v == "" }

const redacted = "[REDACTED]"

// String returns a redacted placeholder.
func (s String) String() string { return redacted }

// GoString returns a redacted placeholder (for %#v).
func (s String) GoString() string { return redacted }

// Format redacts under every verb.
func (s String) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON redacts.
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText redacts (covers encoders that prefer TextMarshaler).
func (s String) MarshalText() ([]byte, error) { return []byte(redacted), nil }
