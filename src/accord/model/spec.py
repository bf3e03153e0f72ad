"""Reading and writing pact JSON of every specification version (V1 to V4).

``load_pact`` reads any version into the one V4-shaped model; ``dump_pact`` writes the model
as any version and raises ``UnsupportedVersionError`` for what an older version cannot hold
(rather than silently dropping it). The one exception follows the official tools: V1/V2 files
are written without generators, with a ``PactDowngradeWarning``. Unknown fields are carried in
``extra`` and written back, and so are interactions that could not be read (as found).
"""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Callable, Collection, Mapping
from functools import partial
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from accord.errors import (
    AccordError,
    DocPathError,
    PactDowngradeWarning,
    PactFormatError,
    UnsupportedVersionError,
)
from accord.model.body import (
    Body,
    BodyState,
    is_text_type,
)
from accord.model.body_json import (
    decode_canonical_base64,
    is_official_binary_type,
    is_official_json_type,
    is_v4_body_object,
    read_v3_body,
    read_v4_body,
)
from accord.model.docpath import DocPath
from accord.model.generators import Generator, Generators
from accord.model.interactions import (
    AsynchronousMessage,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessageContents,
    ProviderState,
    SynchronousHttp,
    SynchronousMessages,
    UnreadableInteraction,
    find_header,
    is_content_type_key,
    message_content_type,
)
from accord.model.jsontypes import JsonObject, JsonValue
from accord.model.pact import Pact, SpecVersion
from accord.model.ruby_terms import RubyTermError, has_ruby_terms, is_ruby_term, reify, term_parts
from accord.model.rules import MatchingRules, Rule, RuleList
from accord.model.target import query_string

__all__ = [
    "MAX_NESTING",
    "dump_interaction",
    "dump_pact",
    "load_interaction",
    "load_message_contents",
    "load_pact",
    "load_request",
    "load_response",
    "parse_query_string",
]

_T = TypeVar("_T")


