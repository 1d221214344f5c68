package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// Credentials of the simulated Twilio account; the simulator accepts only
// these, and the worker gets them through its environment.
const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "chaosToken42"
)

// project is the Pub/Sub project of every topic and subscription; the
// emulator accepts any.
const project = "chaos-project"

// storeURL is the worker's TASK_STORE: database db of the Redis server.
func storeURL(addr string, db int) string { return "redis://" + addr + "/" + strconv.Itoa(db) }

// flushStore empties database db of the Redis server at addr, so that the
// run starts with no task outcomes recorded. Task ids are unique per run
// anyway; the flush keeps the database from filling up over many runs
// (outcomes are kept for a day).
func flushStore(ctx context.Context, addr string, db int) error {
	c := redis.NewClient(&redis.Options{Addr: addr, DB: db,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	defer c.Close()
	if err := c.Ping(ctx).Err(); err != nil {
		return configError{fmt.Errorf("redis at %s does not answer (%w); start one with "+
			"redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no", addr, err)}
	}
	if err := c.FlushDB(ctx).Err(); err != nil {
		return fmt.Errorf("redis FLUSHDB of database %d: %w", db, err)
	}
	return nil
}

// startSimulator serves an in-process Twilio simulator with the run's
// faults on a loopback port. A faulted create takes effect with
// probability cfg.applied, and a timed-out one is held for cfg.hold, longer
// than the worker's task timeout, so the worker gives up first and answers
// DEADLINE_EXCEEDED with the outcome unknown.
func startSimulator(cfg config) (*twiliosim.Server, *httptest.Server) {
	applied := cfg.applied
	if applied == 0 {
		applied = -1 // twiliosim's zero means its default; negative means never
	}
	sim := twiliosim.New(twiliosim.Config{
		AccountSID: accountSID, AuthToken: authToken, Seed: cfg.seed,
		Fail429: cfg.fail429, Fail500: cfg.fail500, FailTimeout: cfg.failTimeout,
		Fail500AfterApply: applied, TimeoutHold: cfg.hold,
	})
	return sim, httptest.NewServer(sim)
}
