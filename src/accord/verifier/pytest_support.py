"""One pytest test per interaction, so ``-k``, ``--junitxml`` and xdist work::

    from accord import Verifier
    from accord.verifier.pytest_support import interactions

    verifier = Verifier("users-api").add_source("pacts/").add_transport(app=app)

    @pytest.mark.parametrize("interaction", interactions(verifier))
    def test_pact(interaction):
        verifier.verify_interaction(interaction)

Ids are ``consumer: description``. A failing interaction raises ``VerificationFailed`` with the
report; a failing pending interaction is reported as an expected failure (xfail).
"""

from __future__ import annotations

from accord.verifier.api import VerificationItem, Verifier

__all__ = ["interactions"]


def interactions(verifier: Verifier) -> list[object]:
    """``pytest.param`` objects, one per selected interaction, with readable ids."""
    import pytest

    items: list[VerificationItem] = verifier.interactions()
    return [pytest.param(item, id=item.id) for item in items]
