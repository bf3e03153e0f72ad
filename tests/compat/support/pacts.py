"""Writing pacts for the scenarios and reading them back as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord.errors import UnsupportedVersionError
from accord.model import Interaction, Pact, SpecVersion

__all__ = ["CONSUMER", "PROVIDER", "make_pact", "read_json", "write_pact_file"]

CONSUMER = "c"
PROVIDER = "p"


def make_pact(interactions: list[Interaction] | tuple[Interaction, ...], spec: SpecVersion,
              consumer: str = CONSUMER, provider: str = PROVIDER) -> Pact:
    return Pact(consumer=consumer, provider=provider, interactions=tuple(interactions),
                spec_version=spec)


def write_pact_file(pact: Pact, directory: Path, *, upgrade: bool = False) -> Path:
    """Write with ``accord.pactfile.write_pact`` at the pact's version.

    With ``upgrade`` (provider scenarios only), a pact an older version cannot hold (a binary
    body in V1-V3) is written as V4: those scenarios test the provider's answer, not the file.
    """
    from accord.pactfile import write_pact

    directory.mkdir(parents=True, exist_ok=True)
    try:
        return Path(write_pact(pact, directory, version=pact.spec_version))
    except UnsupportedVersionError:
        if not upgrade:
            raise
        return Path(write_pact(pact, directory, version=SpecVersion.V4))


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))