class _Reader:
    """Reads one document, remembering the file name for error messages.

    A strict reader raises on anything it cannot honour. A lenient one (``load_pact``'s
    default) leaves out the smallest unit instead, a matching rule or a generator, and
    records why in ``warnings`` (the current interaction's list).
    """

    def __init__(self, file: str | None, *, strict: bool = True,
                 rule_kinds: Collection[str] = ()):
        self.file = file
        self.strict = strict
        self.rule_kinds = rule_kinds  # extra matching rule kinds (a catalogue's plugins')
        self.warnings: list[str] = []

    def fail(self, message: str, pointer: str) -> PactFormatError:
        return PactFormatError(message, file=self.file, pointer=pointer)

    def drop(self, error: AccordError) -> None:
        """Leave out what ``error`` is about (a strict reader raises it instead)."""
        if self.strict:
            raise error
        self.warnings.append(f"{error} (left out)")

    def note(self, message: str, pointer: str) -> None:
        """Record something read in a way the file did not spell out (never raises)."""
        self.warnings.append(str(self.fail(message, pointer)))

    def obj(self, value: Any, pointer: str, what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(f"{what} must be a JSON object, got {_kind(value)}", pointer)
        return value

    def string(self, value: Any, pointer: str, what: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{what} must be a string, got {_kind(value)}", pointer)
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- reading


def load_pact(data: JsonValue, *, file: str | None = None, strict: bool = False,
              rule_kinds: Collection[str] = ()) -> Pact:
    """Read a pact document (already parsed JSON) of any specification version.

    What cannot be honoured fails the smallest unit: a matching rule or generator that
    cannot be read is left out (``Interaction.load_warnings`` says so), an interaction that
    cannot be read is kept in ``Pact.unreadable`` with the reason, and the rest of the pact
    is usable. Only a document that is not a pact at all raises ``PactFormatError``.
    ``strict`` raises on the first problem instead. ``rule_kinds`` are the extra matching
    rule kinds to accept (``Catalogue.rule_kinds``: those the plugins in use declare).
    """
    r = _Reader(file, strict=strict, rule_kinds=rule_kinds)
    doc = r.obj(data, "", "a pact")
    consumer = _pacticipant(r, doc, "consumer")
    provider = _pacticipant(r, doc, "provider")
    metadata = dict(r.obj(doc.get("metadata") or {}, "/metadata", "metadata"))
    version = _spec_version(r, doc, metadata)
    interactions: list[Interaction] = []
    unreadable: list[UnreadableInteraction] = []
    for section in ("interactions", "messages"):
        if section not in doc:
            continue
        items = doc[section]
        if not isinstance(items, list):
            raise r.fail(f"'{section}' must be an array", f"/{section}")
        for i, item in enumerate(items):
            ptr = f"/{section}/{i}"
            read = _async_message if section == "messages" else _interaction
            r.warnings = []
            try:
                interaction = _guarded(r, partial(read, r, item, ptr, version, i), ptr)
            except AccordError as exc:
                if strict:
                    raise
                unreadable.append(_unreadable(item, ptr, section, i, exc))
                continue
            if r.warnings:
                interaction = interaction.replace(load_warnings=tuple(r.warnings))
            interactions.append(interaction)
    known = {"consumer", "provider", "interactions", "messages", "metadata"}
    extra = {k: v for k, v in doc.items() if k not in known}
    return Pact(
        consumer=consumer,
        provider=provider,
        interactions=tuple(interactions),
        metadata=metadata,
        spec_version=version,
        extra=extra,
        unreadable=tuple(unreadable),
    )


# Deeper JSON than this is refused: the official core (serde_json) stops at 128 levels, and
# matching recurses once per level.
MAX_NESTING = 120


def _guarded(r: _Reader, read: Callable[[], Interaction], ptr: str) -> Interaction:
    """``read()``, with any failure that is not already a clear error made into one."""
    try:
        return read()
    except AccordError:
        raise
    except RecursionError:
        raise r.fail(f"nested more than {MAX_NESTING} levels deep", ptr) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a reader bug: be clear
        raise r.fail(f"cannot be read ({type(exc).__name__}: {exc})", ptr) from None


def _unreadable(item: Any, ptr: str, section: str, index: int, error: AccordError
                ) -> UnreadableInteraction:
    """An interaction that cannot be read, named as well as its JSON allows."""
    obj = item if isinstance(item, Mapping) else {}
    desc = obj.get("description")
    if not isinstance(desc, str):
        desc = f"{'Message' if section == 'messages' else 'Interaction'} {index}"
    states: list[ProviderState] = []
    raw_states = obj.get("providerStates")
    if isinstance(raw_states, list):
        for s in raw_states:
            name = s.get("name") if isinstance(s, Mapping) else s
            if isinstance(name, str):
                states.append(ProviderState(name))
    elif isinstance(obj.get("providerState"), str) and obj["providerState"]:
        states.append(ProviderState(obj["providerState"]))
    return UnreadableInteraction(
        description=desc,
        provider_states=tuple(states),
        key=obj.get("key") if isinstance(obj.get("key"), str) else None,
        pending=obj.get("pending") is True,
        reason=str(error),
        pointer=ptr,
        section=section,
        raw=item,
    )


def _pacticipant(r: _Reader, doc: Mapping[str, Any], role: str) -> str:
    if role not in doc:
        raise r.fail(f"the pact has no '{role}'", f"/{role}")
    who = r.obj(doc[role], f"/{role}", role)
    if not isinstance(who.get("name"), str) or not who["name"]:
        raise r.fail(f"the {role} needs a non-empty 'name'", f"/{role}/name")
    return str(who["name"])


def _spec_version(r: _Reader, doc: Mapping[str, Any], metadata: Mapping[str, Any]) -> SpecVersion:
    for key in ("pactSpecification", "pact-specification", "pactSpecificationVersion"):
        value = metadata.get(key)
        if isinstance(value, Mapping):
            value = value.get("version")
        if isinstance(value, str) and value:
            try:
                return SpecVersion.parse(value)
            except PactFormatError:
                raise r.fail(
                    f"unknown Pact Specification version {value!r}", f"/metadata/{key}"
                ) from None
    items = doc.get("interactions")
    if isinstance(items, list) and any(isinstance(i, Mapping) and "type" in i for i in items):
        return SpecVersion.V4
    if "messages" in doc:
        return SpecVersion.V3
    return SpecVersion.V3


def _interaction(
    r: _Reader, item: Any, ptr: str, version: SpecVersion, index: int = 0
) -> Interaction:
    obj = r.obj(item, ptr, "an interaction")
    _check_nesting(r, obj, ptr)
    kind = obj.get("type")
    if kind is None or kind == "Synchronous/HTTP":
        return _http_interaction(r, obj, ptr, version, index)
    if kind == "Asynchronous/Messages":
        return _async_message(r, obj, ptr, version, index)
    if kind == "Synchronous/Messages":
        return _sync_messages(r, obj, ptr, version, index)
    raise r.fail(
        f"unknown interaction type {kind!r} (expected Synchronous/HTTP, "
        "Asynchronous/Messages or Synchronous/Messages)",
        f"{ptr}/type",
    )


def _check_nesting(r: _Reader, obj: Any, ptr: str) -> None:
    """Refuse JSON nested deeper than ``MAX_NESTING`` (walked without recursion).

    A value at depth d is too deep when d > MAX_NESTING; only containers are pushed (a
    container's scalars are one level below it), and decoded JSON is tested by exact type
    first (an ABC ``isinstance`` per value was most of the cost of reading a large body).
    """
    stack = [(obj, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            raise r.fail(f"nested more than {MAX_NESTING} levels deep", ptr)
        kind = type(value)
        if kind is dict or (kind is not list and isinstance(value, Mapping)):
            children: Any = value.values()
        elif kind is list:
            children = value
        else:
            continue
        if not children:
            continue
        if depth + 1 > MAX_NESTING:
            raise r.fail(f"nested more than {MAX_NESTING} levels deep", ptr)
        below = depth + 1
        stack.extend((v, below) for v in children if type(v) not in _SCALARS)


_SCALARS = frozenset((str, int, float, bool, type(None)))


_COMMON = {
    "type",
    "description",
    "providerState",
    "provider_state",
    "providerStates",
    "key",
    "pending",
    "comments",
    "pluginConfiguration",
    "interactionMarkup",
    "transport",
}


def _common(
    r: _Reader, obj: Mapping[str, Any], ptr: str, known: set[str], default_description: str
) -> dict[str, Any]:
    desc = obj.get("description")
    if desc is None:
        # as the official core does: "Interaction 3" / "Message 3" (0-based position)
        desc = default_description
    elif not isinstance(desc, str):
        desc = json.dumps(desc, ensure_ascii=False)
        r.note(f"the description is not a string; read as {desc!r}", f"{ptr}/description")
    return {
        "description": desc,
        "provider_states": _provider_states(r, obj, ptr),
        "key": obj.get("key") if isinstance(obj.get("key"), str) else None,
        "pending": obj.get("pending") is True,
        "comments": _object_field(r, obj, "comments", ptr),
        "plugin_config": _object_field(r, obj, "pluginConfiguration", ptr),
        "interaction_markup": _object_field(r, obj, "interactionMarkup", ptr),
        "transport": _transport(r, obj, ptr),
        "extra": {k: v for k, v in obj.items() if k not in _COMMON and k not in known},
    }


def _transport(r: _Reader, obj: Mapping[str, Any], ptr: str) -> str | None:
    value = obj.get("transport")
    if value is not None and not isinstance(value, str):
        r.drop(r.fail(f"transport must be a string, got {_kind(value)}", f"{ptr}/transport"))
        return None
    return value


def _object_field(r: _Reader, obj: Mapping[str, Any], key: str, ptr: str) -> dict[str, Any]:
    """An optional object-valued annotation; anything else is left out (as the core does)."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        r.drop(r.fail(f"{key} must be a JSON object, got {_kind(value)}", f"{ptr}/{key}"))
        return {}
    return dict(value)


def _provider_states(r: _Reader, obj: Mapping[str, Any], ptr: str) -> tuple[ProviderState, ...]:
    """``providerStates`` (V3+) or ``providerState`` (V1/V2), read as leniently as the
    official core reads them: what it ignores is left out with a warning, what it turns
    into a name (a number) becomes that name."""
    if "providerStates" in obj:
        return _state_list(r, obj["providerStates"], f"{ptr}/providerStates")
    for key in ("providerState", "provider_state"):
        if key in obj:
            return _state_list(r, obj[key], f"{ptr}/{key}", legacy=True)
    return ()


def _state_list(
    r: _Reader, raw: Any, p: str, *, legacy: bool = False
) -> tuple[ProviderState, ...]:
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        if not legacy:
            r.note("'providerStates' should be an array; read the string as one state", p)
        return (ProviderState(raw),)
    if isinstance(raw, Mapping):
        if not legacy:
            r.note("'providerStates' should be an array; read the object as one state", p)
        return (_state(r, raw, p),)
    if isinstance(raw, list):
        return tuple(_state(r, s, f"{p}/{i}") for i, s in enumerate(raw))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and legacy:
        r.note(f"the provider state is not a string; read as {json.dumps(raw)!r}", p)
        return (ProviderState(json.dumps(raw)),)
    r.drop(r.fail(f"provider states must be an array, got {_kind(raw)}", p))
    return ()


def _state(r: _Reader, s: Any, p: str) -> ProviderState:
    if isinstance(s, str):
        return ProviderState(s)
    s = r.obj(s, p, "a provider state")
    name = s.get("name")
    if isinstance(name, (int, float)) and not isinstance(name, bool):
        r.note(f"a provider state's name is not a string; read as {json.dumps(name)!r}",
               f"{p}/name")
        name = json.dumps(name)
    name = r.string(name, f"{p}/name", "a provider state's name")
    params = s.get("params")
    if params is None:
        params = {}
    elif not isinstance(params, Mapping):
        r.drop(r.fail(f"params must be a JSON object, got {_kind(params)}", f"{p}/params"))
        params = {}
    return ProviderState(name, dict(params))


def _http_interaction(
    r: _Reader, obj: Mapping[str, Any], ptr: str, version: SpecVersion, index: int = 0
) -> SynchronousHttp:
    common = _common(r, obj, ptr, {"request", "response"}, f"Interaction {index}")
    request = _request(r, obj.get("request", {}), version, f"{ptr}/request")
    response = _response(r, obj.get("response", {}), version, f"{ptr}/response")
    return SynchronousHttp(request=request, response=response, **common)


def load_request(
    data: JsonValue,
    version: SpecVersion | str = SpecVersion.V4,
    *,
    file: str | None = None,
    pointer: str = "",
    rule_kinds: Collection[str] = (),
) -> HttpRequest:
    """Read the ``request`` object of an HTTP interaction (strictly: any problem raises)."""
    r = _Reader(file, rule_kinds=rule_kinds)
    return _request(r, data, SpecVersion.parse(version), pointer)


def _request(r: _Reader, data: Any, v: SpecVersion, pointer: str) -> HttpRequest:
    obj = r.obj(data, pointer, "a request")
    obj, ruby = _ruby_terms(r, obj, pointer, v)
    headers = _headers(r, obj.get("headers"), f"{pointer}/headers")
    query, raw_query = _query(r, obj.get("query"), f"{pointer}/query")
    rules = _with_ruby_rules(r, _rules(r, obj, pointer, v), ruby)
    return HttpRequest(
        method=r.string(obj.get("method", "GET"), f"{pointer}/method", "the method"),
        path=r.string(obj.get("path", "/"), f"{pointer}/path", "the path"),
        query=query,
        raw_query=raw_query,
        headers=headers,
        body=_body(r, obj, "body", headers, f"{pointer}/body", v),
        matching_rules=rules,
        generators=_generators(r, obj.get("generators"), f"{pointer}/generators"),
    )


def load_response(
    data: JsonValue,
    version: SpecVersion | str = SpecVersion.V4,
    *,
    file: str | None = None,
    pointer: str = "",
    rule_kinds: Collection[str] = (),
) -> HttpResponse:
    """Read the ``response`` object of an HTTP interaction (strictly: any problem raises)."""
    r = _Reader(file, rule_kinds=rule_kinds)
    return _response(r, data, SpecVersion.parse(version), pointer)


def _response(r: _Reader, data: Any, v: SpecVersion, pointer: str) -> HttpResponse:
    obj = r.obj(data, pointer, "a response")
    obj, ruby = _ruby_terms(r, obj, pointer, v)
    headers = _headers(r, obj.get("headers"), f"{pointer}/headers")
    status = obj.get("status")
    if status is not None:
        if isinstance(status, str) and status.isdigit():
            status = int(status)
        if not isinstance(status, int) or isinstance(status, bool):
            raise r.fail(f"the status must be a number, got {status!r}", f"{pointer}/status")
    return HttpResponse(
        status=status,
        headers=headers,
        body=_body(r, obj, "body", headers, f"{pointer}/body", v),
        matching_rules=_with_ruby_rules(r, _rules(r, obj, pointer, v), ruby),
        generators=_generators(r, obj.get("generators"), f"{pointer}/generators"),
    )


_RubyRule = tuple[str, str, dict[str, Any], str]  # category, key, rule JSON, pointer


def _ruby_terms(
    r: _Reader, obj: Mapping[str, Any], pointer: str, v: SpecVersion
) -> tuple[Mapping[str, Any], list[_RubyRule]]:
    """A V1/V2 request or response with the Ruby matchers in it (``Pact::Term`` ...)
    replaced by their examples, and the matching rules they stand for."""
    if v >= SpecVersion.V4 or not has_ruby_terms(obj):
        return obj, []
    out = dict(obj)
    rules: list[_RubyRule] = []
    try:
        if is_ruby_term(obj.get("path")):
            out["path"], regex = term_parts(obj["path"])
            rules.append(("path", "", {"match": "regex", "regex": regex}, f"{pointer}/path"))
        for part, category in (("headers", "header"), ("query", "query")):
            raw = obj.get(part)
            where = f"{pointer}/{part}"
            if part == "query" and is_ruby_term(raw):  # the whole query string as one term
                out[part], _ = reify(raw)
                r.note("a Pact::Term for the whole query string: its example is used, its "
                       "regular expression cannot be kept", where)
            elif isinstance(raw, Mapping) and has_ruby_terms(raw):
                values = dict(raw)
                for name, value in raw.items():
                    items = value if isinstance(value, list) else [value]
                    examples = []
                    for item in items:
                        example, found = reify(item)
                        rules.extend((category, name, rule, f"{where}/{_escape(name)}")
                                     for path, rule in found if path == "$")
                        examples.append(example)
                    values[name] = examples if isinstance(value, list) else examples[0]
                out[part] = values
        if "body" in obj and has_ruby_terms(obj["body"]):
            out["body"], found = reify(obj["body"])
            rules.extend(("body", path, rule, f"{pointer}/body") for path, rule in found)
    except RubyTermError as exc:
        raise r.fail(f"{exc}", f"{pointer}") from None
    return out, rules


def _with_ruby_rules(r: _Reader, rules: MatchingRules, ruby: list[_RubyRule]) -> MatchingRules:
    """``rules`` plus the Ruby matchers' rules (the file's own rules win on the same key)."""
    for category, key, rule, where in ruby:
        if key in rules.category(category):
            continue
        try:
            rules = rules.with_rules(category, key, RuleList((Rule.from_json(rule),)))
        except AccordError as exc:
            r.drop(r.fail(f"the Ruby matcher at {key or category}: {exc}", where))
    return rules


def load_message_contents(
    data: JsonValue,
    version: SpecVersion | str = SpecVersion.V4,
    *,
    file: str | None = None,
    pointer: str = "",
    rule_kinds: Collection[str] = (),
) -> MessageContents:
    """Read message contents: ``contents`` + ``metadata``/``metaData`` + rules + generators
    (strictly: any problem raises)."""
    r = _Reader(file, rule_kinds=rule_kinds)
    return _message_contents(r, data, SpecVersion.parse(version), pointer)


def _message_contents(r: _Reader, data: Any, v: SpecVersion, pointer: str) -> MessageContents:
    obj = r.obj(data, pointer, "a message")
    ruby: list[_RubyRule] = []
    if v < SpecVersion.V4 and has_ruby_terms(obj.get("contents")):  # Ruby message pacts
        try:
            contents, found = reify(obj["contents"])
        except RubyTermError as exc:
            raise r.fail(f"{exc}", f"{pointer}/contents") from None
        obj = {**obj, "contents": contents}
        ruby = [("body", path, rule, f"{pointer}/contents") for path, rule in found]
    metadata = obj.get("metadata", obj.get("metaData")) or {}
    if not isinstance(metadata, Mapping):  # the official core ignores it
        key = "metadata" if "metadata" in obj else "metaData"
        r.drop(r.fail(f"message metadata must be a JSON object, got {_kind(metadata)}",
                      f"{pointer}/{key}"))
        metadata = {}
    metadata = dict(metadata)
    ct = message_content_type(metadata)
    headers = {"Content-Type": (ct,)} if ct else {}
    body = _body(r, obj, "contents", headers, f"{pointer}/contents", v)
    return MessageContents(
        body=body,
        metadata=metadata,
        matching_rules=_with_ruby_rules(r, _rules(r, obj, pointer, v).rename("content", "body"),
                                        ruby),
        generators=_generators(r, obj.get("generators"), f"{pointer}/generators").rename(
            "content", "body"
        ),
    )


def _async_message(
    r: _Reader, item: Any, ptr: str, version: SpecVersion, index: int = 0
) -> AsynchronousMessage:
    """A V3 ``messages`` entry or a V4 ``Asynchronous/Messages`` interaction (same fields)."""
    obj = r.obj(item, ptr, "a message")
    _check_nesting(r, obj, ptr)
    default = f"{'Interaction' if 'type' in obj else 'Message'} {index}"
    common = _common(
        r, obj, ptr, {"contents", "metaData", "metadata", "matchingRules", "generators"}, default
    )
    contents = _message_contents(r, obj, version, ptr)
    return AsynchronousMessage(contents=contents, **common)


def _sync_messages(
    r: _Reader, obj: Mapping[str, Any], ptr: str, version: SpecVersion, index: int = 0
) -> SynchronousMessages:
    common = _common(r, obj, ptr, {"request", "response"}, f"Interaction {index}")
    request = _message_contents(r, obj.get("request", {}), version, f"{ptr}/request")
    raw = obj.get("response", [])
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        raise r.fail("'response' must be an array of messages", f"{ptr}/response")
    responses = tuple(
        _message_contents(r, m, version, f"{ptr}/response/{i}") for i, m in enumerate(raw)
    )
    return SynchronousMessages(request=request, responses=responses, **common)


def _headers(r: _Reader, raw: Any, ptr: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    obj = r.obj(raw, ptr, "headers")
    out: dict[str, tuple[str, ...]] = {}
    for name, value in obj.items():
        if isinstance(value, list) and all(_scalar(v) for v in value):
            out[name] = tuple(str(v) for v in value)
        elif _scalar(value):
            out[name] = (str(value),)
        else:
            raise r.fail(
                f"header {name!r} must be a string or an array of strings", f"{ptr}/{_escape(name)}"
            )
    return out


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def parse_query_string(text: str) -> dict[str, tuple[str | None, ...]]:
    """Parse ``a=1&b=2&a=3`` into ``{"a": ("1", "3"), "b": ("2",)}`` (order kept)."""
    out: dict[str, list[str | None]] = {}
    for part in text.lstrip("?").split("&"):
        if not part:
            continue
        if "=" in part:
            ((k, v),) = parse_qsl(part, keep_blank_values=True) or [(part.split("=")[0], "")]
            out.setdefault(k, []).append(v)
        else:
            ((k, _),) = parse_qsl(part + "=", keep_blank_values=True) or [(part, "")]
            out.setdefault(k, []).append(None)
    return {k: tuple(v) for k, v in out.items()}


def _query(
    r: _Reader, raw: Any, ptr: str
) -> tuple[dict[str, tuple[str | None, ...]] | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, str):
        return parse_query_string(raw), raw
    obj = r.obj(raw, ptr, "the query")
    out: dict[str, tuple[str | None, ...]] = {}
    for name, value in obj.items():
        if isinstance(value, list):
            out[name] = tuple(None if v is None else str(v) for v in value)
        elif value is None:
            out[name] = (None,)
        else:
            out[name] = (str(value),)
    return out, None


def _body(
    r: _Reader,
    obj: Mapping[str, Any],
    key: str,
    headers: Mapping[str, tuple[str, ...]],
    ptr: str,
    version: SpecVersion,
) -> Body:
    if key not in obj:
        return Body.missing()
    raw = obj[key]
    header_ct = next((v[0] for k, v in headers.items() if k.lower() == "content-type" and v), None)
    if version >= SpecVersion.V4 and isinstance(raw, Mapping) and is_v4_body_object(dict(raw)):
        _check_v4_body(r, raw, ptr)
        return read_v4_body(dict(raw), header_ct)
    # V1-V3, and a V4 body written the V3 way (read leniently, as the V3 reader does)
    return read_v3_body(raw, header_ct)


def _check_v4_body(r: _Reader, raw: Mapping[str, Any], ptr: str) -> None:
    """Malformed attributes the official core would read as text are errors here."""
    ct = raw.get("contentType")
    if ct is not None and not isinstance(ct, str):
        raise r.fail(f"contentType must be a string, got {_kind(ct)}", f"{ptr}/contentType")
    encoded = raw.get("encoded")
    content = raw.get("content")
    if (isinstance(encoded, str) and encoded.lower() == "base64" and content is not None
            and not isinstance(content, str)):
        raise r.fail("a base64-encoded body must be a string", f"{ptr}/content")


def _rules(r: _Reader, obj: Mapping[str, Any], ptr: str, version: SpecVersion) -> MatchingRules:
    raw = obj.get("matchingRules")
    if raw is None:
        return MatchingRules()
    p = f"{ptr}/matchingRules"
    if not isinstance(raw, Mapping):
        r.drop(r.fail(f"matchingRules must be a JSON object, got {_kind(raw)}", p))
        return MatchingRules()
    if any(isinstance(k, str) and k.startswith("$") for k in raw):
        return _v2_rules(r, raw, p)
    cats: dict[str, dict[str, RuleList]] = {}
    for cat, entries in raw.items():
        cp = f"{p}/{_escape(cat)}"
        if (
            cat in ("path", "status", "method")
            and isinstance(entries, Mapping)
            and ("matchers" in entries or "match" in entries)
        ):
            found = _rule_list(r, entries, cp)
            if found is not None:
                cats[cat] = {"": found}
            continue
        rule_lists = _keyed_entries(r, cat, entries, cp, "matching rules", _rule_list)
        if rule_lists is not None:
            cats[cat] = rule_lists
    return MatchingRules(cats)


def _rule_list(r: _Reader, data: Any, where: str) -> RuleList | None:
    """The rules for one key; a matcher that cannot be read is left out on its own."""
    if not (isinstance(data, Mapping) and "matchers" in data):
        try:
            return RuleList.from_json(data, where=where, file=r.file,
                                      extra_kinds=r.rule_kinds)
        except AccordError as exc:
            r.drop(exc)
            return None
    matchers = data["matchers"]
    combine = str(data.get("combine", "AND")).upper()
    if not isinstance(matchers, list) or combine not in ("AND", "OR"):
        try:  # RuleList says what is wrong
            return RuleList.from_json(data, where=where, file=r.file,
                                      extra_kinds=r.rule_kinds)
        except AccordError as exc:
            r.drop(exc)
            return None
    rules: list[Rule] = []
    for i, m in enumerate(matchers):
        try:
            rules.append(Rule.from_json(m, where=f"{where}/matchers/{i}", file=r.file,
                                       extra_kinds=r.rule_kinds))
        except AccordError as exc:
            r.drop(exc)
    if not rules:
        return None
    return RuleList(tuple(rules), "OR" if combine == "OR" else "AND")


def _v2_rules(r: _Reader, raw: Mapping[str, Any], ptr: str) -> MatchingRules:
    """V2 keeps rules in one flat map: ``$.body.x``, ``$.headers.X`` (or ``$.header['X']``,
    as pact-js writes), ``$.query.q``, ``$.path``."""
    cats: dict[str, dict[str, RuleList]] = {}
    for key, value in raw.items():
        where = f"{ptr}/{_escape(key)}"
        place = _v2_place(key)
        if place is None:
            r.drop(r.fail(
                f"matching rule path {key!r} does not name the body, a header, "
                "a query parameter or the path",
                where,
            ))
            continue
        category, sub = place
        if category == "body" and not _docpath_ok(r, sub, where):
            continue
        rules = _rule_list(r, value, where)
        if rules is not None:
            cats.setdefault(category, {})[sub] = rules
    return MatchingRules(cats)


def _v2_place(key: str) -> tuple[str, str] | None:
    """(category, key within it) of a V2 rule path, or None when it names nothing."""
    if key in ("$.path", "$.status", "$.method"):
        return key[2:], ""
    if key == "$.body" or key.startswith(("$.body.", "$.body[")):
        return "body", "$" + key[len("$.body") :]
    for prefix, category in (("$.headers", "header"), ("$.header", "header"),
                             ("$.query", "query")):
        rest = key[len(prefix) :]
        if key.startswith(prefix) and rest[:1] in (".", "["):
            name = _v2_name(rest[1:] if rest[0] == "." else rest)
            return (category, name) if name else None
    return None


def _docpath_ok(r: _Reader, key: str, pointer: str) -> bool:
    """Body rule and generator keys must be DocPaths: one that is not is left out."""
    try:
        DocPath.parse(key)
    except DocPathError as exc:
        r.drop(DocPathError(exc.reason, file=r.file, pointer=pointer))
        return False
    return True


def _v2_name(text: str) -> str:
    """A header or query name from a V2 rule path: ``X-Foo``, ``['X-Foo']``, ``["X-Foo"]``;
    an index after it stays (``['X-Foo'][0]`` is ``X-Foo[0]``, as pact-jvm writes it)."""
    for mark in ("'", '"'):
        end = text.find(mark + "]", 2) if text.startswith("[" + mark) else -1
        if end != -1:
            return text[2:end] + text[end + 2 :]
    return text


def _generators(r: _Reader, raw: Any, ptr: str) -> Generators:
    if raw is None:
        return Generators()
    if not isinstance(raw, Mapping):
        r.drop(r.fail(f"generators must be a JSON object, got {_kind(raw)}", ptr))
        return Generators()
    cats: dict[str, dict[str, Generator]] = {}
    for cat, entries in raw.items():
        cp = f"{ptr}/{_escape(cat)}"
        if (
            cat in ("path", "status", "method")
            and isinstance(entries, Mapping)
            and "type" in entries
        ):
            found = _generator(r, entries, cp)
            if found is not None:
                cats[cat] = {"": found}
            continue
        gens = _keyed_entries(r, cat, entries, cp, "generators", _generator)
        if gens is not None:
            cats[cat] = gens
    return Generators(cats)


def _keyed_entries(
    r: _Reader, cat: str, entries: Any, ptr: str, what: str,
    read_one: Callable[[_Reader, Any, str], _T | None],
) -> dict[str, _T] | None:
    """One category of matching rules or generators, keyed by path or name: each entry read by
    ``read_one``; an entry (or a category) that cannot be read is left out with a warning."""
    if not isinstance(entries, Mapping):
        r.drop(r.fail(f"{what} for {cat} must be a JSON object, got {_kind(entries)}", ptr))
        return None
    out: dict[str, _T] = {}
    for key, value in entries.items():
        kp = f"{ptr}/{_escape(key)}"
        if cat in ("body", "content") and not _docpath_ok(r, key, kp):
            continue
        found = read_one(r, value, kp)
        if found is not None:
            out[key] = found
    return out


def _generator(r: _Reader, value: Any, where: str) -> Generator | None:
    try:
        return Generator.from_json(value, where=where, file=r.file)
    except AccordError as exc:
        r.drop(exc)  # the official core ignores a generator it cannot read, with a warning
        return None


def _escape(token: str) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def load_interaction(
    data: JsonValue,
    version: SpecVersion | str = SpecVersion.V4,
    *,
    file: str | None = None,
    strict: bool = True,
    rule_kinds: Collection[str] = (),
) -> Interaction:
    """Read one interaction (an HTTP interaction, a V3 message or any V4 interaction).

    ``strict=False`` leaves out rules and generators that cannot be read, saying so in the
    interaction's ``load_warnings``, as ``load_pact`` does.
    """
    r, v = _Reader(file, strict=strict, rule_kinds=rule_kinds), SpecVersion.parse(version)
    obj = r.obj(data, "", "an interaction")
    if "type" not in obj and ("contents" in obj or "metaData" in obj) and "request" not in obj:
        found: Interaction = _async_message(r, obj, "", v)
    else:
        found = _interaction(r, obj, "", v)
    return found.replace(load_warnings=tuple(r.warnings)) if r.warnings else found


# --------------------------------------------------------------------------- writing


def dump_pact(
    pact: Pact,
    version: SpecVersion | str | None = None,
    *,
    dump: Callable[[Interaction, SpecVersion], JsonValue] | None = None,
) -> JsonObject:
    """Write the pact as JSON-ready data for ``version`` (default: the pact's own).

    ``dump`` replaces ``dump_interaction`` for each interaction (a writer that caches
    rendered interactions passes its own).
    """
    v = SpecVersion.parse(version) if version is not None else pact.spec_version
    dump_one = dump or dump_interaction
    doc: dict[str, Any] = {"consumer": {"name": pact.consumer}}
    http = [i for i in pact.interactions if isinstance(i, SynchronousHttp)]
    messages = [i for i in pact.interactions if not isinstance(i, SynchronousHttp)]
    if v >= SpecVersion.V4:
        doc["interactions"] = [dump_one(i, v) for i in pact.interactions]
    else:
        if messages and v < SpecVersion.V3:
            raise UnsupportedVersionError(
                f"pact {pact.consumer}-{pact.provider}: messages need Pact Specification V3 or "
                f"later; {v.name} cannot hold {messages[0].description!r}"
            )
        if http and messages:
            raise UnsupportedVersionError(
                f"pact {pact.consumer}-{pact.provider}: a {v.name} pact file holds either HTTP "
                "interactions or messages, not both; write it as V4"
            )
        if messages:
            doc["messages"] = [dump_one(i, v) for i in messages]
        else:
            doc["interactions"] = [dump_one(i, v) for i in http]
    for broken in pact.unreadable:  # written back as found: reading them failed, not the file
        present = [k for k in ("interactions", "messages") if k in doc]
        section = broken.section if broken.section in doc or not present else present[0]
        doc.setdefault(section, []).append(broken.raw)
    metadata = {
        k: val
        for k, val in pact.metadata.items()
        if k not in ("pactSpecification", "pact-specification", "pactSpecificationVersion")
    }
    metadata["pactSpecification"] = {"version": v.value}
    doc["metadata"] = metadata
    doc["provider"] = {"name": pact.provider}
    doc.update(pact.extra)
    return doc


def dump_interaction(
    interaction: Interaction, version: SpecVersion | str = SpecVersion.V4
) -> JsonObject:
    """Write one interaction for ``version``."""
    v = SpecVersion.parse(version)
    i = interaction
    if v < SpecVersion.V4:
        _check_v4_only(i, v)
    if v < SpecVersion.V3 and not isinstance(i, SynchronousHttp):
        raise UnsupportedVersionError(
            f"interaction {i.description!r}: messages need Pact Specification V3 or later"
        )
    out: dict[str, Any] = {}
    if v >= SpecVersion.V4:
        out["type"] = i.TYPE
    out["description"] = i.description
    if i.provider_states:
        if v >= SpecVersion.V3:
            out["providerStates"] = [s.to_json() for s in i.provider_states]
        else:
            if len(i.provider_states) > 1 or i.provider_states[0].params:
                raise UnsupportedVersionError(
                    f"interaction {i.description!r}: {v.name} holds one provider state without "
                    "parameters; write it as V3 or later"
                )
            out["providerState"] = i.provider_states[0].name
    if isinstance(i, SynchronousHttp):
        out["request"] = _dump_request(i.request, v, i.description)
        out["response"] = _dump_response(i.response, v, i.description)
    elif isinstance(i, AsynchronousMessage):
        out.update(_dump_contents(i.contents, v, i.description))
    elif isinstance(i, SynchronousMessages):
        if v < SpecVersion.V4:
            raise UnsupportedVersionError(
                f"interaction {i.description!r}: synchronous messages need Pact Specification V4"
            )
        out["request"] = _dump_contents(i.request, v, i.description)
        out["response"] = [_dump_contents(m, v, i.description) for m in i.responses]
    if v >= SpecVersion.V4:
        out["pending"] = i.pending
        if i.comments:
            out["comments"] = dict(i.comments)
        if i.plugin_config:
            out["pluginConfiguration"] = dict(i.plugin_config)
        if i.interaction_markup:
            out["interactionMarkup"] = dict(i.interaction_markup)
        if i.transport:
            out["transport"] = i.transport
        if i.key:
            out["key"] = i.key
    out.update(i.extra)
    return out


def _check_v4_only(i: Interaction, v: SpecVersion) -> None:
    lost = [
        name
        for name, present in (
            ("pending", i.pending),
            ("comments", bool(i.comments)),
            ("plugin configuration", bool(i.plugin_config)),
            ("interaction markup", bool(i.interaction_markup)),
            ("transport", bool(i.transport) and i.transport not in ("http", "https")),
        )
        if present
    ]
    if lost:
        raise UnsupportedVersionError(
            f"interaction {i.description!r}: {v.name} cannot hold {', '.join(lost)} "
            "(V4 only); write the pact as V4"
        )


def _dump_headers(headers: Mapping[str, tuple[str, ...]], v: SpecVersion) -> dict[str, Any]:
    if v >= SpecVersion.V4:
        return {k: list(vals) for k, vals in headers.items()}
    return {k: ", ".join(vals) for k, vals in headers.items()}


def _dump_query(request: HttpRequest, v: SpecVersion) -> Any:
    if v >= SpecVersion.V3:
        return {k: [x for x in vals] for k, vals in (request.query or {}).items()}
    if request.raw_query is not None:
        return request.raw_query
    return query_string(request.query or {}, encoding="strict")


def _dump_request(req: HttpRequest, v: SpecVersion, desc: str) -> dict[str, Any]:
    out: dict[str, Any] = {"method": req.method, "path": req.path}
    if req.query:
        out["query"] = _dump_query(req, v)
    if req.headers:
        out["headers"] = _dump_headers(req.headers, v)
    _dump_body_into(out, "body", req.body, v, desc, _header_type(req.headers))
    _dump_rules_into(out, req.matching_rules, v, desc)
    _dump_generators_into(out, req.generators, v, desc)
    return out


def _dump_response(resp: HttpResponse, v: SpecVersion, desc: str) -> dict[str, Any]:
    out: dict[str, Any] = {"status": resp.status if resp.status is not None else 200}
    if resp.headers:
        out["headers"] = _dump_headers(resp.headers, v)
    _dump_body_into(out, "body", resp.body, v, desc, _header_type(resp.headers))
    _dump_rules_into(out, resp.matching_rules, v, desc)
    _dump_generators_into(out, resp.generators, v, desc)
    return out


def _dump_contents(m: MessageContents, v: SpecVersion, desc: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    metadata = dict(m.metadata)
    declared = message_content_type(metadata)
    _dump_body_into(out, "contents", m.body, v, desc, declared or m.body.content_type)
    has_type = any(is_content_type_key(k) for k in metadata)
    if v < SpecVersion.V4 and m.body.content_type and not has_type:
        # V3 keeps a message's content type only in its metadata (as the official core does)
        metadata["contentType"] = m.body.content_type
    out["metadata"] = metadata  # the official core writes "metadata"; "metaData" is read too
    _dump_rules_into(out, m.matching_rules, v, desc)
    _dump_generators_into(out, m.generators, v, desc)
    return out


def _header_type(headers: Mapping[str, tuple[str, ...]]) -> str | None:
    values = find_header(headers, "Content-Type")
    return values[0] if values else None


def _dump_body_into(
    out: dict[str, Any], key: str, body: Body, v: SpecVersion, desc: str, declared: str | None
) -> None:
    """``declared``: the content type a V1-V3 reader will see (the header or message metadata)."""
    if body.state is BodyState.MISSING:
        return
    if v >= SpecVersion.V4:
        out[key] = _v4_body_json(body)
        return
    if body.state is BodyState.NULL:
        out[key] = None
    elif body.state is BodyState.EMPTY:
        out[key] = ""
    elif body.is_json:
        try:
            out[key] = body.json
        except ValueError:
            out[key] = body.text
    else:
        out[key] = _v3_text(body, desc, declared)


def _v3_text(body: Body, desc: str, declared: str | None) -> str:
    """A V1-V3 body string: text as it is; bytes under a declared binary type as base64, as
    the official writers do (readers decode a binary type's canonical base64 back to bytes).
    Text that happens to be canonical base64 is written as base64 too, so it reads back."""
    try:
        text = body.content.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if declared and is_official_binary_type(declared):
        if text is None or decode_canonical_base64(text) is not None:
            return base64.b64encode(body.content).decode("ascii")
        return text
    if text is None:
        raise UnsupportedVersionError(
            f"interaction {desc!r}: a binary body under {declared or 'no content type'} needs "
            "Pact Specification V4 or a binary Content-Type (V3 and earlier hold text, or "
            "base64 under a binary type)"
        )
    return text


def _v4_body_json(body: Body) -> dict[str, Any]:
    if body.state is BodyState.NULL:
        return {"content": None}
    if body.state is BodyState.EMPTY:
        out: dict[str, Any] = {"content": ""}
        if body.content_type:
            out["contentType"] = body.content_type
        return out
    out = {}
    if is_official_json_type(body.content_type):
        # a string content is read back as a JSON string, so only parsed JSON is written
        # plainly; text that is not JSON goes as base64 (as the official core writes it)
        try:
            out = {"content": body.json, "contentType": body.content_type, "encoded": False}
        except ValueError:
            out = {
                "content": base64.b64encode(body.content).decode("ascii"),
                "contentType": body.content_type,
                "encoded": "base64",
            }
    if not out:
        try:
            text = body.content.decode("utf-8")
            binary = body.content_type_hint == "BINARY" or (
                body.content_type_hint != "TEXT" and not is_text_type(body.content_type)
            )
        except UnicodeDecodeError:
            binary = True
        if binary:
            out = {
                "content": base64.b64encode(body.content).decode("ascii"),
                "contentType": body.content_type or "application/octet-stream",
                "encoded": "base64",
            }
        else:
            out = {
                "content": text,
                "contentType": body.content_type or "text/plain",
                "encoded": False,
            }
    if body.content_type_hint:
        out["contentTypeHint"] = body.content_type_hint
    return out


_V2_RULE_KINDS = {"regex", "type", "equality", "include"}


def _dump_rules_into(out: dict[str, Any], rules: MatchingRules, v: SpecVersion, desc: str) -> None:
    if not rules:
        return
    if v < SpecVersion.V2:
        raise UnsupportedVersionError(
            f"interaction {desc!r}: matching rules need Pact Specification V2 or later"
        )
    if v == SpecVersion.V2:
        out["matchingRules"] = _v2_rules_json(rules, desc)
        return
    cats: dict[str, Any] = {}
    for cat, entries in rules.categories.items():
        if not entries:
            continue
        # Message content rules are written under "body", as the official core does
        # (pact-jvm writes "content"; both are read).
        if cat in ("path", "status", "method") and set(entries) == {""}:
            cats[cat] = entries[""].to_json()
        else:
            cats[cat] = {k: rl.to_json() for k, rl in entries.items()}
    out["matchingRules"] = cats


def _v2_rules_json(rules: MatchingRules, desc: str) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for cat, key, rl in rules:
        if rl.combine == "OR" or len(rl.rules) != 1 or rl.rules[0].kind not in _V2_RULE_KINDS:
            kinds = ", ".join(r.kind for r in rl.rules)
            raise UnsupportedVersionError(
                f"interaction {desc!r}: rule {kinds} on {cat} {key or ''} needs Pact "
                "Specification V3 or later (V2 holds one regex or type rule per path)"
            )
        rule: Rule = rl.rules[0]
        if cat == "body":
            path = "$.body" + key[1:]
        elif cat == "header":
            path = f"$.headers.{key}"
        elif cat == "query":
            path = f"$.query.{key}"
        elif cat == "path":
            path = "$.path"
        else:
            raise UnsupportedVersionError(
                f"interaction {desc!r}: V2 cannot hold matching rules on {cat}"
            )
        flat[path] = rule.to_json()
    return flat


def _dump_generators_into(out: dict[str, Any], gens: Generators, v: SpecVersion, desc: str) -> None:
    if not gens:
        return
    if v < SpecVersion.V3:
        # As the official tools write V1/V2 pacts: without generators (the examples stay).
        where = ", ".join(sorted({f"{cat} {key}".strip() for cat, key, _ in gens}))
        warnings.warn(
            f"interaction {desc!r}: a {v.name} pact file cannot hold generators; "
            f"written without those on {where} (write V3 or later to keep them)",
            PactDowngradeWarning,
            stacklevel=2,
        )
        return
    cats: dict[str, Any] = {}
    for cat, entries in gens.categories.items():
        if not entries:
            continue
        if cat in ("path", "status", "method") and set(entries) == {""}:
            cats[cat] = entries[""].to_json()
        else:
            cats[cat] = {k: g.to_json() for k, g in entries.items()}
    out["generators"] = cats
