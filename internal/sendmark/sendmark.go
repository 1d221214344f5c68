// Package sendmark lets the code that owns a task hear, through the task's
// context, that a request which can change something at Twilio is about to
// leave the worker, and stop it. The idempotency middleware uses it to
// record "this create may have been sent" in the task store at the last
// moment (after the request's wait for the rate budget), so that a worker
// killed while its tasks waited for the budget leaves them safe to run
// again. It sits apart from both sides so that the HTTP transport and the
// handler need not know each other.
package sendmark

import "context"

// Func is called before each request with side effects is sent; an error
// stops that request.
type Func func(ctx context.Context) error

type key struct{}

// With returns a context carrying f. Requests made with it call f first.
func With(ctx context.Context, f Func) context.Context {
	return context.WithValue(ctx, key{}, f)
}

// Before calls the Func ctx carries, if any, and returns its error.
func Before(ctx context.Context) error {
	if f, ok := ctx.Value(key{}).(Func); ok && f != nil {
		return f(ctx)
	}
	return nil
}
