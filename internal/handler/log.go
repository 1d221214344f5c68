package handler

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Log returns a Middleware that writes exactly one line per task when the
// inner Func returns: Info for SUCCEEDED and for a shutdown interruption
// (status "CANCELED", a log-only value: the task is redelivered, so it is no
// failure), Warn for failures the caller can fix, Error for failures the
// operator must look at (INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED, and
// UNAUTHENTICATED, which means the worker's own credentials are wrong).
//
// Fields: task_id, message_id, entity, operation, status, delivery_attempt,
// duration, and on failure error_code, retryable, twilio_code, http_status.
// Payloads, error messages and attribute values are never logged: they can
// hold phone numbers, message bodies or callers' secrets. The result message
// carries the error message. A nil logger logs nothing.
func Log(logger *zap.Logger) Middleware {
	if logger == nil {
		logger = zap.NewNop()
	}
	return func(next Func) Func {
		return func(ctx context.Context, m *Message) (*task.Result, error) {
			start := time.Now()
			r, err := next(ctx, m)
			o := outcome(m, r, err)
			// Fields are built only for a line that is written: at the
			// default level most outcomes are not.
			if ce := logger.Check(o.level, o.msg); ce != nil {
				ce.Write(append(o.fields(m), zap.Duration("duration", time.Since(start)))...)
			}
			return r, err
		}
	}
}

// logLine is what the Log middleware says of one outcome.
type logLine struct {
	level  zapcore.Level
	msg    string
	status string
	r      *task.Result
	info   *task.ErrorInfo
}

func outcome(m *Message, r *task.Result, err error) logLine {
	if r == nil {
		r = &task.Result{TaskID: m.TaskID(), Status: task.StatusFailed}
	}
	o := logLine{level: zapcore.InfoLevel, msg: "task succeeded", status: r.Status, r: r, info: r.Error}
	switch {
	case errors.Is(err, context.Canceled):
		o.msg, o.status, o.info = "task interrupted by shutdown; not acknowledged, it will be redelivered", "CANCELED", nil
	case errors.Is(err, ErrTaskInProgress):
		o.msg, o.status, o.info = "another attempt at this task is in progress; not acknowledged, it will be redelivered", "IN_PROGRESS", nil
	case err != nil:
		o.info = errorInfo(err, r.Operation)
		o.level, o.msg, o.status = levelFor(o.info.Code), "task failed without a result", task.StatusFailed
	case r.Status != task.StatusSucceeded:
		o.level, o.msg = levelFor(""), "task failed"
		if o.info != nil {
			o.level = levelFor(o.info.Code)
		}
	}
	return o
}

func (o logLine) fields(m *Message) []zap.Field {
	r := o.r
	fields := []zap.Field{zap.String("task_id", task.Clip(r.TaskID)), zap.String("message_id", task.Clip(m.ID)),
		zap.String("entity", task.Clip(r.Entity)), zap.String("operation", task.Clip(r.Operation)),
		zap.String("status", o.status), zap.Int("delivery_attempt", m.DeliveryAttempt)}
	if o.info != nil {
		fields = append(fields, zap.String("error_code", string(o.info.Code)), zap.Bool("retryable", o.info.Retryable),
			zap.Int("twilio_code", o.info.TwilioCode), zap.Int("http_status", o.info.HTTPStatus))
	}
	return fields
}

func levelFor(c codes.Code) zapcore.Level {
	switch c {
	case codes.Internal, codes.Unavailable, codes.DeadlineExceeded, codes.Unauthenticated, "":
		return zapcore.ErrorLevel
	}
	return zapcore.WarnLevel
}
