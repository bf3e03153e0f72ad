"""The accord Pact Broker: a HAL+JSON service the official Pact clients use unchanged.

Run it with ``accord broker serve``; embed it with :func:`create_app`.
"""

from __future__ import annotations

from accord.broker.app import BrokerApp, create_app
from accord.broker.config import BrokerConfig

__all__ = ["BrokerApp", "BrokerConfig", "create_app"]
