# Sourced by the other scripts: make .venv (once) and install accord with its extras into it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.accord-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -U pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[${ACCORD_EXTRAS:-dev,broker}]"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
export PACT_DO_NOT_TRACK=true
