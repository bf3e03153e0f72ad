"""The consumer DSL's first import path, kept for code that uses it.

``Pact`` lives in ``accord.consumer.pact``, the interaction builders in
``accord.consumer.interactions`` (HTTP) and ``accord.consumer.messages``, and what a run writes
at its end in ``accord.consumer.run``.
"""

from __future__ import annotations

from accord.consumer.interactions import HttpInteraction
from accord.consumer.pact import Pact
from accord.consumer.run import default_pact_dir, write_deferred, write_pacts

__all__ = ["HttpInteraction", "Pact", "default_pact_dir", "write_deferred", "write_pacts"]
