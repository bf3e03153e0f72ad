"""Is what a pact describes at a place within what a schema of the document allows?

The pact's value is walked together with the schema. Where the pact has no matching rule the
value is literal and must be a valid instance (type, enum, format, pattern, bounds). Where a
rule applies (``type``, ``regex``, ``integer``, a date, ...) the value is only an example: what
the consumer relies on is its *type*, so only the type is compared (a ``regex`` on a field
whose schema has an ``enum`` is fine; a ``decimal`` where the document promises an integer is
not). A rule on an array cascades to its elements, which are each checked against ``items``.

Two modes: ``response`` (the consumer's partial view of what the provider sends: a field the
document does not describe is an error, a missing ``required`` field only a warning, a value
fitting several ``oneOf`` alternatives is fine) and ``request`` (a complete instance the
consumer sends: missing required fields are errors, ``oneOf`` means exactly one).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import field
from typing import Any, Literal

from accord.matching.rules import RuleIndex
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.valueclass import dataclass
from accord.openapi.document import OpenApiDocument, OpenApiError, escape_pointer
from accord.openapi.findings import Finding, body_path

__all__ = ["Mode", "SchemaCheck", "json_type"]

Mode = Literal["request", "response"]

# Rule kinds that make the value a string of some kind, and those that fix a JSON type.
_STRING_RULES = frozenset({"regex", "include", "date", "time", "timestamp", "semver"})
_TYPED_RULES = {"integer": "integer", "decimal": "decimal", "number": "any-number",
                "boolean": "boolean", "null": "null"}
_IGNORED_RULES = frozenset({"contentType", "statusCode"})
_LEAF_KEYWORDS = frozenset({"enum", "const", "format", "pattern", "minLength", "maxLength",
                            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                            "multipleOf"})


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass
class SchemaCheck:
    """One walk of a pact value against a schema; ``findings`` collects what it finds."""

    doc: OpenApiDocument
    mode: Mode
    prefix: str  # "response.body", "request.query.limit"
    rules: RuleIndex | None = None
    allow_undocumented: bool = False
    _format_checker: Any = field(default=None, repr=False)

    def run(self, value: JsonValue, schema: JsonValue, pointer: str) -> list[Finding]:
        """What is wrong with ``value`` against ``schema`` (found at ``pointer``)."""
        return self._check(value, (), schema, pointer, frozenset(), frozenset())

    # -- the walk ---------------------------------------------------------------------------

    def _check(self, value: Any, loc: tuple[str | int, ...], schema: Any, ptr: str,
               active: frozenset[tuple[str, int]], inherited: frozenset[str]) -> list[Finding]:
        if isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if (ptr, len(loc)) in active:
                if set(schema) == {"$ref"}:  # A: {$ref: A}: no schema anywhere on the loop
                    return [self._finding("unchecked", "ref-cycle", loc,
                                          f"$ref {ref!r} only leads back to itself", ptr)]
                return []  # a cycle through allOf at one place adds nothing new
            try:
                target, target_ptr = self.doc.target(str(ref), ptr)
            except OpenApiError as exc:
                return [self._finding("unchecked", "unresolvable-ref", loc, str(exc), ptr)]
            active = active | {(ptr, len(loc))}
            issues = self._check(value, loc, target, target_ptr, active, inherited)
            siblings = {k: v for k, v in schema.items()
                        if k not in ("$ref", "description", "summary")}
            if siblings and self.doc.dialect == "3.1":
                issues += self._check(value, loc, siblings, ptr, active, inherited)
            return issues
        if schema is True or schema == {}:
            return []
        if schema is False:
            return [self._finding("error", "not-allowed", loc,
                                  "the document allows no value here (schema: false)", ptr)]
        if not isinstance(schema, dict):
            return [self._finding("unchecked", "bad-schema", loc,
                                  f"the schema here is not an object: {schema!r}", ptr)]

        expected, literal = self._expectation(value, loc)
        issues = self._check_type(value, loc, schema, ptr, expected)
        if any(i.severity == "error" for i in issues):
            return issues  # the wrong type: the rest would only repeat it
        if literal:
            issues += self._check_leaf(value, loc, schema, ptr)
        known = inherited
        if isinstance(value, dict):
            known = inherited | self._all_of_properties(schema, ptr, set())
            issues += self._check_object(value, loc, schema, ptr, active, known)
        elif isinstance(value, list):
            issues += self._check_array(value, loc, schema, ptr, active, literal)
        for i, sub in enumerate(schema.get("allOf") or ()):
            issues += self._check(value, loc, sub, f"{ptr}/allOf/{i}", active, known)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                issues += self._alternatives(value, loc, schema, keyword, ptr, active, known)
        if "not" in schema and literal and not _errors(
                self._check(value, loc, schema["not"], ptr + "/not", active, frozenset())):
            issues.append(self._finding("error", "not", loc,
                                        "the value is one the document excludes ('not')",
                                        ptr + "/not"))
        return issues

    def _expectation(self, value: Any, loc: tuple[str | int, ...]) -> tuple[str, bool]:
        """The JSON type the pact expects here, and whether the value itself is expected."""
        actual = json_type(value)
        if self.rules is None or self.mode == "request":
            return actual, True
        selected = self.rules.best(loc)
        if selected is None:
            return actual, True
        kinds = [r.kind for r in selected.effective() if r.kind not in _IGNORED_RULES]
        if not kinds or all(k == "equality" for k in kinds):
            return actual, True
        if selected.combine == "OR" or len(set(kinds)) > 1:
            return actual, False
        kind = kinds[0]
        if kind in _STRING_RULES:
            return "string", False
        if kind in _TYPED_RULES:
            return _TYPED_RULES[kind], False
        return actual, False  # type, min/max, values, eachKey/eachValue, arrayContains, ...

    # -- types ------------------------------------------------------------------------------

    def allowed_types(self, schema: JsonMapping) -> set[str] | None:
        """The types the schema allows (None: any); integer is within number."""
        raw = schema.get("type")
        if raw is None:
            types = None
        elif isinstance(raw, list):
            types = {str(t) for t in raw}
        else:
            types = {str(raw)}
        if types is not None and self.doc.dialect == "3.0" and schema.get("nullable") is True:
            types.add("null")
        if types is None and "enum" in schema and None in (schema.get("enum") or ()):
            return None
        return types

    def _check_type(self, value: Any, loc: tuple[str | int, ...], schema: Mapping[str, Any],
                    ptr: str, expected: str) -> list[Finding]:
        types = self.allowed_types(schema)
        if types is None:
            return []
        fits = (
            expected in types
            or (expected == "integer" and "number" in types)
            or (expected == "decimal" and "number" in types)
            or (expected == "any-number" and bool({"integer", "number"} & types))
        )
        if fits:
            return []
        if expected == "null":
            return [self._null_finding(loc, schema, ptr)]
        shown = {"decimal": "a decimal number", "any-number": "a number"}.get(
            expected, _article(expected))
        if expected == json_type(value) and not isinstance(value, (dict, list)):
            shown += f" ({_show(value)})"
        why = "" if self.rules is None or self.mode == "request" else _rule_note(
            self.rules, loc)
        return [self._finding(
            "error", "type-mismatch", loc,
            f"the pact has {shown}{why}, the document says {' or '.join(sorted(types))}",
            ptr + "/type")]

    def _null_finding(self, loc: tuple[str | int, ...], schema: Mapping[str, Any],
                      ptr: str) -> Finding:
        hint = ("add 'nullable: true'" if self.doc.dialect == "3.0"
                else "add \"null\" to 'type'")
        return self._finding("error", "null-not-allowed", loc,
                             f"the pact has null, the document does not allow null here ({hint})",
                             ptr)

    # -- literal values ---------------------------------------------------------------------

    def _check_leaf(self, value: Any, loc: tuple[str | int, ...], schema: Mapping[str, Any],
                    ptr: str) -> list[Finding]:
        if _LEAF_KEYWORDS.isdisjoint(schema):
            return []
        out: list[Finding] = []

        def fail(code: str, keyword: str, message: str) -> None:
            out.append(self._finding("error", code, loc, message, f"{ptr}/{keyword}"))

        enum = schema.get("enum")
        # nullable only widens 'type' (OpenAPI 3.0.3): a null must be listed in an enum too
        if isinstance(enum, list) and not any(_same(value, option) for option in enum):
            fail("enum", "enum", f"{_show(value)} is not one of the documented values "
                 f"{_show(enum)}")
        if "const" in schema and not _same(value, schema["const"]):
            fail("const", "const", f"{_show(value)} is not the documented value "
                 f"{_show(schema['const'])}")
        if isinstance(value, str):
            fmt = schema.get("format")
            if isinstance(fmt, str) and not self._conforms(value, fmt):
                fail("format", "format", f"{_show(value)} is not a valid {fmt!r}")
            pattern = schema.get("pattern")
            if isinstance(pattern, str):
                try:
                    if re.search(pattern, value) is None:
                        fail("pattern", "pattern",
                             f"{_show(value)} does not match the pattern {pattern!r}")
                except re.error:
                    out.append(self._finding("unchecked", "bad-pattern", loc,
                                             f"the document's pattern {pattern!r} is not a "
                                             "regular expression Python can read",
                                             f"{ptr}/pattern"))
            if _is_int(schema.get("minLength")) and len(value) < schema["minLength"]:
                fail("min-length", "minLength",
                     f"{_show(value)} is shorter than {schema['minLength']} characters")
            if _is_int(schema.get("maxLength")) and len(value) > schema["maxLength"]:
                fail("max-length", "maxLength",
                     f"{_show(value)} is longer than {schema['maxLength']} characters")
        elif _is_number(value):
            out += self._check_number(value, loc, schema, ptr)
            fmt = schema.get("format")
            if isinstance(fmt, str) and not self._conforms(value, fmt):
                fail("format", "format", f"{_show(value)} is not a valid {fmt!r}")
        return out

    def _check_number(self, value: float, loc: tuple[str | int, ...],
                      schema: Mapping[str, Any], ptr: str) -> list[Finding]:
        out: list[Finding] = []
        low, high = schema.get("minimum"), schema.get("maximum")
        ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if ex_low is True:  # 3.0: a flag on minimum
            ex_low, low = low, None
        if ex_high is True:
            ex_high, high = high, None
        checks = (
            ("minimum", low, lambda b: value < b, "less than"),
            ("maximum", high, lambda b: value > b, "greater than"),
            ("exclusiveMinimum", ex_low, lambda b: value <= b, "not greater than"),
            ("exclusiveMaximum", ex_high, lambda b: value >= b, "not less than"),
        )
        for keyword, bound, broken, words in checks:
            if isinstance(bound, (int, float)) and not isinstance(bound, bool) and broken(bound):
                where = keyword if keyword in schema and schema[keyword] is not True else (
                    "minimum" if "Min" in keyword else "maximum")
                out.append(self._finding("error", "range", loc,
                                         f"{_show(value)} is {words} {bound}", f"{ptr}/{where}"))
        step = schema.get("multipleOf")
        if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
            quotient = value / step
            if not math.isclose(quotient, round(quotient), rel_tol=1e-9, abs_tol=1e-9):
                out.append(self._finding("error", "multiple-of", loc,
                                         f"{_show(value)} is not a multiple of {step}",
                                         f"{ptr}/multipleOf"))
        return out

    def _conforms(self, value: Any, fmt: str) -> bool:
        if self._format_checker is None:
            from openapi_schema_validator import oas30_format_checker, oas31_format_checker

            self._format_checker = (oas31_format_checker if self.doc.dialect == "3.1"
                                    else oas30_format_checker)
        try:
            return bool(self._format_checker.conforms(value, fmt))
        except Exception:  # a format checker that cannot judge this value
            return True

    # -- objects and arrays -----------------------------------------------------------------

    def _all_of_properties(self, schema: Mapping[str, Any], ptr: str,
                           seen: set[str]) -> frozenset[str]:
        """Property names of ``schema`` and of its ``allOf`` parts (through ``$ref``)."""
        cached = self.doc.memo.get(("allOf-properties", ptr))
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        if ptr in seen:
            return frozenset()
        seen.add(ptr)
        names = set((schema.get("properties") or {}).keys()) if isinstance(
            schema.get("properties"), Mapping) else set()
        for i, sub in enumerate(schema.get("allOf") or ()):
            try:
                target, at = self.doc.resolve(sub, f"{ptr}/allOf/{i}")
            except OpenApiError:
                continue
            if isinstance(target, dict):
                names |= self._all_of_properties(target, at, seen)
        found = frozenset(names)
        self.doc.memo[("allOf-properties", ptr)] = found
        return found

    def _check_object(self, value: Mapping[str, Any], loc: tuple[str | int, ...],
                      schema: Mapping[str, Any], ptr: str,
                      active: frozenset[tuple[str, int]], known: frozenset[str]) -> list[Finding]:
        out: list[Finding] = []
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        for key, child in value.items():
            if key in properties:
                out += self._check_property(child, (*loc, key), properties[key],
                                            f"{ptr}/properties/{escape_pointer(key)}", active)
            else:
                out += self._check_other_field(key, child, (*loc, key), schema, ptr, active,
                                               known)
        out += self._check_property_count(value, loc, schema, ptr)
        out += self._check_required(value, loc, schema, ptr)
        return out

    def _check_property(self, child: Any, child_loc: tuple[str | int, ...], prop: Any,
                        prop_ptr: str, active: frozenset[tuple[str, int]]) -> list[Finding]:
        """A field the schema names in ``properties``: its readOnly/writeOnly, then its value."""
        out: list[Finding] = []
        try:
            resolved, _ = self.doc.resolve(prop, prop_ptr)
        except OpenApiError:
            resolved = {}
        if isinstance(resolved, dict):
            if self.mode == "response" and resolved.get("writeOnly") is True:
                out.append(self._finding(
                    "error", "write-only", child_loc,
                    "the pact expects a field the document marks writeOnly: the "
                    "provider never sends it", prop_ptr))
            if self.mode == "request" and resolved.get("readOnly") is True:
                out.append(self._finding(
                    "warning", "read-only", child_loc,
                    "the pact sends a field the document marks readOnly", prop_ptr))
        return out + self._check(child, child_loc, prop, prop_ptr, active, frozenset())

    def _check_other_field(self, key: str, child: Any, child_loc: tuple[str | int, ...],
                           schema: Mapping[str, Any], ptr: str,
                           active: frozenset[tuple[str, int]],
                           known: frozenset[str]) -> list[Finding]:
        """A field ``properties`` does not name: patternProperties, additionalProperties, or
        undocumented."""
        out: list[Finding] = []
        patterns = schema.get("patternProperties")
        patterns = patterns if isinstance(patterns, Mapping) else {}
        additional = schema.get("additionalProperties", None)
        describes = "properties" in schema or "additionalProperties" in schema or bool(patterns)
        matched = False
        for pattern, sub in patterns.items():
            try:
                hit = re.search(str(pattern), str(key)) is not None
            except re.error:
                hit = False
            if hit:
                matched = True
                out += self._check(child, child_loc, sub,
                                   f"{ptr}/patternProperties/{escape_pointer(pattern)}",
                                   active, frozenset())
        if matched or key in known:
            return out
        if isinstance(additional, Mapping):
            out += self._check(child, child_loc, additional, f"{ptr}/additionalProperties",
                               active, frozenset())
        elif additional is False:
            out.append(self._finding(
                "error", "undocumented-field", child_loc,
                f"the document does not allow field {key!r} (additionalProperties: false)",
                f"{ptr}/additionalProperties"))
        elif describes and additional is None:
            if self.mode == "response":
                severity: Literal["error", "warning"] = (
                    "warning" if self.allow_undocumented else "error")
                out.append(self._finding(
                    severity, "undocumented-field", child_loc,
                    f"the pact expects field {key!r}, which the document does not "
                    "describe: the provider never promised to send it", f"{ptr}/properties"))
            else:
                out.append(self._finding(
                    "warning", "undocumented-field", child_loc,
                    f"the pact sends field {key!r}, which the document does not describe",
                    f"{ptr}/properties"))
        return out

    def _check_property_count(self, value: Mapping[str, Any], loc: tuple[str | int, ...],
                              schema: Mapping[str, Any], ptr: str) -> list[Finding]:
        out: list[Finding] = []
        if self._literal_keys(loc):
            count = len(value)
            bounds = [("maxProperties", count.__gt__, "at most")]
            if self.mode == "request":  # a response in a pact may show only some fields
                bounds.append(("minProperties", count.__lt__, "at least"))
            for keyword, broken, words in bounds:
                bound = schema.get(keyword)
                if isinstance(bound, int) and not isinstance(bound, bool) and broken(bound):
                    out.append(self._finding("error", "property-count", loc,
                                             f"the pact has {count} fields, the document "
                                             f"allows {words} {bound}", f"{ptr}/{keyword}"))
        return out

    def _check_required(self, value: Mapping[str, Any], loc: tuple[str | int, ...],
                        schema: Mapping[str, Any], ptr: str) -> list[Finding]:
        out: list[Finding] = []
        required = schema.get("required")
        if isinstance(required, list) and not self._loose_keys(loc):
            for name in required:
                if name in value:
                    continue
                if self.mode == "request":
                    out.append(self._finding(
                        "error", "required-missing", (*loc, str(name)),
                        f"the pact's request lacks the required field {name!r}",
                        f"{ptr}/required"))
                else:
                    out.append(self._finding(
                        "warning", "required-missing", (*loc, str(name)),
                        f"the document always sends {name!r}; the pact does not expect it "
                        "(fine for the consumer, but the example is not a complete response)",
                        f"{ptr}/required"))
        return out

    def _literal_keys(self, loc: tuple[str | int, ...]) -> bool:
        """Are the object's fields exactly those of the pact (no rule at this place)?"""
        if self.rules is None or self.mode == "request":
            return True
        return self.rules.best(loc) is None

    def _loose_keys(self, loc: tuple[str | int, ...]) -> bool:
        if self.rules is None or self.mode == "request":
            return False
        selected = self.rules.best(loc)
        return selected is not None and any(
            r.kind in ("values", "eachKey", "eachValue") for r in selected.effective())

    def _check_array(self, value: list[Any], loc: tuple[str | int, ...],
                     schema: Mapping[str, Any], ptr: str,
                     active: frozenset[tuple[str, int]], literal: bool) -> list[Finding]:
        out: list[Finding] = []
        prefix = schema.get("prefixItems") if self.doc.dialect == "3.1" else None
        items = schema.get("items")
        for index, element in enumerate(value):
            if isinstance(prefix, list) and index < len(prefix):
                out += self._check(element, (*loc, index), prefix[index],
                                   f"{ptr}/prefixItems/{index}", active, frozenset())
            elif isinstance(items, list):  # the old tuple form
                if index < len(items):
                    out += self._check(element, (*loc, index), items[index],
                                       f"{ptr}/items/{index}", active, frozenset())
            elif items is not None:
                out += self._check(element, (*loc, index), items, f"{ptr}/items", active,
                                   frozenset())
        if literal:
            if _is_int(schema.get("minItems")) and len(value) < schema["minItems"]:
                out.append(self._finding("error", "min-items", loc,
                                         f"the pact has {len(value)} items, the document needs "
                                         f"at least {schema['minItems']}", f"{ptr}/minItems"))
            if _is_int(schema.get("maxItems")) and len(value) > schema["maxItems"]:
                out.append(self._finding("error", "max-items", loc,
                                         f"the pact has {len(value)} items, the document allows "
                                         f"at most {schema['maxItems']}", f"{ptr}/maxItems"))
            if schema.get("uniqueItems") is True:
                seen: list[Any] = []
                for element in value:
                    if any(_same(element, other) for other in seen):
                        out.append(self._finding("error", "unique-items", loc,
                                                 f"{_show(element)} appears twice; the document "
                                                 "says the items are unique",
                                                 f"{ptr}/uniqueItems"))
                        break
                    seen.append(element)
        return out

    def _alternatives(self, value: Any, loc: tuple[str | int, ...], schema: Mapping[str, Any],
                      keyword: str, ptr: str, active: frozenset[tuple[str, int]],
                      known: frozenset[str]) -> list[Finding]:
        options = schema[keyword]
        chosen = self._discriminated(value, schema, ptr)
        if chosen is not None:
            return self._check(value, loc, chosen[0], chosen[1], active, known)
        results = []
        for i, sub in enumerate(options):
            at = f"{ptr}/{keyword}/{i}"
            results.append((at, sub, self._check(value, loc, sub, at, active, known)))
        passing = [r for r in results if not _errors(r[2])]
        if passing:
            if keyword == "oneOf" and self.mode == "request" and len(passing) > 1:
                return [self._finding(
                    "error", "one-of-ambiguous", loc,
                    f"the value fits {len(passing)} of the oneOf alternatives "
                    f"({', '.join('#' + r[0] for r in passing)}); the document wants exactly one",
                    f"{ptr}/oneOf")]
            return [f for f in passing[0][2] if f.severity == "warning"]
        reasons = []
        for at, sub, issues in results:
            first = _errors(issues)[0]
            name = _ref_name(sub) or "#" + at
            reasons.append(f"{name}: {first.pact_location}: {first.message}")
        return [self._finding(
            "error", keyword.lower().replace("of", "-of"), loc,
            f"the value fits none of the {len(options)} {keyword} alternatives — "
            + "; ".join(reasons), f"{ptr}/{keyword}")]

    def _discriminated(self, value: Any, schema: Mapping[str, Any],
                       ptr: str) -> tuple[Any, str] | None:
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, Mapping) or not isinstance(value, dict):
            return None
        name = discriminator.get("propertyName")
        tag = value.get(name) if isinstance(name, str) else None
        if not isinstance(tag, str):
            return None
        mapping = discriminator.get("mapping") or {}
        ref = mapping.get(tag) if isinstance(mapping, Mapping) else None
        if ref is None:
            ref = f"#/components/schemas/{tag}"
        elif not str(ref).startswith("#"):
            ref = f"#/components/schemas/{ref}"
        try:
            return self.doc.target(str(ref), ptr + "/discriminator")
        except OpenApiError:
            return None

    def _finding(self, severity: Literal["error", "unchecked", "warning"], code: str,
                 loc: tuple[str | int, ...], message: str, ptr: str | None) -> Finding:
        return Finding(severity, code, body_path(self.prefix, loc), message, ptr)


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity != "warning"]


def _rule_note(rules: RuleIndex, loc: tuple[str | int, ...]) -> str:
    selected = rules.best(loc)
    if selected is None:
        return ""
    kinds = sorted({r.kind for r in selected.effective()})
    return f" (matching rule: {', '.join(kinds)})"


def _article(kind: str) -> str:
    return {"integer": "an integer", "object": "an object", "array": "an array",
            "null": "null"}.get(kind, f"a {kind}")


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return str(schema["$ref"])
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


def _show(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
