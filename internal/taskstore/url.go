package taskstore

import "github.com/redis/go-redis/v9"

// RedisOptions parses a redis:// or rediss:// URL as NewRedis does (no
// client-side retries unless the URL sets max_retries), for other
// Redis-backed parts of the worker (the pool's shared rate budget). Its
// errors never contain the password.
func RedisOptions(rawURL string) (*redis.Options, error) { return redisOptions(rawURL) }

// Redact returns rawURL with its password masked, even when it does not
// parse: the form in which a Redis URL may appear in logs and errors.
func Redact(rawURL string) string { return redact(rawURL) }

// Scrub masks secret wherever err's text holds it, keeping err's chain.
func Scrub(err error, secret string) error { return scrub(err, secret) }
