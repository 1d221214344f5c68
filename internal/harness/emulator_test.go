package harness

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary play the emulator's launcher script (run
// with --host= and --port=, as StartEmulator runs it) and the JVM it
// starts ("jvm").
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && strings.HasPrefix(os.Args[1], "--host=") {
		fakeLauncher(strings.TrimPrefix(os.Args[2], "--port="))
	}
	if len(os.Args) > 1 && os.Args[1] == "jvm" {
		time.Sleep(time.Hour)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeLauncher starts a "JVM" child that stays in its process group,
// writes the child's pid where the test says, then listens on port until
// a signal ends it, as the real script's Java child does. With
// FAKE_EMULATOR_EXIT set it exits at once instead.
func fakeLauncher(port string) {
	if os.Getenv("FAKE_EMULATOR_EXIT") != "" {
		os.Exit(3)
	}
	child := exec.Command(os.Args[0], "jvm")
	if err := child.Start(); err != nil {
		os.Exit(4)
	}
	_ = os.WriteFile(os.Getenv("FAKE_EMULATOR_PID_FILE"), []byte(strconv.Itoa(child.Process.Pid)), 0o600)
	l, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		os.Exit(5)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(6)
		}
		c.Close()
	}
}

// gone reports whether pid no longer runs (absent, or a zombie waiting for
// its new parent to reap it).
func gone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	return strings.HasPrefix(rest, "Z")
}

// TestStartEmulatorStopsTheGroup checks that Stop ends the launcher's
// child too, which a signal to the launcher alone would leave running.
func TestStartEmulatorStopsTheGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "jvm.pid")
	t.Setenv("FAKE_EMULATOR_PID_FILE", pidFile)
	e, err := StartEmulator(context.Background(), os.Args[0], filepath.Join(t.TempDir(), "emu.log"), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatalf("the emulator does not listen on %s: %v", e.Addr, err)
	}
	conn.Close()
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(string(data))
	e.Stop()
	deadline := time.Now().Add(5 * time.Second)
	for !gone(child) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !gone(child) {
		_ = syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the launcher's child %d outlived Stop", child)
	}
}

func TestStartEmulatorFailures(t *testing.T) {
	dir := t.TempDir()
	_, err := StartEmulator(context.Background(), filepath.Join(dir, "missing"), filepath.Join(dir, "a.log"), time.Second)
	if err == nil || !strings.Contains(err.Error(), "PUBSUB_EMULATOR_BIN") {
		t.Errorf("missing binary: %v, want advice naming PUBSUB_EMULATOR_BIN", err)
	}
	t.Setenv("FAKE_EMULATOR_EXIT", "1")
	_, err = StartEmulator(context.Background(), os.Args[0], filepath.Join(dir, "b.log"), 30*time.Second)
	if err == nil || !strings.Contains(err.Error(), "exited during start-up") {
		t.Errorf("launcher that exits: %v", err)
	}
}
