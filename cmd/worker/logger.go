package main

import (
	"errors"
	"io"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// newLogger builds the one logger: JSON for Cloud Logging (severity,
// message, RFC 3339 time) on w, unsampled so no outcome line is dropped.
func newLogger(w io.Writer, level, connection string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, err
	}
	ec := zap.NewProductionEncoderConfig()
	ec.TimeKey, ec.LevelKey, ec.MessageKey = "time", "severity", "message"
	ec.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	ec.EncodeLevel = cloudSeverity
	core := zapcore.NewCore(zapcore.NewJSONEncoder(ec), zapcore.AddSync(w), zap.NewAtomicLevelAt(lvl))
	l := zap.New(core, zap.AddCaller())
	if connection != "" {
		l = l.With(zap.String("connection", connection))
	}
	return l, nil
}

// severityNames are Cloud Logging's names for zap's levels.
var severityNames = map[zapcore.Level]string{
	zapcore.DebugLevel: "DEBUG", zapcore.InfoLevel: "INFO", zapcore.WarnLevel: "WARNING",
	zapcore.ErrorLevel: "ERROR", zapcore.DPanicLevel: "CRITICAL", zapcore.PanicLevel: "ALERT",
	zapcore.FatalLevel: "EMERGENCY",
}

// cloudSeverity writes Cloud Logging's severity names (looked up in a map
// built once: this runs for every log line).
func cloudSeverity(l zapcore.Level, enc zapcore.PrimitiveArrayEncoder) {
	enc.AppendString(severityNames[l])
}

// syncLogger flushes, ignoring the errors a console or pipe gives
// (uber-go/zap#880).
func syncLogger(l *zap.Logger) error {
	err := l.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTTY) || errors.Is(err, syscall.EBADF) {
		return nil
	}
	return err
}
