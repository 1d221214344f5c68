#!/usr/bin/env bash
# The project's test command (README "Two commands"): installs what is
# missing (scripts/deps.sh), starts the Pub/Sub emulator and a Redis server
# on free ports (each in its own process group), runs every Go test with the
# race detector against them, and stops them whatever happens.
# Extra arguments go to `go test` (e.g. -run TestEndToEnd).
set -euo pipefail
cd "$(dirname "$0")/.."

# Install (or name) what is missing: a C compiler, redis-server, the emulator.
./scripts/deps.sh
EMULATOR=${PUBSUB_EMULATOR_BIN:-/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator}
REDIS=${REDIS_SERVER_BIN:-$(command -v redis-server)}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
redis_port=$(free_port)
logdir=$(mktemp -d)
# setsid: the emulator's Java child must die with the group, or it outlives us.
setsid "$EMULATOR" --host=127.0.0.1 --port="$port" >"$logdir/emulator.log" 2>&1 &
emu_pid=$!
setsid "$REDIS" --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >"$logdir/redis.log" 2>&1 &
redis_pid=$!
cleanup() {
  kill -- -"$emu_pid" -"$redis_pid" 2>/dev/null || true
  wait "$emu_pid" "$redis_pid" 2>/dev/null || true
  rm -rf "$logdir"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then break; fi
  if ! kill -0 "$emu_pid" 2>/dev/null; then cat "$logdir/emulator.log" >&2; echo "test.sh: emulator exited" >&2; exit 1; fi
  sleep 0.5
done
(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null || { cat "$logdir/emulator.log" >&2; echo "test.sh: emulator did not listen on $port" >&2; exit 1; }

for _ in $(seq 1 60); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$redis_port") 2>/dev/null; then break; fi
  sleep 0.2
done
(exec 3<>/dev/tcp/127.0.0.1/"$redis_port") 2>/dev/null || { cat "$logdir/redis.log" >&2; echo "test.sh: redis did not listen on $redis_port" >&2; exit 1; }

export PUBSUB_EMULATOR_HOST="127.0.0.1:$port"
export REQUIRE_EMULATOR=1
export REDIS_ADDR="127.0.0.1:$redis_port"
export REQUIRE_REDIS=1
# The proxy tests start squid themselves (internal/squidtest); fail, never
# skip, when it is missing.
export REQUIRE_SQUID=1
# The deployment tests (./deploy) render the manifests with kubectl
# kustomize; fail, never skip, when kubectl is missing.
export REQUIRE_KUBECTL=1
# The pool-rate tests judge a mean rate of the shared budget across
# several limiters or worker processes; on a 2-core machine the other test
# packages running beside them starve those. They run alone, after the
# rest, unless the caller chose tests with its own arguments.
pool='^(TestEndToEndPool|TestPoolSharesOneBudget)$'
if [[ $# -gt 0 ]]; then
  go test -race -count=1 -timeout 30m "$@" ./...
else
  go test -race -count=1 -timeout 30m -skip "$pool" ./...
  go test -race -count=1 -timeout 10m -run "$pool" ./cmd/worker ./internal/poolbudget
  # The README's chaos run (10 000 creates, two SIGKILLs), alone too: its
  # volume catches what the small storm cannot (cmd/chaos/chaos_test.go).
  CHAOS_DOCUMENTED=1 go test -count=1 -timeout 15m -run '^TestChaosDocumented$' ./cmd/chaos
fi
