"""Generators for consumer contracts: ``from accord import generate``
(see ``accord.consumer.generate``)."""

from __future__ import annotations

from accord.consumer.generate import *  # noqa: F403
from accord.consumer.generate import __all__ as __all__
