#!/usr/bin/env bash
# Run every example's tests, each in its own virtual environment, the way a user would:
#   .venv-examples/<name>/  ←  pip install -e <repo root> -e "<example>[test]"
# Exits non-zero if any example fails. Usage: bash scripts/test_examples.sh [example-dir ...]
#
# The environments are made once and refreshed when a pyproject.toml changes. They are made
# without their own pip (pip from the repo's .venv installs into them with --python), which
# keeps a fresh run to a few seconds per example plus the installs.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
export PACT_DO_NOT_TRACK=true

if [ -x "$ROOT/.venv/bin/python" ]; then
  PIP=("$ROOT/.venv/bin/python" -m pip)
else
  PIP=("$PY" -m pip)
fi

if [ "$#" -gt 0 ]; then
  examples=("$@")
else
  mapfile -t examples < <(find examples -name pyproject.toml -not -path '*/.*' -printf '%h\n' | sort)
fi

mkdir -p .venv-examples
printf '*\n' > .venv-examples/.gitignore

# Install one example's environment; output goes to its log, the caller reports.
setup_env() {
  local example="$1" env="$2" extras="$3"
  local stamp="$env/.accord-installed"
  if [ -f "$stamp" ] && [ ! "$ROOT/pyproject.toml" -nt "$stamp" ] && [ ! "$example/pyproject.toml" -nt "$stamp" ]; then
    return 0
  fi
  rm -rf "$env"
  "$PY" -m venv --without-pip "$env" || return 1
  "${PIP[@]}" --python "$env/bin/python" install -q --disable-pip-version-check \
    hatchling editables || return 1
  "${PIP[@]}" --python "$env/bin/python" install -q --disable-pip-version-check \
    --no-build-isolation -e "$ROOT" -e "$example[$extras]" || return 1
  touch "$stamp"
}

extras_for() {
  # The broker workflow in requests_and_fastapi needs accord's broker extra as well.
  if grep -q '^broker = ' "$1/pyproject.toml"; then echo "test,broker"; else echo "test"; fi
}

# Install the environments side by side: pip spends most of its time waiting on the index.
# Each job leaves its exit status in <env>.install.rc; the tests of an example start as soon
# as its environment is ready.
for example in "${examples[@]}"; do
  name="$(echo "${example#examples/}" | tr '/' '-')"
  env=".venv-examples/$name"
  rm -f "$env.install.rc"
  { setup_env "$example" "$env" "$(extras_for "$example")" >"$env.install.log" 2>&1
    echo $? >"$env.install.rc"; } &
  while [ "$(jobs -rp | wc -l)" -ge "${ACCORD_EXAMPLES_JOBS:-4}" ]; do sleep 0.2; done
done

failed=()
summary=()
for example in "${examples[@]}"; do
  name="$(echo "${example#examples/}" | tr '/' '-')"
  env=".venv-examples/$name"
  echo "=== $example"
  while [ ! -s "$env.install.rc" ]; do sleep 0.2; done
  if [ "$(cat "$env.install.rc")" != 0 ]; then
    grep -v '^WARNING: Location' "$env.install.log" | tail -20
    echo "--- $example: could not install its environment (log: $env.install.log)"
    failed+=("$example (install)")
    continue
  fi
  log="$env.pytest.log"
  (cd "$example" && "$ROOT/$env/bin/python" -m pytest -q -p no:cacheprovider) >"$log" 2>&1
  status=$?
  if [ "$status" -ne 0 ]; then
    cat "$log"
    failed+=("$example")
  else
    tail -n 1 "$log"
  fi
  summary+=("$example: $(tail -n 1 "$log" | tr -d '=' | sed 's/^ *//;s/ *$//')")
done

echo
echo "=== examples summary"
for line in "${summary[@]}"; do echo "$line"; done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all ${#examples[@]} examples passed"
