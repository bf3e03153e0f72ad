"""Broker settings, from arguments or ``ACCORD_BROKER_*`` environment variables."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from accord.broker.storage.db import DEFAULT_DATABASE_URL

__all__ = ["BrokerConfig"]


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass
class BrokerConfig:
    database_url: str = DEFAULT_DATABASE_URL
    base_url: str | None = None
    username: str | None = None
    password: str | None = None
    read_only_username: str | None = None
    read_only_password: str | None = None
    #: sha256 hex digests of bearer tokens, by scope ("read" or "write")
    tokens: dict[str, str] = field(default_factory=dict)
    allow_public_read: bool = False
    public_heartbeat: bool = True
    public_badges: bool = True
    allow_dangerous_contract_modification: bool = False
    check_for_potential_duplicate_pacticipant_names: bool = True
    webhook_scheme_whitelist: tuple[str, ...] = ("https", "http")
    webhook_method_whitelist: tuple[str, ...] = ("POST", "GET", "PUT")
    run_webhooks: bool = True
    migrate_on_start: bool = True

    @classmethod
    def from_env(cls, **overrides: object) -> BrokerConfig:
        env = os.environ.get
        tokens: dict[str, str] = {}
        for token in filter(None, (env("ACCORD_BROKER_WRITE_TOKENS") or "").split(",")):
            tokens[hash_token(token.strip())] = "write"
        for token in filter(None, (env("ACCORD_BROKER_READ_TOKENS") or "").split(",")):
            tokens[hash_token(token.strip())] = "read"
        config = cls(
            database_url=env("ACCORD_BROKER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            base_url=env("ACCORD_BROKER_BASE_URL") or None,
            username=env("ACCORD_BROKER_USERNAME") or None,
            password=env("ACCORD_BROKER_PASSWORD") or None,
            read_only_username=env("ACCORD_BROKER_READ_ONLY_USERNAME") or None,
            read_only_password=env("ACCORD_BROKER_READ_ONLY_PASSWORD") or None,
            tokens=tokens,
            allow_public_read=_env_bool("ACCORD_BROKER_ALLOW_PUBLIC_READ", False),
            allow_dangerous_contract_modification=_env_bool(
                "ACCORD_BROKER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION", False
            ),
            check_for_potential_duplicate_pacticipant_names=_env_bool(
                "ACCORD_BROKER_CHECK_FOR_POTENTIAL_DUPLICATE_PACTICIPANT_NAMES", True
            ),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(config, key, value)
        return config

    @property
    def auth_enabled(self) -> bool:
        return bool(self.username or self.read_only_username or self.tokens)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
