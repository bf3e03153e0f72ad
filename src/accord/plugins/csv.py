"""The CSV plugin: ``text/csv`` bodies matched column by column.

Compatible in pact-file shape with the official Pact CSV plugin (pact-foundation/pact-plugins,
``plugins/csv``): the consumer configures the columns with matching definitions::

    interaction.with_plugin_contents("text/csv", {
        "csvHeaders": False,                                        # no header row
        "column:1": "matching(type,'Name')",
        "column:2": "matching(number,100)",
        "column:3": "matching(datetime, 'yyyy-MM-dd','2000-01-01')",
    })

and the pact gets the example row (``Name,100,2000-01-01``) as the body, rules and
generators under the body category keyed ``column:1`` .., and
``pluginConfiguration: {"csv": {"csvHeaders": false}}``. With ``csvHeaders`` (the default)
columns may also be named (``"column:Name": ...``), a header row is written, and the
provider's columns are found by header, in any order.

Matching: every data row the provider sends is compared with the example row, column by
column — with the column's rules when it has some, by equality otherwise. Generators
(``DateTime`` for ``matching(datetime, ...)``) replace the column in every row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from accord.errors import MatchingRuleError
from accord.matching import Mismatch
from accord.model.body import Body, BodyState
from accord.model.generators import Generator
from accord.model.jsontypes import JsonMapping
from accord.model.rules import RuleList
from accord.plugins.api import ContentMatchContext, Plugin, PluginContents, PluginError
from accord.plugins.expressions import Definition, definition_of

if TYPE_CHECKING:
    from accord.generation import GeneratorContext

__all__ = ["CsvPlugin"]

_FIELD = re.compile(r"column:\s*(?:(?P<index>\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_\-]*))\s*$")
_SETTINGS = frozenset({"csvHeaders", "content-type", "contentType", "pact:content-type"})


class CsvPlugin(Plugin):
    """Comma-separated values, one expected row standing for every row the provider sends."""

    name: ClassVar[str] = "csv"
    version: ClassVar[str] = "0.0.6"  # the official plugin version whose pact shape we write
    content_types: ClassVar[tuple[str, ...]] = ("text/csv", "application/csv")

    # ------------------------------------------------------------------ consumer side

    def configure_contents(self, content_type: str, config: JsonMapping) -> PluginContents:
        has_headers = _flag(config.get("csvHeaders", True))
        indexed: dict[int, tuple[str, Definition]] = {}
        named: list[tuple[str, Definition]] = []
        for key, value in config.items():
            if key in _SETTINGS:
                continue
            m = _FIELD.match(str(key))
            if m is None:
                raise PluginError(
                    f"csv plugin: {key!r} is not a column: use 'column:<number from 1>' or "
                    "'column:<header name>' (or the setting 'csvHeaders')"
                )
            definition = _definition(key, value)
            if m.group("index") is not None:
                index = int(m.group("index"))
                if index < 1:
                    raise PluginError(f"csv plugin: {key!r}: columns are numbered from 1")
                indexed[index] = (str(index), definition)
            else:
                if not has_headers:
                    raise PluginError(
                        f"csv plugin: {key!r} names a column by header, but csvHeaders is false"
                    )
                named.append((m.group("name"), definition))
        if not indexed and not named:
            raise PluginError("csv plugin: no columns configured (add 'column:1': ...)")
        width = max(indexed, default=0)
        columns: list[tuple[str, Definition | None]] = [
            indexed.get(i, ("", None)) for i in range(1, width + 1)
        ]
        columns.extend(named)

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        headers = [name for name, _ in columns]
        values = [d.text if d is not None else "" for _, d in columns]
        if has_headers:
            writer.writerow(headers)
        writer.writerow(values)

        rules: dict[str, RuleList] = {}
        generators: dict[str, Generator] = {}
        for name, column in columns:
            if column is None:
                continue
            if column.rules:
                rules[f"column:{name}"] = RuleList(column.rules)
            if column.generator is not None:
                generators[f"column:{name}"] = column.generator
        # The type as the test gave it: it becomes the Content-Type header the request or
        # response is matched with (the official plugin always says text/csv;charset=UTF-8).
        return PluginContents(
            body=Body.of_text(out.getvalue(), content_type.strip() or "text/csv"),
            matching_rules=rules,
            generators=generators,
            plugin_config={"csvHeaders": has_headers},
            interaction_markup=_markup(headers if has_headers else None, values),
        )

    # ------------------------------------------------------------------ matching

    def match_contents(
        self, expected: Body, actual: Body, context: ContentMatchContext
    ) -> list[Mismatch]:
        e_rows, problem = _rows(expected, "expected")
        if problem:
            return [context.mismatch("$", None, None, problem)]
        a_rows, problem = _rows(actual, "actual")
        if problem:
            return [context.mismatch("$", None, actual.text[:200], problem)]
        has_headers = _has_headers(context.plugin_config, e_rows)
        out: list[Mismatch] = []
        if not e_rows:
            if a_rows:
                out.append(context.mismatch(
                    "$", "", actual.text[:200],
                    f"Expected no CSV content, but got {len(actual.content)} bytes"))
            return out
        e_headers = e_rows[0] if has_headers else []
        expected_data = (e_rows[1:] if has_headers else e_rows) or [[]]
        # The plugin writes one example row, which stands for every row. A body with several
        # (written by hand with with_body) is a table: row n is compared with row n.
        table = len(expected_data) > 1
        template = expected_data[0]
        a_headers = a_rows[0] if has_headers and a_rows else []
        data = a_rows[1:] if has_headers else a_rows
        first_line = 2 if has_headers else 1
        position: dict[str, int] = {}
        for i, header in enumerate(a_headers):
            position.setdefault(header, i)
        if has_headers:
            for header in e_headers:
                if header not in position:
                    out.append(context.mismatch(
                        f"column:{header}", header, None,
                        f"Expected a column '{header}', but was missing (the columns are "
                        f"{', '.join(repr(h) for h in a_headers) or 'none'})"))
        if not data and template:
            out.append(context.mismatch(
                "$", ",".join(template), None, "Expected at least one row of CSV data, got none"))
            return out
        if table and len(data) != len(expected_data):
            out.append(context.mismatch(
                "$", f"{len(expected_data)} rows", f"{len(data)} rows",
                f"Expected {len(expected_data)} rows of CSV data, but got {len(data)}"))
        for offset, row in enumerate(data):
            line = first_line + offset
            if table:
                if offset >= len(expected_data):
                    break
                template = expected_data[offset]
            too_few = len(row) < len(template)
            too_many = len(row) > len(template) and not context.allow_unexpected
            if not has_headers and (too_few or too_many):
                out.append(context.mismatch(
                    f"row:{line}", f"{len(template)} columns", f"{len(row)} columns",
                    f"Expected {len(template)} columns, but row {line} has {len(row)}"))
            for index, e_value in enumerate(template):
                header = e_headers[index] if index < len(e_headers) else ""
                if has_headers:
                    at = position.get(header)
                    if at is None:
                        continue  # reported once above
                    a_value = row[at] if at < len(row) else ""
                else:
                    if index >= len(row):
                        continue  # reported as too few columns
                    a_value = row[index]
                rules = context.rules_at(f"column:{index + 1}")
                if rules is None and header and _FIELD.match(f"column:{header}"):
                    rules = context.rules_at(f"column:{header}")
                where = f"row:{line}, column:{index + 1}" + (f" ({header})" if header else "")
                if rules is not None:
                    for message in context.check(rules, e_value, a_value):
                        out.append(context.mismatch(where, e_value, a_value, message))
                elif e_value != a_value:
                    out.append(context.mismatch(
                        where, e_value, a_value,
                        f"Expected column {index + 1} value to equal '{e_value}', "
                        f"but got '{a_value}'"))
        return out

    # ------------------------------------------------------------------ generating

    def generate_contents(
        self, body: Body, generators: Mapping[str, Generator], context: GeneratorContext
    ) -> Body:
        from accord.generation import applies_in, generate_value

        rows, problem = _rows(body, "the pact's")
        if problem or not rows:
            return body
        has_headers = len(rows) > 1
        headers = rows[0] if has_headers else []
        by_column: dict[int, Generator] = {}
        for key, generator in generators.items():
            if not applies_in(generator, context.mode):
                continue
            m = _FIELD.match(key)
            if m is None:
                continue
            if m.group("index") is not None:
                by_column[int(m.group("index")) - 1] = generator
            elif m.group("name") in headers:
                by_column.setdefault(headers.index(m.group("name")), generator)
        if not by_column:
            return body
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for n, row in enumerate(rows):
            if has_headers and n == 0:
                writer.writerow(row)
                continue
            new = list(row)
            for index, generator in by_column.items():
                if index < len(new):
                    new[index] = _cell(generate_value(generator, context, new[index]))
            writer.writerow(new)
        return Body(BodyState.PRESENT, out.getvalue().encode(), body.content_type,
                    body.content_type_hint)


def _definition(key: str, value: Any) -> Definition:
    try:
        return definition_of(value)
    except MatchingRuleError as exc:
        raise PluginError(f"csv plugin: {key!r}: {exc}") from None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "")
    return bool(value)


def _has_headers(plugin_config: Mapping[str, Any], expected_rows: list[list[str]]) -> bool:
    """The interaction's ``csvHeaders`` when known; else the pact's body tells: the plugin
    writes one example row, so a second row means the first one is the header row."""
    if "csvHeaders" in plugin_config:
        return _flag(plugin_config["csvHeaders"])
    return len(expected_rows) > 1


def _rows(body: Body, which: str) -> tuple[list[list[str]], str | None]:
    if body.state is not BodyState.PRESENT:
        return [], None
    try:
        text = body.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], f"Failed to read the {which} CSV body as UTF-8: {exc}"
    try:
        return [row for row in csv.reader(io.StringIO(text)) if row], None
    except csv.Error as exc:
        return [], f"Failed to parse the {which} CSV body: {exc}"


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _markup(headers: list[str] | None, values: list[str]) -> str:
    """CommonMark for people (V4 ``interactionMarkup``), as the official plugin writes."""
    lines = ["# Data", ""]
    if headers is not None:
        lines.append("|" + "|".join(headers) + "|")
        lines.append("|" + "|".join("-" * max(len(h), 3) for h in headers) + "|")
    lines.append("|" + "|".join(values) + "|")
    return "\n".join(lines) + "\n"
