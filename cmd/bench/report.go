package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// row holds what one run of one pipeline measured.
type row struct {
	Pipeline  string
	Round     int
	Tasks     int
	Budget    int           // the worker's nodes × 25 req/s; 0 for the minimal pipeline
	Elapsed   time.Duration // process start → the last task's first result
	Steady    time.Duration // first task's result → last task's result
	CPU       time.Duration // user + system, process start → exit (wait4)
	SteadyCPU time.Duration // user + system between the first and the last result (/proc)
	PeakRSS   int64         // bytes (VmHWM in /proc; see watchPeak)
	Requests  int64         // received by the fake Twilio
	Conns     int64         // TCP connections the fake Twilio accepted
	Busiest   int           // most requests the fake received within one second
	// BusiestShort is the most within 1 s − jitterAllowance (see counts).
	BusiestShort int
	Exit         string // how the process ended after SIGTERM
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// TasksPerSec counts from the process's start, so start-up is included.
func (r row) TasksPerSec() float64 { return perSecond(r.Tasks, r.Elapsed) }

// SteadyTasksPerSec is the rate between the first and the last result.
func (r row) SteadyTasksPerSec() float64 { return perSecond(r.Tasks-1, r.Steady) }

// Achieved is tasks/s as a fraction of the budget; false for the minimal
// pipeline, which has none.
func (r row) Achieved() (float64, bool) {
	if r.Budget == 0 {
		return 0, false
	}
	return r.TasksPerSec() / float64(r.Budget), true
}

// CPUPer1000 is CPU-seconds per 1 000 tasks over the process's whole life.
func (r row) CPUPer1000() float64 { return r.CPU.Seconds() / float64(r.Tasks) * 1000 }

// SteadyCPUPer1000 is CPU-seconds per 1 000 tasks answered between the
// first and the last result, leaving start-up and shutdown out.
func (r row) SteadyCPUPer1000() float64 {
	if r.Tasks < 2 {
		return 0
	}
	return r.SteadyCPU.Seconds() / float64(r.Tasks-1) * 1000
}

// PeakRSSMB is the peak resident set in MB (10^6 bytes).
func (r row) PeakRSSMB() float64 { return float64(r.PeakRSS) / 1e6 }

// ConnsPer100 is new TCP connections per 100 requests.
func (r row) ConnsPer100() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.Conns) / float64(r.Requests) * 100
}

// OverBudget reports whether the fake saw more than the budget in a second.
func (r row) OverBudget() bool { return r.Budget > 0 && r.Busiest > r.Budget }

// Breached reports whether the excess is more than jitterAllowance of
// delay can explain: the budget exceeded within 1 s − jitterAllowance.
func (r row) Breached() bool { return r.Budget > 0 && r.BusiestShort > r.Budget }

// ratio compares the worker with the minimal pipeline: worker ÷ minimal.
type ratio struct {
	Label     string  `json:"label"` // "round N" or "median"
	CPU       float64 `json:"cpu"`
	SteadyCPU float64 `json:"steadyCpu"`
	RSS       float64 `json:"peakRss"`
	TasksPS   float64 `json:"tasksPerSec"`
}

func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// ratios pairs the worker's and the minimal pipeline's row of each round
// and appends the median of each ratio when there is more than one round.
func ratios(rows []row) []ratio {
	var out []ratio
	for _, w := range rows {
		i := slices.IndexFunc(rows, func(m row) bool { return m.Pipeline == pipeMinimal && m.Round == w.Round })
		if w.Pipeline != pipeWorker || i < 0 {
			continue
		}
		m := rows[i]
		out = append(out, ratio{Label: "round " + fmt.Sprint(w.Round), CPU: div(w.CPUPer1000(), m.CPUPer1000()),
			SteadyCPU: div(w.SteadyCPUPer1000(), m.SteadyCPUPer1000()),
			RSS:       div(w.PeakRSSMB(), m.PeakRSSMB()), TasksPS: div(w.TasksPerSec(), m.TasksPerSec())})
	}
	if len(out) > 1 {
		med := func(f func(ratio) float64) float64 {
			v := make([]float64, len(out))
			for i, r := range out {
				v[i] = f(r)
			}
			return median(v)
		}
		out = append(out, ratio{Label: "median", CPU: med(func(r ratio) float64 { return r.CPU }),
			SteadyCPU: med(func(r ratio) float64 { return r.SteadyCPU }),
			RSS:       med(func(r ratio) float64 { return r.RSS }), TasksPS: med(func(r ratio) float64 { return r.TasksPS })})
	}
	return out
}

