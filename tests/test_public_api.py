"""The top-level API: every advertised name resolves, and ``import accord`` stays cheap."""

from __future__ import annotations

import subprocess
import sys

import accord


def test_every_public_name_resolves() -> None:
    for name in accord.__all__:
        assert getattr(accord, name) is not None, name
    assert accord.Pact.__name__ == "Pact" and accord.Verifier.__name__ == "Verifier"
    assert callable(accord.match.integer) and callable(accord.generate.uuid)


def test_import_accord_loads_no_server_or_client_stack() -> None:
    code = "import sys, accord; print(sorted(m for m in ('httpx', 'uvicorn', 'starlette', " \
           "'sqlalchemy', 'rich') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_an_unknown_name_is_a_clear_attribute_error() -> None:
    try:
        accord.Nope  # noqa: B018
    except AttributeError as exc:
        assert "has no attribute 'Nope'" in str(exc)
    else:
        raise AssertionError("accord.Nope should not exist")
