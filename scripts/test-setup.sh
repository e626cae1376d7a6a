#!/usr/bin/env bash
# `npm test`'s pretest step: makes sure the system programs the runtime proofs use are there.
#
# The BullMQ proofs run against a real Redis (redis-server). When it is not on PATH:
#   - as root on Debian/Ubuntu, it is installed with apt-get (as CI and a fresh container need);
#   - anywhere else, this stops `npm test` with one line naming what to install.
# The path of the redis-server found is written to .tmp/redis-server, where the proofs read it,
# so a redis-server outside PATH (installed here, or given as REDIS_SERVER=/path) is used too.
# A proof that cannot run is never skipped: without Redis, `npm test` fails here.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/.tmp"
record="${REDIS_SERVER_RECORD:-$root/.tmp/redis-server}"

works() { [ -n "$1" ] && "$1" --version >/dev/null 2>&1; }

found_by_dpkg() {
  command -v dpkg >/dev/null 2>&1 || return 0
  dpkg -L redis-server redis-tools 2>/dev/null | grep -E '/bin/redis-server$' | head -n 1
}

bin="${REDIS_SERVER:-}"
works "$bin" || bin="$(command -v redis-server 2>/dev/null || true)"
works "$bin" || bin="$(found_by_dpkg)"
if ! works "$bin"; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-setup: redis-server (for the BullMQ proofs) is missing: installing it with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq redis-server >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && apt-get install -y -qq redis-server >/dev/null; } \
      || { echo "test-setup: apt-get install redis-server failed" >&2; exit 1; }
    bin="$(command -v redis-server 2>/dev/null || true)"
    works "$bin" || bin="$(found_by_dpkg)"
  fi
fi
if ! works "$bin"; then
  rm -f "$record"
  echo "test-setup: the BullMQ proofs need redis-server: install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_SERVER=/path/to/redis-server" >&2
  exit 1
fi
printf '%s\n' "$bin" > "$record"
