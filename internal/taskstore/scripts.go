package taskstore

import "github.com/redis/go-redis/v9"

// The Redis store's scripts. Each runs atomically on the server (EVALSHA,
// falling back to EVAL when the server has not cached it yet). KEYS[1] is
// always the task's hash; the layout is documented on Redis.

// beginScript: ARGV[1] lease, ARGV[2] retention, both in milliseconds.
// Replies {state, attempt, sent} (sent 1 when an abandoned task carries a
// mark of an earlier attempt) or, for a done task, {"done", attempt,
// result}. The new attempt starts unmarked; the marks before it are kept
// in sent_before. A started record without a sent field (written before
// marks existed) counts as marked: it may be a create that reached Twilio.
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
local rec = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'lease_until', 'result', 'sent', 'sent_before')
local attempt = tonumber(rec[2]) or 0
if rec[1] == 'done' then
  return {'done', attempt, rec[4] or ''}
end
local state, before = 'new', '0'
if rec[1] == 'started' then
  if (tonumber(rec[3]) or 0) > now then
    return {'in_progress', attempt, 0}
  end
  state = 'abandoned'
  if rec[5] ~= '0' or rec[6] == '1' then before = '1' end
else
  attempt = 0
end
attempt = attempt + 1
local lease = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'started', 'attempt', attempt, 'lease_until', now + lease,
  'sent', '0', 'sent_before', before)
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[2]), lease))
return {state, attempt, tonumber(before)}
`)

// extendScript: ARGV[1] the attempt, ARGV[2] the lease in milliseconds,
// ARGV[3] the attempt's mark to set: "1" (MarkSent), "0" (Unmark) or ""
// (Renew: unchanged), ARGV[4] the retention in milliseconds. It renews
// the attempt's lease and the key's TTL (as Begin sets it), if that lease
// is live and still the attempt's, and replies 1; else it changes nothing
// and replies 0.
var extendScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rec = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'lease_until')
if rec[1] ~= 'started' or rec[2] ~= ARGV[1] or (tonumber(rec[3]) or 0) <= now then
  return 0
end
redis.call('HSET', KEYS[1], 'lease_until', now + tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[4]), tonumber(ARGV[2])))
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'sent', ARGV[3])
end
return 1
`)

// finishScript: ARGV[1] the result JSON, ARGV[2] its ttl in milliseconds.
// A stored result is kept (the first one wins), so every later redelivery
// republishes the same answer. Replies nil when it stored the result, else
// the result stored earlier.
var finishScript = redis.NewScript(`
local rec = redis.call('HMGET', KEYS[1], 'state', 'result')
if rec[1] == 'done' then
  return rec[2] or ''
end
redis.call('HSET', KEYS[1], 'state', 'done', 'result', ARGV[1])
redis.call('HDEL', KEYS[1], 'lease_until')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return false
`)

// abortScript: ARGV[1] the attempt. A started record of that attempt is
// kept with its lease expired when it carries a mark, the attempt's own or
// an earlier one's (the next Begin reports Abandoned with Sent), else
// deleted (the next Begin reports New). A done record, or another
// attempt's, is left alone. Replies 1 when it changed something, else 0.
var abortScript = redis.NewScript(`
local rec = redis.call('HMGET', KEYS[1], 'state', 'attempt', 'sent', 'sent_before')
if rec[1] ~= 'started' or rec[2] ~= ARGV[1] then
  return 0
end
if rec[3] ~= '0' or rec[4] == '1' then
  redis.call('HSET', KEYS[1], 'lease_until', 0)
else
  redis.call('DEL', KEYS[1])
end
return 1
`)
