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
// tasks from a JSON Lines file or stdin, results on stdout.
func runLocal(ctx context.Context, cfg *Config, stdin io.Reader, stdout io.Writer, log *zap.Logger) error {
	tasks, err := readTaskLines(cfg.LocalFile, stdin)
	if err != nil {
		return err
	}
	stopSim, err := startSimulator(cfg)
	if err != nil {
		return err
	}
	defer stopSim()
	srv := pstest.NewServer()
	defer srv.Close()
	ps, err := pubsub.NewClient(context.WithoutCancel(ctx), localProject, option.WithEndpoint(srv.Addr),
		option.WithoutAuthentication(), option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		return fmt.Errorf("in-process pubsub client: %w", err)
	}
	defer ps.Close()
	if err := createLocalTopology(ctx, ps, cfg); err != nil {
		return err
	}
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
	return runLocalJob(ctx, cfg, ps, h, tasks, stdout, log)
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
