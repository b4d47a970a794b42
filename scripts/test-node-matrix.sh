#!/usr/bin/env bash
# Runs the vitest suite (already built, by Node 20's `tsc -b`) on each extra Node version.
#   scripts/test-node-matrix.sh [vitest args...]      e.g. scripts/test-node-matrix.sh --project protocol
# The binaries come from SHOAL_EXTRA_NODES (colon-separated absolute paths), or else from
# scripts/install-node-versions.sh (22, 24, 26). Each run puts its binary's directory first on PATH, so
# everything the tests spawn (`process.execPath`, vitest's forks, a bare `node`) runs on that version too.
# SHOAL_MATRIX_EXCLUDE (space-separated vitest project names, default "bench") leaves slow projects to the
# Node 20 run. SHOAL_EXTRA_NODES is not passed down: under the matrix each run tests its own Node only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

nodes="${SHOAL_EXTRA_NODES:-}"
[ -n "$nodes" ] || nodes="$(scripts/install-node-versions.sh | paste -sd:)"
vitest="node_modules/vitest/vitest.mjs"
[ -f "$vitest" ] || { echo "test-node-matrix: $vitest not found: run the install first" >&2; exit 1; }

# With no args: every vitest project except the excluded ones (vitest's `--project '!name'`).
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  for p in ${SHOAL_MATRIX_EXCLUDE-bench}; do args+=(--project "!$p"); done
fi

failed=()
summary=()
IFS=: read -r -a bins <<<"$nodes"
for node in "${bins[@]}"; do
  [ -x "$node" ] || { echo "test-node-matrix: $node is not an executable" >&2; failed+=("$node"); continue; }
  version="$("$node" --version)"
  echo
  echo "=== vitest on Node $version ($node): ${args[*]}"
  start=$SECONDS
  if env -u SHOAL_EXTRA_NODES PATH="$(dirname "$node"):$PATH" "$node" "$vitest" run "${args[@]}"; then
    summary+=("Node $version: passed ($((SECONDS - start))s)")
  else
    summary+=("Node $version: FAILED ($((SECONDS - start))s)")
    failed+=("$version")
  fi
done

echo
echo "=== Node matrix"
printf '  %s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || { echo "Node matrix failed on: ${failed[*]}" >&2; exit 1; }
