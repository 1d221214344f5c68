package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tworker\nVmPeak:\t  900000 kB\nVmHWM:\t   77588 kB\nVmRSS:\t   70000 kB\n"
	if n, ok := parseVmHWM([]byte(status)); !ok || n != 77588<<10 {
		t.Errorf("got %d, %v; want %d", n, ok, 77588<<10)
	}
	for _, bad := range []string{"", "Name:\tx\n", "Name:\tx\nVmHWM:\t  12 MB\n", "Name:\tx\nVmHWM:\t x kB\n"} {
		if _, ok := parseVmHWM([]byte(bad)); ok {
			t.Errorf("%q: read a peak", bad)
		}
	}
}

// TestPeakIsTheChilds: a small child of this (deliberately large) process
// reports its own peak, not this process's resident set, which wait4's
// ru_maxrss would give it (the fork shares it until exec).
func TestPeakIsTheChilds(t *testing.T) {
	big := make([]byte, 128<<20)
	for i := range big {
		big[i] = 1
	}
	p, err := startProc("/bin/sleep", []string{"0.3"}, nil, filepath.Join(t.TempDir(), "p.log"))
	if err != nil {
		t.Fatal(err)
	}
	_, rss := p.usage()
	if rss <= 0 || rss > 64<<20 {
		t.Errorf("peak RSS of sleep %d MB, want above 0 and far below this process's %d MB", rss>>20, len(big)>>20)
	}
	if ru := p.cmd.ProcessState.SysUsage().(*syscall.Rusage); ru.Maxrss<<10 < int64(len(big)) {
		t.Logf("ru_maxrss %d MB: this kernel does not count the parent's pages", ru.Maxrss>>10)
	}
}
