"""Matchers for consumer contracts: ``from accord import match`` (see ``accord.consumer.match``)."""

from __future__ import annotations

from accord.consumer.match import *  # noqa: F403
from accord.consumer.match import __all__ as __all__
