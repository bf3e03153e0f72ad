"""Sizes people write in settings: ``10485760``, ``10MB``, ``512kb``, ``1g`` (binary units)."""

from __future__ import annotations

__all__ = ["parse_size"]


def parse_size(text: str) -> int:
    """The number of bytes ``text`` names; ``ValueError`` with a readable message otherwise."""
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    factor = 1
    for suffix, multiplier in (("k", 1024), ("m", 1024**2), ("g", 1024**3)):
        if value.endswith(suffix):
            value, factor = value[:-1], multiplier
            break
    try:
        number = int(value.strip()) * factor
    except ValueError:
        raise ValueError(f"{text!r} is not a size (write e.g. 10485760, 10MB or 512KB)") from None
    if number <= 0:
        raise ValueError(f"the size must be positive, not {text!r}")
    return number