// median of v (the mean of the middle two for an even count). It sorts v.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[len(v)/2]
}

// writeTable prints one line per run, then the ratios.
func writeTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pipeline\tround\ttasks/s\tachieved/budget\tsteady tasks/s\tCPU-s/1000 tasks\t"+
		"steady CPU-s/1000\tpeak RSS MB\tnew conns/100 req\tbusiest 1 s\tbusiest 0.8 s\texit after SIGTERM\t")
	for _, r := range rows {
		achieved := "—"
		if a, ok := r.Achieved(); ok {
			achieved = fmt.Sprintf("%.0f %% of %d", a*100, r.Budget)
		}
		busiest := fmt.Sprint(r.Busiest)
		if r.OverBudget() {
			busiest += fmt.Sprintf(" (%+d over)", r.Busiest-r.Budget)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%.0f\t%.3f\t%.3f\t%.0f\t%.2f\t%s\t%d\t%s\t\n", r.Pipeline, r.Round,
			r.TasksPerSec(), achieved, r.SteadyTasksPerSec(), r.CPUPer1000(), r.SteadyCPUPer1000(),
			r.PeakRSSMB(), r.ConnsPer100(), busiest, r.BusiestShort, r.Exit)
	}
	tw.Flush()
	if slices.ContainsFunc(rows, row.OverBudget) {
		fmt.Fprintln(w, "(+N over): the fake saw more than nodes × 25 requests in one second. Its stamps include "+
			"network and scheduling jitter; the run fails only when the busiest 0.8 s exceeds the budget too.")
	}
	rs := ratios(rows)
	if len(rs) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "worker/minimal\tCPU\tsteady CPU\tpeak RSS\ttasks/s\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t\n", r.Label, r.CPU, r.SteadyCPU, r.RSS, r.TasksPS)
	}
	tw.Flush()
}

// rowJSON is a row with its derived figures, for --json.
type rowJSON struct {
	Pipeline          string   `json:"pipeline"`
	Round             int      `json:"round"`
	Tasks             int      `json:"tasks"`
	Seconds           float64  `json:"seconds"`
	TasksPerSec       float64  `json:"tasksPerSec"`
	SteadyTasksPerSec float64  `json:"steadyTasksPerSec"`
	Budget            int      `json:"budget,omitempty"`
	Achieved          *float64 `json:"achievedOfBudget,omitempty"`
	CPUSeconds        float64  `json:"cpuSeconds"`
	CPUPer1000        float64  `json:"cpuSecondsPer1000Tasks"`
	SteadyCPUPer1000  float64  `json:"steadyCpuSecondsPer1000Tasks"`
	PeakRSSBytes      int64    `json:"peakRssBytes"`
	Requests          int64    `json:"requests"`
	NewConns          int64    `json:"newConnections"`
	ConnsPer100       float64  `json:"newConnectionsPer100Requests"`
	Busiest           int      `json:"busiestOneSecond"`
	BusiestShort      int      `json:"busiest800ms"`
	Exit              string   `json:"exitAfterSigterm"`
}

// writeJSON prints the setup, every row and the ratios as one JSON object.
func writeJSON(w io.Writer, setup string, rows []row) error {
	out := struct {
		Setup  string    `json:"setup"`
		Runs   []rowJSON `json:"runs"`
		Ratios []ratio   `json:"workerOverMinimal"`
	}{Setup: setup, Runs: []rowJSON{}, Ratios: ratios(rows)}
	for _, r := range rows {
		j := rowJSON{Pipeline: r.Pipeline, Round: r.Round, Tasks: r.Tasks, Seconds: r.Elapsed.Seconds(),
			TasksPerSec: r.TasksPerSec(), SteadyTasksPerSec: r.SteadyTasksPerSec(), Budget: r.Budget,
			CPUSeconds: r.CPU.Seconds(), CPUPer1000: r.CPUPer1000(), SteadyCPUPer1000: r.SteadyCPUPer1000(),
			PeakRSSBytes: r.PeakRSS, Requests: r.Requests, NewConns: r.Conns, ConnsPer100: r.ConnsPer100(),
			Busiest: r.Busiest, BusiestShort: r.BusiestShort, Exit: r.Exit}
		if a, ok := r.Achieved(); ok {
			j.Achieved = &a
		}
		out.Runs = append(out.Runs, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// exitText describes a process's exit error.
func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return strings.TrimSpace(err.Error())
}
