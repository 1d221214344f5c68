package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// testRows is one round: a worker at 40 % of 2 500 and a minimal pipeline.
func testRows() []row {
	return []row{
		{Pipeline: pipeWorker, Round: 1, Tasks: 20000, Budget: 2500, Elapsed: 20 * time.Second,
			Steady: 19990 * time.Millisecond, CPU: 10 * time.Second, SteadyCPU: 9999500 * time.Microsecond,
			PeakRSS: 480e6, Requests: 20000, Conns: 150, Busiest: 2500, Exit: "exit status 0"},
		{Pipeline: pipeMinimal, Round: 1, Tasks: 20000, Elapsed: 2 * time.Second, Steady: 1999 * time.Millisecond,
			CPU: 2 * time.Second, SteadyCPU: 19995 * time.Millisecond / 10, PeakRSS: 60e6, Requests: 20000,
			Conns: 60, Busiest: 10500, Exit: "exit status 0"},
	}
}

func TestRowFigures(t *testing.T) {
	w, m := testRows()[0], testRows()[1]
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"tasks/s", w.TasksPerSec(), 1000},
		{"steady tasks/s", w.SteadyTasksPerSec(), 19999 / 19.99},
		{"CPU-s per 1000", w.CPUPer1000(), 0.5},
		{"steady CPU-s per 1000", w.SteadyCPUPer1000(), 0.5},
		{"RSS MB", w.PeakRSSMB(), 480},
		{"conns per 100", w.ConnsPer100(), 0.75},
		{"minimal tasks/s", m.TasksPerSec(), 10000},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if a, ok := w.Achieved(); !ok || !near(a, 0.4) {
		t.Errorf("worker achieved %v, %v; want 0.4", a, ok)
	}
	if _, ok := m.Achieved(); ok {
		t.Error("the minimal pipeline has no budget to achieve")
	}
	if (row{}).TasksPerSec() != 0 || (row{}).ConnsPer100() != 0 || (row{Tasks: 1}).SteadyCPUPer1000() != 0 {
		t.Error("an empty row must give zeros, not NaN or Inf")
	}
}

func TestBudgetChecks(t *testing.T) {
	for _, c := range []struct {
		budget, busiest, short int
		over, breached         bool
	}{
		{2500, 2500, 2300, false, false},
		{2500, 2600, 2500, true, false},
		{2500, 2700, 2501, true, true},
		{0, 100000, 90000, false, false}, // the minimal pipeline
	} {
		r := row{Budget: c.budget, Busiest: c.busiest, BusiestShort: c.short}
		if r.OverBudget() != c.over || r.Breached() != c.breached {
			t.Errorf("%+v: over %v, breached %v", c, r.OverBudget(), r.Breached())
		}
	}
}

func TestRatiosAndMedian(t *testing.T) {
	rows := testRows()
	if rs := ratios(rows); len(rs) != 1 || !near(rs[0].CPU, 5) || !near(rs[0].RSS, 8) || !near(rs[0].TasksPS, 0.1) {
		t.Errorf("one round: %+v", rs)
	}
	second := testRows()
	second[0].Round, second[1].Round = 2, 2
	second[0].CPU = 20 * time.Second            // CPU ratio 10
	second[0], second[1] = second[1], second[0] // even rounds run the minimal first
	third := testRows()
	third[0].Round, third[1].Round = 3, 3
	third[0].CPU = 6 * time.Second // CPU ratio 3
	rs := ratios(append(append(rows, second...), third...))
	if len(rs) != 4 || rs[3].Label != "median" || !near(rs[3].CPU, 5) || !near(rs[3].RSS, 8) {
		t.Errorf("three rounds: %+v", rs)
	}
	if len(rs) == 4 && (rs[1].Label != "round 2" || !near(rs[1].CPU, 10)) {
		t.Errorf("round 2, minimal row first: %+v, want CPU ratio 10", rs[1])
	}
	if rs := ratios(rows[:1]); len(rs) != 0 {
		t.Errorf("--only worker has no ratio: %+v", rs)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median of an even count %v, want 2.5", got)
	}
	if got := median(nil); got != 0 {
		t.Errorf("median of nothing %v", got)
	}
}

func TestWriteTable(t *testing.T) {
	rows := testRows()
	rows[0].Busiest = 2503
	var out strings.Builder
	writeTable(&out, rows)
	for _, want := range []string{
		"pipeline", "achieved/budget", "new conns/100 req",
		"40 % of 2500", "0.500", "480", "0.75", "2503 (+3 over)", "busiest 0.8 s exceeds the budget", "—",
		"worker/minimal", "round 1", "5.00", "8.00", "0.10",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var out strings.Builder
	if err := writeJSON(&out, "setup", testRows()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Setup string
		Runs  []map[string]any
		Ratio []ratio `json:"workerOverMinimal"`
	}
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if got.Setup != "setup" || len(got.Runs) != 2 || len(got.Ratio) != 1 {
		t.Fatalf("report %+v", got)
	}
	w, m := got.Runs[0], got.Runs[1]
	if w["achievedOfBudget"] != 0.4 || w["cpuSecondsPer1000Tasks"] != 0.5 || w["peakRssBytes"] != 480e6 {
		t.Errorf("worker run %v", w)
	}
	if _, ok := m["achievedOfBudget"]; ok {
		t.Errorf("minimal run has an achieved fraction: %v", m)
	}
}
