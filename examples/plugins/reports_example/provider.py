"""The provider: a Flask app serving the sales report as CSV and its settings as properties."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import Flask, Response


@dataclass
class Store:
    sales: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    settings: dict[str, str] = field(
        default_factory=lambda: {"currency": "EUR", "timeout": "30", "region": "eu-west-1"}
    )


def create_app(store: Store) -> Flask:
    app = Flask("reports")

    @app.get("/reports/<month>/sales.csv")
    def sales(month: str) -> Response:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["day", "product", "amount"])  # the consumer reads columns by name
        for product, amount, day in store.sales.get(month, []):
            writer.writerow([day, product, amount])
        return Response(out.getvalue(), mimetype="text/csv")

    @app.get("/settings")
    def settings() -> Response:
        text = "# report settings\n" + "".join(f"{k}={v}\n" for k, v in store.settings.items())
        return Response(text, content_type="text/x-java-properties")

    return app
