"""The broker's clock and its one time format, shared by every layer (storage stamps rows with
``now()``; api and ui render times with ``iso()``), so storage needs no HTTP code."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["iso", "now"]


def now() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO-8601 in UTC with an explicit offset, as the official broker renders times."""
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()
