package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// report holds the figures of a run. buildReport computes the task
// figures; run fills in the rest.
type report struct {
	published      int
	answered       int // distinct tasks with a result
	resultMessages int // distinct result messages
	lost           int // no result and not dead-lettered
	multiDistinct  int // more than one distinct result
	republished    int // several result messages, all the same answer
	dupCreates     int // tasks with more than one Twilio message
	unknown        int // answered with an unknown outcome (see unknownOutcome)
	unknownCreated int // of those, tasks whose message does exist
	succeeded      int
	failed         map[string]int // by error.code
	// contradicted counts definite answers the simulator contradicts: a
	// definite failure although the message was created, or a success whose
	// Sid is not a message of the task.
	contradicted int
	dead         int // tasks dead-lettered
	deadOnly     int // of those, tasks without any result
	deadCreated  int // of those, tasks whose message does exist
	malformed    int // result messages that could not be read

	faults    twiliosim.FaultCounts
	restarts  int
	elapsed   time.Duration
	exitErr   error  // the final SIGTERM's exit
	note      string // why the run stopped early, if it did
	logDir    string
	storeDesc string // the worker's task store
	setup     string // the task subscription's policies and the worker's path to Pub/Sub
}

// buildReport compares, for every task id, the results col received with
// the messages the simulator holds (rows of "messages"; a row's body is the
// id of the task that created it).
func buildReport(ids []string, col *collector, rows []map[string]any) report {
	creates, sidTask := map[string]int{}, map[string]string{}
	for _, row := range rows {
		body, _ := row["body"].(string)
		sid, _ := row["sid"].(string)
		creates[body]++
		sidTask[sid] = body
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	r := report{published: len(ids), failed: map[string]int{}, malformed: len(col.malformed)}
	for _, id := range ids {
		if creates[id] > 1 {
			r.dupCreates++
		}
		if col.dead[id] {
			r.dead++
		}
		a := col.results[id]
		switch {
		case a == nil && col.dead[id]:
			r.deadOnly++
			if creates[id] > 0 {
				r.deadCreated++
			}
		case a == nil:
			r.lost++
		default:
			r.addAnswers(id, a, creates[id], sidTask)
		}
	}
	return r
}

// addAnswers counts the answers of one task that created n messages.
func (r *report) addAnswers(id string, a *answers, n int, sidTask map[string]string) {
	r.answered++
	r.resultMessages += len(a.messages)
	switch {
	case len(a.distinct) > 1:
		r.multiDistinct++
	case len(a.messages) > 1:
		r.republished++
	}
	o := a.distinct[0]
	switch {
	case o.Status == "SUCCEEDED":
		r.succeeded++
		if sidTask[o.sid()] != id {
			r.contradicted++
		}
	case unknownOutcome(o):
		r.failed[o.Code]++
		r.unknown++
		if n > 0 {
			r.unknownCreated++
		}
	default:
		r.failed[o.Code]++
		if n > 0 {
			r.contradicted++
		}
	}
}

// unknownOutcome reports whether o says that the create may or may not
// have happened: a timeout or an unavailable Twilio, not retryable.
func unknownOutcome(o outcome) bool {
	return o.Status == "FAILED" && !o.Retryable && (o.Code == "DEADLINE_EXCEEDED" || o.Code == "UNAVAILABLE")
}

// write prints the report, one "name: value" per line.
func (r *report) write(w io.Writer) {
	line := func(name string, v any) { fmt.Fprintf(w, "%s: %v\n", name, v) }
	line("tasks published", r.published)
	line("results (distinct tasks answered)", r.answered)
	line("result messages (including republished duplicates)", r.resultMessages)
	line("tasks without a result (and not dead-lettered)", r.lost)
	line("tasks with more than one distinct result", r.multiDistinct)
	line("tasks republished with the same result", r.republished)
	line("Twilio messages created more than once per task", r.dupCreates)
	line("tasks answered with an unknown outcome (DEADLINE_EXCEEDED or UNAVAILABLE, not retryable)", r.unknown)
	line("unknown outcomes whose message was in fact created", r.unknownCreated)
	line("succeeded", r.succeeded)
	line("failed", total(r.failed))
	for _, code := range slices.Sorted(maps.Keys(r.failed)) {
		line("failed "+code, r.failed[code])
	}
	line("definite answers the simulator contradicts", r.contradicted)
	line("dead-lettered", r.dead)
	line("dead-lettered without a result", r.deadOnly)
	line("dead-lettered without a result whose message was created", r.deadCreated)
	f := r.faults
	line("429s injected", f.Fail429)
	line("500s injected", fmt.Sprintf("%d (%d took effect)", f.Fail500Applied+f.Fail500NotApplied, f.Fail500Applied))
	line("timeouts injected", fmt.Sprintf("%d (%d took effect)", f.TimeoutApplied+f.TimeoutNotApplied, f.TimeoutApplied))
	line("worker restarts", r.restarts)
	line("elapsed", r.elapsed.Round(100*time.Millisecond))
	if r.malformed > 0 {
		line("unreadable result messages", r.malformed)
	}
	line("worker exit after SIGTERM", exitText(r.exitErr))
	line("task store", r.storeDesc)
	line("setup", r.setup)
	line("worker logs", r.logDir)
	if r.note != "" {
		line("note", r.note)
	}
}

// missed returns the targets the run missed, as lines for the report; none
// means it passed.
func (r *report) missed() []string {
	var out []string
	for _, t := range []struct {
		name string
		got  int
	}{
		{"tasks without a result (and not dead-lettered)", r.lost},
		// Every task of the run can be answered: one that reached the
		// dead-letter topic unanswered ran out of delivery attempts.
		{"dead-lettered without a result", r.deadOnly},
		{"tasks with more than one distinct result", r.multiDistinct},
		{"Twilio messages created more than once per task", r.dupCreates},
		{"definite answers the simulator contradicts (an ambiguous outcome not reported as such)", r.contradicted},
		{"unreadable result messages", r.malformed},
	} {
		if t.got != 0 {
			out = append(out, fmt.Sprintf("target missed: %s = %d, want 0", t.name, t.got))
		}
	}
	if r.exitErr != nil {
		out = append(out, "target missed: worker exit after SIGTERM = "+exitText(r.exitErr)+", want exit status 0")
	}
	return out
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return strings.TrimSpace(err.Error())
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
