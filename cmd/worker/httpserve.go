package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
	grpccodes "google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/connectorworks/twilio-worker/internal/metrics"
	"github.com/connectorworks/twilio-worker/internal/poolbudget"
)

// readyTimeout bounds the checks behind one /readyz.
const readyTimeout = 3 * time.Second

// startHTTP serves /metrics, /healthz and /readyz on --http-addr until
// ctx's shutdown; it returns a nil stop for "off". A port already taken is
// a start-up error naming the setting, so two workers on one machine say
// why rather than one of them running unobserved.
func startHTTP(cfg *Config, m *metrics.Metrics, ready func(context.Context) error, log *zap.Logger) (stop func(), err error) {
	if cfg.HTTPAddr == "off" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("--http-addr / HTTP_ADDR: %w (set another [host]:port, or off)", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := ready(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready:", err)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http endpoints stopped", zap.Error(err))
		}
	}()
	// Tests and operators find the port here when it was :0.
	log.Info("serving /metrics, /healthz and /readyz", zap.String("http_addr", ln.Addr().String()))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// readiness is /readyz's check: Pub/Sub answers for the task subscription
// and the result topic, and the shared budget store (if any) answers.
func readiness(cfg *Config, ps *pubsub.Client, budget *poolbudget.Budget) func(context.Context) error {
	sub := resourceName(cfg.Project, "subscriptions", cfg.Subscription)
	topic := resourceName(cfg.Project, "topics", cfg.ResultTopic)
	return func(ctx context.Context) error {
		_, err := ps.SubscriptionAdminClient.GetSubscription(ctx, &pubsubpb.GetSubscriptionRequest{Subscription: sub})
		if err := reachable(err); err != nil {
			return fmt.Errorf("task subscription %s: %w", sub, err)
		}
		_, err = ps.TopicAdminClient.GetTopic(ctx, &pubsubpb.GetTopicRequest{Topic: topic})
		if err := reachable(err); err != nil {
			return fmt.Errorf("result topic %s: %w", topic, err)
		}
		if budget != nil {
			if err := budget.Check(ctx); err != nil {
				return fmt.Errorf("budget store: %w", err)
			}
		}
		return nil
	}
}

// reachable: a resource that Pub/Sub describes, or refuses to describe
// (roles/pubsub.subscriber and publisher lack the get permissions), is
// reachable; one it does not know, or an unanswered call, is not.
func reachable(err error) error {
	if err == nil || status.Code(err) == grpccodes.PermissionDenied {
		return nil
	}
	return err
}

// resourceName turns an id into projects/P/KIND/ID; a full name stays.
func resourceName(project, kind, idOrName string) string {
	if strings.Contains(idOrName, "/") {
		return idOrName
	}
	return "projects/" + project + "/" + kind + "/" + idOrName
}
