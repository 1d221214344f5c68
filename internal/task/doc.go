// Package task holds the task and result messages as they travel on the
// wire (docs/contract.md §1, §2): Task and Decode for the task message, its
// operations and limits; Result and ErrorInfo for the result message, its
// statuses and the attribute names set on it; Output, what the executor
// hands back for a successful task. The JSON Schema forms of the same
// messages are in schemas/, whose tests keep the two in step.
//
// It is a leaf package on purpose: the executor (internal/entities), the
// schema and example generators and the Twilio simulator build on these
// types, and must not link what the worker runs them with (Pub/Sub, the
// task store's Redis client, zap). What to do with a message — decoding it
// in a middleware chain, classifying errors, publishing — is package
// handler's and cmd/worker's.
package task
