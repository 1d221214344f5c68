package handler

import (
	"context"
	"fmt"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// idleRunner is how long a runner goroutine waits for another task before
// it exits.
const idleRunner = 5 * time.Second

// Admit returns a Middleware that runs the inner Func on at most n runner
// goroutines at once; other tasks wait their turn (or until their ctx
// ends: then the task fails with nothing sent). n <= 0 admits all, on the
// caller's goroutine.
//
// Why: a rate-limited worker gains nothing from more tasks running than its
// budget and in-flight cap can serve, and each one running holds a deep
// stack and its requests' state; waiting here costs a fraction of that.
// Runners are reused, so their stacks are already grown: a fresh goroutine
// per task spent a tenth of the worker's CPU growing its stack.
//
// Place it inside Idempotency, so that a redelivery waiting for another
// attempt's lease holds no turn, and inside Timeout, so that the wait
// counts against the task's deadline.
func Admit(n int) Middleware {
	return func(next Func) Func {
		if n <= 0 {
			return next
		}
		p := &runners{next: next, jobs: make(chan job), live: make(chan struct{}, n)}
		return p.run
	}
}

type runners struct {
	next Func
	jobs chan job      // to an idle runner
	live chan struct{} // one value per live runner: at most n
}

type job struct {
	ctx  context.Context
	m    *Message
	done chan answer
}

type answer struct {
	r   *task.Result
	err error
}

func (p *runners) run(ctx context.Context, m *Message) (*task.Result, error) {
	j := job{ctx: ctx, m: m, done: make(chan answer, 1)}
	select {
	case p.jobs <- j:
	case p.live <- struct{}{}:
		go p.runner(j)
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a turn to run: %w (%w)", ctx.Err(), codes.ErrNotSent)
	}
	o := <-j.done
	return o.r, o.err
}

// runner runs j, then the jobs that come while it is busy or idle for less
// than idleRunner.
func (p *runners) runner(j job) {
	defer func() { <-p.live }()
	idle := time.NewTimer(idleRunner)
	defer idle.Stop()
	for {
		j.done <- p.safely(j)
		idle.Reset(idleRunner)
		select {
		case j = <-p.jobs:
		case <-idle.C:
			return
		}
	}
}

// safely runs one job; a panic becomes its error, as it would have been
// on the caller's goroutine under the adapter's last-resort recover.
func (p *runners) safely(j job) (o answer) {
	defer func() {
		if v := recover(); v != nil {
			o = answer{err: fmt.Errorf("panic while running the task: %v", v)}
		}
	}()
	r, err := p.next(j.ctx, j.m)
	return answer{r, err}
}
