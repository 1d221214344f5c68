// Package harness holds what the commands that drive the real worker
// binary end to end (cmd/chaos, cmd/bench) share: a Pub/Sub client for the
// emulator, starting the emulator, building the worker, and the Messages
// CREATE tasks they publish.
//
// It is not used by the worker itself.
package harness
