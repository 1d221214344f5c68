package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// TestNotReadyBeforePreflight: /readyz's check fails until the preflight
// has passed, then answers what the other checks say.
func TestNotReadyBeforePreflight(t *testing.T) {
	var done atomic.Bool
	down := errors.New("budget store down")
	var other error
	ready := afterPreflight(&done, func(context.Context) error { return other })
	if ready(context.Background()) == nil {
		t.Fatal("ready before the preflight passed")
	}
	done.Store(true)
	if err := ready(context.Background()); err != nil {
		t.Fatalf("not ready after the preflight: %v", err)
	}
	other = down
	if err := ready(context.Background()); !errors.Is(err, down) {
		t.Fatalf("got %v, want the other checks' answer", err)
	}
}
