#!/usr/bin/env bash
# Makes sure the machine has what the tests need, installing it when it can:
#   - a C compiler (the race detector needs cgo),
#   - redis-server (task store and shared-state tests),
#   - the Pub/Sub emulator (google-cloud-cli-pubsub-emulator, with its Java),
#   - squid (the proxy tests run a real one, with its auth helpers),
#   - kubectl (the deployment tests render the kustomize manifests).
# On Debian or Ubuntu, as root or with passwordless sudo, missing packages are
# installed with apt-get (adding Google's Cloud SDK apt source when no source
# offers the emulator or kubectl). Anywhere else it stops with one line naming exactly
# what to install. Run by scripts/test.sh; safe to run on its own.
set -euo pipefail

EMULATOR=${PUBSUB_EMULATOR_BIN:-/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator}

missing=()
command -v "${CC:-cc}" >/dev/null || missing+=(gcc)
[[ -n "${REDIS_SERVER_BIN:-}" ]] || command -v redis-server >/dev/null || missing+=(redis-server)
[[ -x "$EMULATOR" ]] || missing+=(google-cloud-cli-pubsub-emulator)
[[ -n "${SQUID_BIN:-}" ]] || command -v squid >/dev/null || [[ -x /usr/sbin/squid ]] || missing+=(squid)
# kubectl (with its built-in kustomize) renders the deployment manifests.
command -v kubectl >/dev/null || missing+=(kubectl)
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
can_install=false
if [[ -r /etc/debian_version ]] && command -v apt-get >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then can_install=true
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then can_install=true; sudo=(sudo -n)
  fi
fi
if ! $can_install; then
  echo "deps.sh: missing ${missing[*]}; install them (Debian/Ubuntu: apt-get install ${missing[*]}; the emulator and kubectl come from Google's Cloud SDK apt source, https://cloud.google.com/sdk/docs/install) or point PUBSUB_EMULATOR_BIN / REDIS_SERVER_BIN / SQUID_BIN at them" >&2
  exit 1
fi

apt() { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }

# add_google_source configures Google's Cloud SDK apt repository, the only
# publisher of the emulator package, with its signing key.
add_google_source() {
  echo "deps.sh: adding Google's Cloud SDK apt source for the Pub/Sub emulator" >&2
  apt install -y -qq --no-install-recommends ca-certificates curl gnupg >/dev/null
  curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg |
    "${sudo[@]}" gpg --batch --yes --dearmor -o /usr/share/keyrings/cloud.google.gpg
  echo "deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk main" |
    "${sudo[@]}" tee /etc/apt/sources.list.d/google-cloud-sdk.list >/dev/null
  apt update -qq
}

echo "deps.sh: installing ${missing[*]}" >&2
apt update -qq
# The emulator and kubectl come from Google's Cloud SDK source.
for pkg in google-cloud-cli-pubsub-emulator kubectl; do
  if [[ " ${missing[*]} " == *" $pkg "* ]] && ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    add_google_source
    break
  fi
done
apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[[ -x "$EMULATOR" ]] || { echo "deps.sh: the emulator package installed, but $EMULATOR is still missing" >&2; exit 1; }
