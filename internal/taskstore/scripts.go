package taskstore

import "github.com/redis/go-redis/v9"

// The Redis store's scripts. Each runs atomically on the server (EVALSHA,
// falling back to EVAL when the server has not cached it yet). KEYS[1] is
// always the task's hash; the layout is documented on Redis.

// beginScript: ARGV[1] lease, ARGV[2] retention, both in milliseconds.
// Replies {state, attempt} or, for a done task, {"done", attempt, result}.
// The lease is measured with the server's clock (TIME), the same for every
// worker. The key's TTL is renewed to the retention (at least the lease),
// so a started record outlives its lease and is still there, Abandoned,
// when the task is redelivered after its worker died.
//
// replicate_commands makes Redis 3.2–4 replicate the writes rather than
// the script, which TIME requires; from Redis 5 on it is the default and
// the call is a no-op.
var beginScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rec = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'lease_until', 'result')
local attempt = tonumber(rec[2]) or 0
if rec[1] == 'done' then
  return {'done', attempt, rec[4] or ''}
end
local state = 'new'
if rec[1] == 'started' then
  if (tonumber(rec[3]) or 0) > now then
    return {'in_progress', attempt}
  end
  state = 'abandoned'
else
  attempt = 0
end
attempt = attempt + 1
local lease = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'started', 'attempt', attempt, 'lease_until', now + lease)
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[2]), lease))
return {state, attempt}
`)

// finishScript: ARGV[1] the result JSON, ARGV[2] its ttl in milliseconds.
// A stored result is kept (the first one wins), so every later redelivery
// republishes the same answer. Replies 1 when it stored the result, else 0.
var finishScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') == 'done' then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'done', 'result', ARGV[1])
redis.call('HDEL', KEYS[1], 'lease_until')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// abortScript: ARGV[1] "1" keeps the started record with its lease expired
// (the attempt may have reached Twilio: the next Begin reports Abandoned),
// "0" deletes it (the next Begin reports New). A done record is left alone.
// Replies 1 when it changed something, else 0.
var abortScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'started' then
  return 0
end
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'lease_until', 0)
else
  redis.call('DEL', KEYS[1])
end
return 1
`)
