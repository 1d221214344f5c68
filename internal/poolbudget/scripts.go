package poolbudget

import "github.com/redis/go-redis/v9"

// The budget is one hash per pool (Key):
//
//	tat     theoretical arrival time: the instant, in microseconds of the
//	        Redis server's clock, from which the next token may be granted
//	factor  the penalty's factor of the full rate (after a 429)
//	until   end of the penalty, microseconds of the server's clock
//
// Both scripts read the server's TIME, so replicas whose clocks disagree
// share one timeline. Microseconds since the epoch fit a Lua double
// exactly; they are written with %.0f because Lua's default number format
// (%.14g) would round them.

// reserveScript is GCRA with a burst of one: a token is granted at
// max(tat, now) and moves tat on by one interval of the rate in force, so
// grants are at least an interval apart whoever asks. ARGV[1] is the full
// rate in requests/s, ARGV[2] the longest the caller may wait in
// microseconds (-1: no limit). Replies {granted (1/0), wait in
// microseconds, factor in thousandths}; a token that would come after the
// caller's deadline is not taken.
var reserveScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local v = redis.call('HMGET', KEYS[1], 'tat', 'factor', 'until')
local untl = tonumber(v[3]) or 0
local factor = 1
if untl > now then factor = tonumber(v[2]) or 1 end
local interval = math.ceil(1000000 / (tonumber(ARGV[1]) * factor))
local at = math.max(tonumber(v[1]) or 0, now)
local permille = math.floor(factor * 1000 + 0.5)
local maxwait = tonumber(ARGV[2])
if maxwait >= 0 and at - now > maxwait then
  return {0, at, now, permille}
end
local tat = at + interval
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat))
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(tat, untl) - now) / 1000) + 60000)
return {1, at, now, permille}
`)

// penalizeScript: ARGV[1] the factor, ARGV[2] the penalty's length in
// microseconds. It replaces any penalty in force; tokens already granted
// keep their instants and the next follows the last of them at the new
// interval.
var penalizeScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untl = now + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'factor', ARGV[1], 'until', string.format('%.0f', untl))
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat')) or now
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(tat, untl) - now) / 1000) + 60000)
return 1
`)
