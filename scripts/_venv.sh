# Sourced by the other scripts: make .venv (once) and install accord with its extras into it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setting up .venv (once)" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.accord-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "installing accord[${ACCORD_EXTRAS:-dev,broker}] into .venv" >&2
  log="$(mktemp)"
  if ! { .venv/bin/python -m pip install -q --disable-pip-version-check -U pip &&
         .venv/bin/python -m pip install -q --disable-pip-version-check \
           -e ".[${ACCORD_EXTRAS:-dev,broker}]"; } >"$log" 2>&1; then
    grep -v '^WARNING: Location' "$log" | tail -30 >&2; rm -f "$log"
    echo "error: could not install accord into .venv (see above)" >&2; exit 1
  fi
  rm -f "$log"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
export PACT_DO_NOT_TRACK=true
