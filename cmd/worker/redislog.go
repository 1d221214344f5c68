package main

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// redisLogger routes go-redis's own log lines (dial failures, pool
// warnings), which it writes to stderr as plain text by default, into the
// worker's JSON log.
type redisLogger struct{ log *zap.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn("redis", zap.String("detail", fmt.Sprintf(format, v...)))
}

// useRedisLogger installs it; go-redis only offers a process-wide setting,
// so only run calls this.
func useRedisLogger(log *zap.Logger) { redis.SetLogger(redisLogger{log: log}) }
