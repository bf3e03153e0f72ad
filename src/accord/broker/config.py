"""Broker settings, from arguments or ``ACCORD_BROKER_*`` environment variables.

Settings are checked when the configuration is made (``BrokerConfigError``), so a broker never
starts with, say, an empty bearer token that anyone could send.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from collections.abc import Callable
from dataclasses import field
from urllib.parse import urlsplit

from accord import sizes
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
from accord.model.valueclass import dataclass

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_JSON_DEPTH",
    "WEBHOOK_ENV",
    "BrokerConfig",
    "BrokerConfigError",
    "hash_token",
    "parse_size",
]

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_JSON_DEPTH = 200


class BrokerConfigError(ValueError):
    """A setting that would make the broker unsafe or unusable; the message names it."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def parse_size(text: str, setting: str = "size") -> int:
    """``10485760``, ``10MB``, ``512kb``, ``1g`` → bytes (binary units)."""
    try:
        return sizes.parse_size(text)
    except ValueError as exc:
        raise BrokerConfigError(f"{setting}: {exc}") from None


def _tokens_from(variable: str, scope: str) -> dict[str, str]:
    raw = os.environ.get(variable)
    if raw is None or raw == "":
        return {}
    tokens: dict[str, str] = {}
    for position, token in enumerate(raw.split(","), start=1):
        if not token.strip():
            raise BrokerConfigError(
                f"{variable} has an empty token at position {position}: an empty bearer token "
                "would let anybody in. Remove the stray comma or space."
            )
        if token != token.strip():
            raise BrokerConfigError(
                f"{variable}: token {position} starts or ends with white space; "
                "separate tokens with a comma only."
            )
        tokens[hash_token(token)] = scope
    return tokens


def _env_text(name: str) -> str | None:
    """An environment variable; unset and exactly empty both mean "not set"."""
    value = os.environ.get(name)
    return value if value else None


@dataclass
class BrokerConfig:
    database_url: str = DEFAULT_DATABASE_URL
    #: fixed public URL for links; when set, request headers never change links
    base_url: str | None = None
    username: str | None = None
    password: str | None = None
    read_only_username: str | None = None
    read_only_password: str | None = None
    #: sha256 hex digests of bearer tokens, by scope ("read" or "write")
    tokens: dict[str, str] = field(default_factory=dict)
    allow_public_read: bool = False
    #: the heartbeat answers without credentials (for load balancers); off as in the official broker
    public_heartbeat: bool = False
    #: badges answer without credentials (for READMEs); off as in the official broker
    public_badges: bool = False
    #: proxies (IP addresses or networks, or "*") whose X-Forwarded-* headers are believed
    forwarded_allow_ips: tuple[str, ...] = ()
    #: largest request body accepted (413 above it)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: deepest JSON nesting accepted (400 above it)
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
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

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``BrokerConfigError`` for settings that would open the broker by mistake."""
        for user_key, password_key, kind in (
            ("username", "password", "ACCORD_BROKER_USERNAME/ACCORD_BROKER_PASSWORD"),
            (
                "read_only_username",
                "read_only_password",
                "ACCORD_BROKER_READ_ONLY_USERNAME/ACCORD_BROKER_READ_ONLY_PASSWORD",
            ),
        ):
            user, password = getattr(self, user_key), getattr(self, password_key)
            if user is None and password is None:
                continue
            if user is None or password is None:
                missing = user_key if user is None else password_key
                raise BrokerConfigError(f"{kind}: {missing} is missing; set both or neither.")
            if not user.strip() or not password.strip():
                empty = user_key if not user.strip() else password_key
                raise BrokerConfigError(f"{kind}: {empty} is empty or only white space.")
            if ":" in user:
                raise BrokerConfigError(f"{kind}: a basic-auth user name cannot contain ':'.")
        if self.username is not None and self.username == self.read_only_username:
            raise BrokerConfigError(
                "The read-only user has the same name as the read-write user; give them "
                "different names."
            )
        if hash_token("") in self.tokens:
            raise BrokerConfigError("An empty bearer token is configured; remove it.")
        bad_scopes = {s for s in self.tokens.values() if s not in ("read", "write")}
        if bad_scopes:
            raise BrokerConfigError(f"Token scopes must be 'read' or 'write', not {bad_scopes}.")
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise BrokerConfigError(
                    f"ACCORD_BROKER_BASE_URL: {self.base_url!r} is not an http(s) URL "
                    "(write e.g. https://pact.example.com)."
                )
        for entry in self.forwarded_allow_ips:
            if entry != "*":
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise BrokerConfigError(
                        f"ACCORD_BROKER_FORWARDED_ALLOW_IPS: {entry!r} is not an IP address or "
                        "network (write e.g. 10.0.0.5,10.1.0.0/16, or * to trust every client)."
                    ) from None
        if self.max_body_bytes <= 0:
            raise BrokerConfigError("The maximum request body size must be positive.")
        if self.max_json_depth <= 1:
            raise BrokerConfigError("The maximum JSON depth must be at least 2.")

    @classmethod
    def from_env(cls, **overrides: object) -> BrokerConfig:
        env = _env_text
        tokens = _tokens_from("ACCORD_BROKER_WRITE_TOKENS", "write")
        read_tokens = _tokens_from("ACCORD_BROKER_READ_TOKENS", "read")
        both = set(tokens) & set(read_tokens)
        if both:
            raise BrokerConfigError(
                "The same token is in ACCORD_BROKER_WRITE_TOKENS and ACCORD_BROKER_READ_TOKENS."
            )
        tokens.update(read_tokens)
        allow_ips = tuple(
            entry.strip()
            for entry in (env("ACCORD_BROKER_FORWARDED_ALLOW_IPS") or "").split(",")
            if entry.strip()
        )
        max_body = env("ACCORD_BROKER_MAX_BODY_SIZE")
        max_depth = env("ACCORD_BROKER_MAX_JSON_DEPTH")
        try:
            depth = int(max_depth) if max_depth else DEFAULT_MAX_JSON_DEPTH
        except ValueError:
            raise BrokerConfigError(
                f"ACCORD_BROKER_MAX_JSON_DEPTH: {max_depth!r} is not a whole number"
            ) from None
        values: dict[str, object] = dict(
            database_url=env("ACCORD_BROKER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            base_url=env("ACCORD_BROKER_BASE_URL"),
            username=env("ACCORD_BROKER_USERNAME"),
            password=env("ACCORD_BROKER_PASSWORD"),
            read_only_username=env("ACCORD_BROKER_READ_ONLY_USERNAME"),
            read_only_password=env("ACCORD_BROKER_READ_ONLY_PASSWORD"),
            tokens=tokens,
            allow_public_read=_env_bool("ACCORD_BROKER_ALLOW_PUBLIC_READ", False),
            public_heartbeat=_env_bool("ACCORD_BROKER_PUBLIC_HEARTBEAT", False),
            public_badges=_env_bool("ACCORD_BROKER_PUBLIC_BADGES", False),
            forwarded_allow_ips=allow_ips,
            max_body_bytes=(
                parse_size(max_body, "ACCORD_BROKER_MAX_BODY_SIZE")
                if max_body
                else DEFAULT_MAX_BODY_BYTES
            ),
            max_json_depth=depth,
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
                try:
                    values[attribute] = parse(raw, name)
                except ValueError as exc:
                    raise BrokerConfigError(str(exc)) from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

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
