"""Broker settings, from arguments or ``ACCORD_BROKER_*`` environment variables."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from accord.broker.services.webhook_policy import (
    DEFAULT_POLICY,
    DEFAULT_RETRY_SCHEDULE,
    WebhookPolicy,
    parse_codes,
    parse_list,
    parse_numbers,
    parse_seconds,
)
from accord.broker.storage.db import DEFAULT_DATABASE_URL

__all__ = ["WEBHOOK_ENV", "BrokerConfig"]


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
    #: the official broker's webhook whitelists and delivery settings (same defaults)
    webhook_scheme_whitelist: tuple[str, ...] = DEFAULT_POLICY.schemes
    webhook_method_whitelist: tuple[str, ...] = DEFAULT_POLICY.methods
    webhook_host_whitelist: tuple[str, ...] = DEFAULT_POLICY.hosts
    webhook_http_code_success: tuple[int, ...] = DEFAULT_POLICY.success_codes
    webhook_retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    webhook_timeout: float = DEFAULT_POLICY.timeout
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
        for name, (attribute, parse) in WEBHOOK_ENV.items():
            raw = env(name)
            if raw is not None and raw.strip():
                setattr(config, attribute, parse(raw, name))
        for key, value in overrides.items():
            if value is not None:
                setattr(config, key, value)
        return config

    def webhook_policy(self) -> WebhookPolicy:
        """What webhooks may do: the whitelists, success codes and timeout."""
        return WebhookPolicy(
            schemes=tuple(s.lower() for s in self.webhook_scheme_whitelist),
            methods=tuple(m.upper() for m in self.webhook_method_whitelist),
            hosts=tuple(self.webhook_host_whitelist),
            success_codes=tuple(int(c) for c in self.webhook_http_code_success),
            timeout=self.webhook_timeout,
        )

    @property
    def auth_enabled(self) -> bool:
        return bool(self.username or self.read_only_username or self.tokens)


#: environment variable → (BrokerConfig attribute, parser); named after the official settings
WEBHOOK_ENV: dict[str, tuple[str, Callable[[str, str], object]]] = {
    "ACCORD_BROKER_WEBHOOK_SCHEME_WHITELIST": ("webhook_scheme_whitelist", parse_list),
    "ACCORD_BROKER_WEBHOOK_HTTP_METHOD_WHITELIST": ("webhook_method_whitelist", parse_list),
    "ACCORD_BROKER_WEBHOOK_HOST_WHITELIST": ("webhook_host_whitelist", parse_list),
    "ACCORD_BROKER_WEBHOOK_HTTP_CODE_SUCCESS": ("webhook_http_code_success", parse_codes),
    "ACCORD_BROKER_WEBHOOK_RETRY_SCHEDULE": ("webhook_retry_schedule", parse_numbers),
    "ACCORD_BROKER_WEBHOOK_TIMEOUT": ("webhook_timeout", parse_seconds),
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
