// Package taskstore remembers, per task id, that an attempt at the task
// started and, once it finished, the result that was published for it, so a
// redelivered task is answered with its first result instead of calling
// Twilio a second time (docs/contract.md §2, docs/architecture.md,
// decision 5).
//
// # States
//
// A task id moves through these states, as Store.Begin reports them:
//
//	unknown ──Begin──► started (lease live) ──Finish──► done (result kept for ttl)
//	                     │  ▲  Renew, MarkSent
//	    lease runs out   │  │  Begin: Abandoned, a new lease, Attempt+1
//	    or Abort         ▼  │
//	                   started (lease expired)
//
// An attempt keeps its lease live with Renew, so leases can be short (tens
// of seconds) whatever the task deadline: the tasks a killed worker held
// are free again soon after it died. Before a request with side effects (a
// create) leaves the worker, the attempt calls MarkSent; the mark stays
// with the record. Abort by an attempt whose task never got a mark deletes
// the record (nothing could be repeated), so the next Begin reports New;
// with a mark it keeps the record with its lease expired. Begin reports a
// lapsed record as Abandoned, with Claim.Sent telling whether any attempt
// marked it: only then may a create have reached Twilio. A started record
// outlives its lease: it is kept for the store's retention
// (WithRetention), so that a CREATE whose worker died is still known as
// started when Pub/Sub redelivers it long after the lease ran out.
//
// # Stores
//
// Memory (the default, "memory://") serves one worker process: it is lost
// when the process exits and is not shared with other replicas, and it is
// bounded (the latest records in full, then tombstones that still tell a
// redelivered CREATE it may have been sent; see Memory). Redis
// ("redis://…", "rediss://…") is shared by a pool of workers and survives
// their restarts. Open chooses between them by URL.
//
// # Clocks
//
// Memory measures leases and expiry with the clock given to NewMemory, so
// tests can drive it. Redis measures leases with the Redis server's clock
// (TIME inside its scripts) and expiry with Redis key TTLs, so that workers
// on machines whose clocks disagree still agree on whether a lease is live.
//
// # Fencing
//
// Renew, MarkSent and Abort name the attempt they belong to (Claim.Attempt)
// and do nothing to a record another attempt has claimed since; MarkSent
// refuses (ErrLeaseLost) unless the attempt's lease is live, so a create is
// never sent by an attempt that another one may be overlapping. Finish does
// not name its attempt: it never replaces a stored result (the first result
// recorded wins, so every later redelivery republishes one stable answer).
package taskstore
