package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: the kernel
// reports them in USER_HZ ticks, 100 per second on every Linux
// architecture Go supports (it is part of the kernel's ABI, unlike HZ).
const userHZ = 100

// proc is one pipeline process under measurement.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process is gone; err is set then
	err    error         // cmd.Wait's error: nil for exit status 0
	hwm    atomic.Int64  // the latest VmHWM read from /proc, in bytes
	polled chan struct{} // closed when watchPeak has stored its last read
}

// hwmEvery is how often the peak resident set is read while a process
// runs: growth in its last few milliseconds before exit can be missed.
const hwmEvery = 10 * time.Millisecond

// startProc runs bin with args and exactly env, its output going to
// logPath.
func startProc(bin string, args, env []string, logPath string) (*proc, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("log: %w", err)
	}
	defer f.Close() // the child has its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &proc{cmd: cmd, exited: make(chan struct{}), polled: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	go p.watchPeak()
	return p, nil
}

// watchPeak keeps hwm up to date until the process exits. wait4's
// ru_maxrss cannot be used: a child started by fork (vfork) counts the
// parent's resident set, shared until exec, so a child always seemed as
// large as the benchmark itself (with a 100 000-task backlog, 89 MB for
// a worker that never held more than 78 MB).
func (p *proc) watchPeak() {
	defer close(p.polled)
	path := fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid)
	tick := time.NewTicker(hwmEvery)
	defer tick.Stop()
	for {
		if data, err := os.ReadFile(path); err == nil {
			if n, ok := parseVmHWM(data); ok {
				p.hwm.Store(n)
			}
		}
		select {
		case <-p.exited:
			return
		case <-tick.C:
		}
	}
}

// parseVmHWM reads the VmHWM line (peak resident set, in kB) of a
// /proc/PID/status file, in bytes.
func parseVmHWM(data []byte) (int64, bool) {
	_, rest, ok := bytes.Cut(data, []byte("\nVmHWM:"))
	if !ok {
		return 0, false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kb, ok := bytes.CutSuffix(bytes.TrimSpace(line), []byte(" kB"))
	n, err := strconv.ParseInt(string(bytes.TrimSpace(kb)), 10, 64)
	if !ok || err != nil {
		return 0, false
	}
	return n << 10, true
}

// cpuTime is the user plus system CPU the running process has used so
// far, from /proc/PID/stat (10 ms resolution).
func (p *proc) cpuTime() (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("CPU time of pid %d: %w", p.cmd.Process.Pid, err)
	}
	return parseStatCPU(data)
}

// parseStatCPU reads utime + stime (fields 14 and 15) of a /proc/PID/stat
// line. The command name (field 2) is in parentheses and may hold spaces
// or parentheses itself, so fields are counted after the last ')'.
func parseStatCPU(data []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, errors.New("/proc stat line without a command name")
	}
	fields := bytes.Fields(data[i+1:]) // fields[0] is field 3, the state
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc stat line with %d fields after the command name, want at least 13", len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat CPU field %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// stop sends SIGTERM and waits up to within for the exit, after which it
// kills the process. It returns the exit error (nil for status 0).
func (p *proc) stop(within time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return p.err
	case <-time.After(within):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("did not exit within %v of SIGTERM; killed", within)
	}
}

// usage returns, once the process has exited, its whole user plus system
// CPU, as wait4 reported it, and its peak resident set in bytes, as
// /proc last reported it (see watchPeak).
func (p *proc) usage() (cpu time.Duration, peakRSS int64) {
	<-p.exited
	<-p.polled // a read begun before the exit is stored by now
	ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime(), p.hwm.Load()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), p.hwm.Load()
}
