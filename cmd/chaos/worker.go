package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// workerSpec is how every incarnation of the worker is started.
type workerSpec struct {
	bin    string
	env    []string
	logDir string
}

// newWorkerSpec gives the worker an environment of its own, built from
// scratch so that stray TWILIO_* or TASK_STORE variables of the caller do
// not leak in. emulator is the Pub/Sub address the worker uses.
func newWorkerSpec(cfg config, bin, logDir, emulator string, tp *topology, simURL string) workerSpec {
	env := []string{
		"PUBSUB_EMULATOR_HOST=" + emulator,
		"GOOGLE_CLOUD_PROJECT=" + project,
		"TASK_SUBSCRIPTION=" + tp.taskSub,
		"RESULT_TOPIC=" + tp.resultTopic,
		"TWILIO_ACCOUNT_SID=" + accountSID,
		"TWILIO_AUTH_TOKEN=" + authToken,
		"TWILIO_BASE_URL=" + simURL,
		"TASK_STORE=" + storeURL(cfg.redisAddr, cfg.redisDB),
		"CONNECTOR_NODES=" + strconv.Itoa(cfg.nodes),
		"TASK_TIMEOUT=" + cfg.taskTimeout.String(),
		"LOG_LEVEL=" + cfg.logLevel,
		// Any free port: the default :8080 may be taken (another run, a
		// second incarnation still exiting).
		"HTTP_ADDR=127.0.0.1:0",
		// The run counts the simulator's requests and faults: the
		// preflight's account fetch would add to them at every restart.
		"PREFLIGHT=false",
	}
	return workerSpec{bin: bin, env: env, logDir: logDir}
}

// worker is one running incarnation of the worker binary.
type worker struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process is gone; err is set then
	err    error         // cmd.Wait's error: nil for exit status 0
}

// start runs incarnation n, its stderr going to worker-n.log in the log
// directory.
func (s workerSpec) start(n int) (*worker, error) {
	f, err := os.Create(filepath.Join(s.logDir, fmt.Sprintf("worker-%d.log", n)))
	if err != nil {
		return nil, fmt.Errorf("worker log: %w", err)
	}
	cmd := exec.Command(s.bin)
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start worker %s: %w", s.bin, err)
	}
	w := &worker{cmd: cmd, exited: make(chan struct{})}
	go func() {
		w.err = cmd.Wait()
		f.Close()
		close(w.exited)
	}()
	return w, nil
}

// kill SIGKILLs the worker and waits for it to be gone. It is safe to
// call after the worker exited.
func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	<-w.exited
}

// stop sends SIGTERM and waits up to within for the exit; it returns the
// exit error (nil for status 0). After within it kills the worker.
func (w *worker) stop(within time.Duration) error {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.exited:
		return w.err
	case <-time.After(within):
		w.kill()
		return errors.New("did not exit within " + within.String() + " of SIGTERM; killed")
	}
}
