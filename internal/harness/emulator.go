package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// DefaultEmulatorBin is where the Cloud SDK's apt package
// google-cloud-cli-pubsub-emulator installs the emulator (as
// scripts/test.sh expects it).
const DefaultEmulatorBin = "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator"

// Emulator is a Pub/Sub emulator this process started.
type Emulator struct {
	Addr   string // host:port to use as PUBSUB_EMULATOR_HOST
	cmd    *exec.Cmd
	exited chan struct{}
}

// StartEmulator runs bin on a free loopback port, its output going to
// logPath, and waits up to within until it accepts connections. The
// emulator gets its own process group: bin is a shell script whose Java
// child would outlive a signal sent to the script alone.
func StartEmulator(ctx context.Context, bin, logPath string, within time.Duration) (*Emulator, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("emulator log: %w", err)
	}
	defer log.Close() // the child has its own descriptor
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin, "--host=127.0.0.1", "--port="+strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the Pub/Sub emulator %s (install google-cloud-cli-pubsub-emulator, "+
			"set PUBSUB_EMULATOR_BIN, or pass --emulator HOST:PORT): %w", bin, err)
	}
	e := &Emulator{Addr: addr, cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(e.exited)
	}()
	if err := e.awaitListening(ctx, within); err != nil {
		e.Stop()
		return nil, fmt.Errorf("%w (log: %s)", err, logPath)
	}
	return e, nil
}

// awaitListening polls the emulator's port until it accepts a connection.
func (e *Emulator) awaitListening(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		conn, err := net.DialTimeout("tcp", e.Addr, time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the Pub/Sub emulator did not listen on %s within %v", e.Addr, within)
		}
		select {
		case <-e.exited:
			return errors.New("the Pub/Sub emulator exited during start-up")
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop ends the emulator's whole process group: SIGTERM, then SIGKILL for
// whatever is left once the script exited or 5 s passed.
func (e *Emulator) Stop() {
	pgid := -e.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(5 * time.Second):
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL) // the Java child, if it ignored SIGTERM
	<-e.exited
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before the emulator binds it; start-up then fails and says so.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
