package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/pubsub/v2/pstest"
	"go.uber.org/zap"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// Local defaults: the in-process simulator accepts these credentials.
const (
	localProject    = "local"
	localAccountSID = "AC00000000000000000000000000000000"
	localToken      = "localtoken"
)

// runLocal runs the real pipeline on one machine: an in-process Pub/Sub
// server (pstest), the Twilio simulator unless --live or --twilio-base-url,
// tasks from a JSON Lines file or stdin, results on stdout. Blank lines
// are skipped and reported once on stderr, after the results.
func runLocal(ctx context.Context, cfg *Config, stdin io.Reader, stdout, stderr io.Writer, log *zap.Logger) error {
	input, err := readTaskLines(cfg.LocalFile, stdin)
	if err != nil {
		return err
	}
	if len(input.blank) > 0 {
		defer fmt.Fprintln(stderr, skippedBlank(input.blank))
	}
	stopSim, err := startSimulator(cfg)
	if err != nil {
		return err
	}
	defer stopSim()
	ps, stopPubSub, err := startPubSub(ctx, cfg)
	if err != nil {
		return err
	}
	defer stopPubSub()
	stack, _, err := twilioStack(cfg, log)
	if err != nil {
		return err
	}
	token := cfg.AuthToken
	if token.IsZero() && !cfg.Live {
		token = secret.New(localToken)
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	h := newTaskHandler(cfg, token, stack, store, log)
	return runLocalJob(ctx, cfg, ps, h, input.lines, stdout, log)
}

// localMaxMessage is the largest gRPC message the in-process Pub/Sub
// takes: Pub/Sub's 10 MB with room for the request around it.
const localMaxMessage = 20 << 20

// startPubSub serves pstest's fake Pub/Sub on a loopback port, with the
// topics and subscriptions of worker local, and connects a client to it.
// It runs on a gRPC server of its own because pstest's keeps gRPC's 4 MB
// limit on received messages, far below Pub/Sub's 10 MB, and the publisher
// retries a refused task (or result) forever.
func startPubSub(ctx context.Context, cfg *Config) (*pubsub.Client, func(), error) {
	fake := pstest.NewServer()
	gs := grpc.NewServer(grpc.MaxRecvMsgSize(localMaxMessage))
	pubsubpb.RegisterPublisherServer(gs, &fake.GServer)
	pubsubpb.RegisterSubscriberServer(gs, &fake.GServer)
	stopServer := func() {
		gs.Stop()
		_ = fake.Close()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		stopServer()
		return nil, nil, fmt.Errorf("in-process pubsub listener: %w", err)
	}
	go func() { _ = gs.Serve(ln) }()
	ps, err := pubsub.NewClient(context.WithoutCancel(ctx), localProject, option.WithEndpoint(ln.Addr().String()),
		option.WithoutAuthentication(), option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err == nil {
		if err = createLocalTopology(ctx, ps, cfg); err != nil {
			_ = ps.Close()
		}
	}
	if err != nil {
		stopServer()
		return nil, nil, fmt.Errorf("in-process pubsub: %w", err)
	}
	return ps, func() {
		_ = ps.Close()
		stopServer()
	}, nil
}

// startSimulator starts the in-process Twilio simulator on a loopback port
// and points the configuration at it, unless the user chose a real target.
func startSimulator(cfg *Config) (stop func(), err error) {
	if cfg.Live || cfg.TwilioBaseURL != twiliohttp.DefaultBaseURL {
		return func() {}, nil
	}
	if cfg.AccountSID == "" {
		cfg.AccountSID = localAccountSID
	}
	sim := twiliosim.New(twiliosim.Config{})
	if cfg.Fixtures != "" {
		f, err := os.Open(cfg.Fixtures)
		if err != nil {
			return nil, configErr("--fixtures: %v", err)
		}
		defer f.Close()
		if err := sim.LoadFixtures(f); err != nil {
			return nil, configErr("--fixtures %s: %v", cfg.Fixtures, err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("simulator listener: %w", err)
	}
	hs := &http.Server{Handler: sim}
	go func() { _ = hs.Serve(ln) }()
	cfg.TwilioBaseURL = "http://" + ln.Addr().String()
	return func() { _ = hs.Close() }, nil
}

func createLocalTopology(ctx context.Context, ps *pubsub.Client, cfg *Config) error {
	cfg.Project = localProject
	cfg.Subscription = "projects/local/subscriptions/tasks"
	cfg.ResultTopic = "projects/local/topics/results"
	for _, t := range []string{"projects/local/topics/tasks", cfg.ResultTopic} {
		if _, err := ps.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: t}); err != nil {
			return fmt.Errorf("creating %s: %w", t, err)
		}
	}
	subs := map[string]string{cfg.Subscription: "projects/local/topics/tasks", localResultSub: cfg.ResultTopic}
	for name, topic := range subs {
		if _, err := ps.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{
			Name: name, Topic: topic, AckDeadlineSeconds: 60}); err != nil {
			return fmt.Errorf("creating %s: %w", name, err)
		}
	}
	return nil
}

const localResultSub = "projects/local/subscriptions/results"
