package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCheckConfigAndVersion(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	good := map[string]string{
		"GOOGLE_CLOUD_PROJECT":     "p",
		"TASK_SUBSCRIPTION":        "tasks-sub",
		"RESULT_TOPIC":             "results",
		"TWILIO_ACCOUNT_SID":       "AC" + strings.Repeat("0", 32),
		"TWILIO_AUTH_TOKEN_SECRET": "projects/p/secrets/t/versions/latest",
		"BUDGET_STORE":             "redis://redis:6379/0",
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"worker", "check-config"}, env(good), nil, &out, &out); err != nil {
		t.Fatalf("check-config with a good environment: %v", err)
	}
	if got := out.String(); got != "configuration OK\n" {
		t.Errorf("check-config printed %q", got)
	}

	bad := map[string]string{"LOG_LEVEL": "verbose", "PROXY_SSL_TYPE": "SOMETIMES"}
	out.Reset()
	err := run(context.Background(), []string{"worker", "check-config"}, env(bad), nil, &out, &out)
	if !errors.Is(err, errConfig) {
		t.Fatalf("check-config with a bad environment: %v, want a configuration error (status 2)", err)
	}
	for _, want := range []string{"GOOGLE_CLOUD_PROJECT is required", "LOG_LEVEL must be", "PROXY_SSL_TYPE", "TWILIO_ACCOUNT_SID is required"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("check-config error lacks %q:\n%v", want, err)
		}
	}

	for _, arg := range []string{"version", "--version"} {
		out.Reset()
		if err := run(context.Background(), []string{"worker", arg}, env(nil), nil, &out, &out); err != nil {
			t.Fatalf("worker %s: %v", arg, err)
		}
		if got := out.String(); got != "worker "+version+"\n" {
			t.Errorf("worker %s printed %q", arg, got)
		}
	}
}
