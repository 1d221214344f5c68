// Package sendmark lets the code that owns a task hear, through the task's
// context, that a request which can change something at Twilio is about to
// leave the worker (and stop it), and that one came back unprocessed. The
// idempotency middleware uses it to record "this create may have been
// sent" in the task store at the last moment (after the request's wait for
// the rate budget) and to withdraw it when Twilio answered 429, so that a
// worker killed while its tasks waited for the budget, or for a retry,
// leaves them safe to run again. It sits apart from both sides so that the
// HTTP transport and the handler need not know each other.
package sendmark

import "context"

// Hooks are the task's side. Either may be nil.
type Hooks struct {
	// Sending is called before each request with side effects is sent;
	// an error stops that request.
	Sending func(ctx context.Context) error
	// Unprocessed is called when such a request certainly had no effect:
	// Twilio answered 429, or the request never left the worker.
	Unprocessed func(ctx context.Context)
}

type key struct{}

// With returns a context carrying h. Requests made with it call h's hooks.
func With(ctx context.Context, h Hooks) context.Context {
	return context.WithValue(ctx, key{}, h)
}

// Sending calls the Sending hook ctx carries, if any, and returns its
// error.
func Sending(ctx context.Context) error {
	if h, ok := ctx.Value(key{}).(Hooks); ok && h.Sending != nil {
		return h.Sending(ctx)
	}
	return nil
}

// Unprocessed calls the Unprocessed hook ctx carries, if any.
func Unprocessed(ctx context.Context) {
	if h, ok := ctx.Value(key{}).(Hooks); ok && h.Unprocessed != nil {
		h.Unprocessed(ctx)
	}
}
