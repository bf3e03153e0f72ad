"""The JSON report of a verification run (``VerificationResult.to_json()`` written to a file)."""

from __future__ import annotations

import json
from pathlib import Path

from accord.verifier.results import VerificationResult
from accord.verifier.runner import Event, RunFinished

__all__ = ["JsonReporter", "write_json"]


def write_json(result: VerificationResult, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return target


class JsonReporter:
    """Writes the JSON report when the run finishes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            write_json(event.result, self.path)
