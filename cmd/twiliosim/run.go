package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// shutdownGrace bounds how long in-flight requests may finish after a
// signal.
const shutdownGrace = 5 * time.Second

// run parses the flags, serves the simulator until ctx ends or SIGINT or
// SIGTERM arrives, then shuts the server down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	sim := twiliosim.New(cfg.sim)
	if err := cfg.loadFixtures(sim); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on --addr %s: %w", cfg.addr, err)
	}
	// Requests held by --fail-timeout end when shutdown starts, through their
	// contexts, so they cannot outlast the grace period. (Latency waits end
	// too: in-flight requests are answered at once.)
	holds, endHolds := context.WithCancel(context.WithoutCancel(ctx))
	defer endHolds()
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return holds }}
	srv.RegisterOnShutdown(endHolds)
	if _, err := fmt.Fprintf(stdout, "listening on http://%s\n", publicAddr(cfg.addr, ln.Addr())); err != nil {
		ln.Close()
		return fmt.Errorf("write to stdout: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// A fresh context: the run context is already done.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// publicAddr is the address to print: the host as given (127.0.0.1 when none
// was, so the URL can be pasted) and the port actually bound.
func publicAddr(flagAddr string, bound net.Addr) string {
	host, _, _ := net.SplitHostPort(flagAddr)
	if host == "" {
		host = "127.0.0.1"
	}
	port := ""
	if tcp, ok := bound.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
	}
	return net.JoinHostPort(host, port)
}
