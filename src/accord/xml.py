"""XML bodies for consumer contracts: ``from accord import xml`` or ``from accord.xml import
element`` (pact-python's ``pact.xml``; see ``accord.consumer.xml``)."""

from __future__ import annotations

from accord.consumer.xml import *  # noqa: F403
from accord.consumer.xml import __all__ as __all__
