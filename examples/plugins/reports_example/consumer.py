"""The consumer: an httpx client that reads a CSV report and a ``.properties`` settings file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import TracebackType

import httpx


@dataclass(frozen=True)
class Sale:
    product: str
    amount: Decimal
    day: date


class ReportsClient:
    def __init__(self, base_url: str) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=5.0)

    def sales(self, month: str) -> list[Sale]:
        """The month's sales: a CSV with a header row ``product,amount,day``."""
        response = self._http.get(f"/reports/{month}/sales.csv", headers={"Accept": "text/csv"})
        response.raise_for_status()
        rows = csv.DictReader(io.StringIO(response.text))
        return [
            Sale(row["product"], Decimal(row["amount"]), date.fromisoformat(row["day"]))
            for row in rows
        ]

    def settings(self) -> dict[str, str]:
        """The report settings, a Java-style ``key=value`` properties file."""
        response = self._http.get("/settings", headers={"Accept": "text/x-java-properties"})
        response.raise_for_status()
        out = {}
        for line in response.text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                out[key.strip()] = value.strip()
        return out

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ReportsClient:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()
