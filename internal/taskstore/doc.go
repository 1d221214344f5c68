// Package taskstore remembers, per task id, that an attempt at the task
// started and, once it finished, the result that was published for it, so a
// redelivered task is answered with its first result instead of calling
// Twilio a second time (contract.md §2, design.md decision 5).
//
// # States
//
// A task id moves through these states, as Store.Begin reports them:
//
//	unknown ──Begin──► started (lease live) ──Finish──► done (result kept for ttl)
//	                     │        ▲
//	    lease runs out   │        │ Begin: Abandoned, a new lease, Attempt+1
//	    or Abort(true)   ▼        │
//	                   started (lease expired)
//
// Abort(false) deletes a started record (the attempt did nothing that could
// be repeated), so the next Begin reports New. A started record outlives its
// lease: it is kept for the store's retention (WithRetention), so that a
// CREATE whose worker died is still known as started when Pub/Sub
// redelivers it long after the lease ran out.
//
// # Stores
//
// Memory (the default, "memory://") serves one worker process: it is lost
// when the process exits and is not shared with other replicas. Redis
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
// Finish and Abort do not name the attempt they belong to. Finish never
// replaces a stored result (the first result recorded wins, so every later
// redelivery republishes one stable answer), and Abort only touches a
// started record, never a done one. An attempt that outlives its lease can
// still meet a newer attempt of the same task; callers prevent that by
// choosing a lease longer than the longest attempt (the task deadline plus
// a margin).
package taskstore
