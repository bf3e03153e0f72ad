"""The per-scenario state the steps share (one fresh ``World`` per test)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.model import SpecVersion

__all__ = ["World"]


@dataclass
class World:
    spec: SpecVersion
    tmp: Path
    # HTTP: the Background's numbered interactions
    interactions: dict[int, Any] = field(default_factory=dict)
    # consumer (mock server)
    mock: Any = None
    mock_error: BaseException | None = None
    responses: list[Any] = field(default_factory=list)
    pact_file: Path | None = None
    # a single interaction being defined (V3/V4 consumer scenarios)
    interaction: Any = None
    # provider verification
    provider: Any = None
    pact_files: list[Path] = field(default_factory=list)
    broker: Any = None
    from_broker: bool = False
    publish: bool = False
    state_callback: Any = None
    request_filter_headers: list[tuple[str, str]] = field(default_factory=list)
    result: Any = None
    output: str = ""
    # matching
    expected: Any = None
    actual: list[Any] = field(default_factory=list)
    match_results: list[Any] = field(default_factory=list)
    # generators
    generated: Any = None
    generator_mode: str = "consumer"
    context: dict[str, Any] = field(default_factory=dict)
    # messages
    received: Any = None
    handler_error: BaseException | None = None
    # interactions defined one by one (V3/V4 consumer scenarios)
    defined: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    cleanup: list[Callable[[], None]] = field(default_factory=list)
