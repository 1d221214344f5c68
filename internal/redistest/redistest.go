// Package redistest gives tests a Redis server: the shared one at
// REDIS_ADDR (scripts/test.sh starts it), or a redis-server of the test's
// own that it can stop and start again on the same port. Without Redis a
// test skips locally and fails when REQUIRE_REDIS=1, so a missing server
// never passes for a green run.
package redistest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Addr returns REDIS_ADDR, skipping or failing the test without it.
func Addr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		missing(t, "REDIS_ADDR is empty; run redis-server and set REDIS_ADDR=host:port (scripts/test.sh does)")
	}
	return addr
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("REQUIRE_REDIS") == "1" {
		t.Fatal("REQUIRE_REDIS=1 but " + why)
	}
	t.Skip(why)
}

// Server is a redis-server the test started, on a loopback port of its own.
type Server struct {
	Addr string
	t    testing.TB
	bin  string
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs redis-server (REDIS_SERVER_BIN or PATH) keeping nothing on
// disk, waits until it answers, and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := os.Getenv("REDIS_SERVER_BIN")
	if bin == "" {
		bin, _ = exec.LookPath("redis-server")
	}
	if bin == "" {
		missing(t, "redis-server is not on PATH (install it, or set REDIS_SERVER_BIN)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &Server{Addr: addr, t: t, bin: bin, dir: t.TempDir()}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Restart starts the server again on the same port (after Stop).
func (s *Server) Restart() {
	s.t.Helper()
	_, port, _ := net.SplitHostPort(s.Addr)
	s.cmd = exec.Command(s.bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"))
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("starting %s: %v", s.bin, err)
	}
	done := make(chan struct{})
	s.done = done
	go func(cmd *exec.Cmd) { _ = cmd.Wait(); close(done) }(s.cmd)
	c := redis.NewClient(&redis.Options{Addr: s.Addr,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	defer c.Close()
	for deadline := time.Now().Add(time.Minute); c.Ping(context.Background()).Err() != nil; {
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			s.t.Fatalf("redis-server on %s exited:\n%s", s.Addr, log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on %s did not answer within a minute", s.Addr)
		}
	}
}

// Stop kills the server (as a crash would) and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}
