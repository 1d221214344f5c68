// Package handler turns one transport-neutral task message into exactly one
// result (docs/contract.md §1, §2). The messages themselves (task.Task,
// task.Decode, task.Result) are package task's; this package is the
// middleware around them. It knows nothing about Pub/Sub or Twilio's HTTP
// API: the receive adapter in cmd/worker converts *pubsub.Message to
// *Message and the *task.Result back, and the entities executor is reached
// through the Ops interface declared here, on the consumer side.
//
// # Chain
//
// The worker assembles the handler as
//
//	h := handler.Chain(handler.New(ops, time.Now),
//		handler.Log(logger),              // outermost: one log line per outcome, with its duration
//		handler.Idempotency(store, icfg), // a done task is answered from the store; every outcome is recorded
//		handler.Classify(),               // errors → FAILED Result with the contract's error.code
//		handler.Timeout(d),               // one deadline per task
//		handler.Admit(n),                 // at most n tasks run the executor, on reused goroutines
//		handler.Recover(),                // innermost: a panic becomes an ordinary error that Classify maps
//	)
//
// Chain makes its first middleware the outermost. Recover sits inside
// Classify so a panic still yields a FAILED result (INTERNAL) instead of a
// crashed worker or a message redelivered forever; Timeout sits inside
// Classify so a deadline becomes DEADLINE_EXCEEDED; Log sits outside
// everything so it sees the final Result and the whole duration.
// Idempotency sits inside Log (so republished and refused tasks are logged)
// and outside Classify (so it stores the final Result and still sees a
// cancellation) and Timeout (so its lease covers the whole deadline).
// Admit sits inside Idempotency (a redelivery waiting for another attempt's
// lease holds no turn) and inside Timeout (the wait counts against the
// deadline).
// Retries live in the HTTP transport, below all of this.
//
// # Delivery semantics
//
// The chain returns a non-nil *task.Result with a nil error for every
// outcome the caller should hear about, including malformed messages: the
// adapter publishes it and then acks. The only error that comes out of
// Classify is a cancellation (context.Canceled, i.e. shutdown): that task
// was interrupted, not answered, so the adapter nacks it and Pub/Sub
// redelivers it. No result is published for it.
//
// # Errors
//
// Inside the chain, failures travel as errors: *codes.Error when the layer
// that failed could name the problem, otherwise raw Twilio or transport
// errors. Classify maps them onto the contract's codes; the table is in
// errors.go. Messages are meant for people and never contain credentials.
//
// # Concurrency
//
// Every Func and Middleware here is safe for concurrent use if Ops is.
package handler
