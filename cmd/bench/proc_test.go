package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and parentheses, utime 150 and stime 25 ticks.
	line := "4242 (we (ird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 25 0 0 20 0 12 0 100 0 0\n"
	got, err := parseStatCPU([]byte(line))
	if err != nil || got != 1750*time.Millisecond {
		t.Errorf("got %v, %v; want 1.75s", got, err)
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 2 3 4 5 6 7 8 9 10 x 0"} {
		if _, err := parseStatCPU([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestProc runs a shell that burns a little CPU and then waits for
// SIGTERM, and checks the figures read while it runs and after it exits.
func TestProc(t *testing.T) {
	log := filepath.Join(t.TempDir(), "p.log")
	p, err := startProc("/bin/sh", []string{"-c", `echo "$GREETING"; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 60`},
		[]string{"GREETING=hello"}, log)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := p.cpuTime(); err != nil {
		t.Errorf("cpuTime while running: %v", err)
	}
	exit := p.stop(10 * time.Second)
	if exit == nil || !strings.Contains(exitText(exit), "terminated") {
		t.Errorf("exit after SIGTERM %q, want terminated by the signal", exitText(exit))
	}
	cpu, rss := p.usage()
	if cpu < 0 || rss <= 0 {
		t.Errorf("usage: CPU %v, peak RSS %d", cpu, rss)
	}
	if out, _ := os.ReadFile(log); strings.TrimSpace(string(out)) != "hello" {
		t.Errorf("log %q: the environment given must be the process's", out)
	}
}
