#!/usr/bin/env bash
# Install the official Pact tools from npm that tests/interop runs: the Ruby `pact-broker` client and
# `pact-provider-verifier` (bundled by @pact-foundation/pact-cli), pact-js and PactFlow's
# swagger-mock-validator (tests/openapi). They go into
# $ACCORD_NPM_TOOLS (default .npm-tools/ in the repository, gitignored), exactly as pinned by
# tests/interop/js/package-lock.json; nothing is done when that lock file is already installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pinned="$root/tests/interop/js"
dest="${ACCORD_NPM_TOOLS:-$root/.npm-tools}"
stamp="$dest/.installed-lock.json"
if [ -f "$stamp" ] && [ -d "$dest/node_modules" ] && cmp -s "$pinned/package-lock.json" "$stamp"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) >&2
  else
    echo "npm is not installed and cannot be installed here" >&2; exit 1
  fi
fi
mkdir -p "$dest"
cp "$pinned/package.json" "$pinned/package-lock.json" "$dest/"
# --ignore-scripts: none of these packages needs an install script, and swagger-mock-validator's
# (patch-package, for an ajv it does not find at the top of node_modules) fails wherever npm
# runs it (CI=true). A registry hiccup should not fail the whole test run: up to three tries.
for try in 1 2 3; do
  if (cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); then
    break
  fi
  if [ "$try" = 3 ]; then echo "npm ci failed three times in $dest" >&2; exit 1; fi
  echo "npm ci failed (try $try of 3); trying again" >&2; sleep 5
done
cp "$pinned/package-lock.json" "$stamp"
