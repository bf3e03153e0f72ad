"""The interaction builders of the consumer DSL: what every interaction has, and HTTP.

``InteractionBuilder`` holds provider states and V4 annotations (comments, key, pending, plugin
settings); ``HttpInteraction`` adds the request and response. The message builders are in
``accord.consumer.messages``. A ``Pact`` starts them (``pact.upon_receiving(...)``) and turns
them into model interactions with ``build()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from accord.consumer._parts import BodySpec, body_spec, form_spec, multipart_spec, scalar_spec
from accord.consumer._plugins import configure_plugin_contents
from accord.consumer.matchers import Matchable, Matcher
from accord.consumer.raw import load_raw_generators, load_raw_rules, merge_generators, merge_rules
from accord.errors import ContractDefinitionError, UnsupportedDefinition
from accord.model import (
    Body,
    Generator,
    Generators,
    HttpRequest,
    HttpResponse,
    Interaction,
    MatchingRules,
    ProviderState,
    RuleList,
    SynchronousHttp,
)
from accord.model.jsontypes import JsonMapping, JsonValue

if TYPE_CHECKING:
    from accord.consumer.pact import Pact
    from accord.plugins import Plugin, PluginContents

__all__ = ["HttpInteraction", "InteractionBuilder"]

Self = TypeVar("Self", bound="InteractionBuilder")
_V = TypeVar("_V")

NamedValues: TypeAlias = Mapping[str, _V] | Iterable[tuple[str, _V]]
"""Values by name: a mapping, or (name, value) pairs when a name repeats."""


class InteractionBuilder:
    """What every interaction builder has: provider states and V4 annotations."""

    def __init__(self, pact: Pact, description: str) -> None:
        self._pact = pact
        self.description = description
        self._states: list[ProviderState] = []
        self._key: str | None = None
        self._pending = False
        self._comments: dict[str, Any] = {}
        self._plugin_config: dict[str, dict[str, Any]] = {}  # V4 pluginConfiguration
        self._markup: list[str] = []  # V4 interactionMarkup from plugins
        self.used = False  # served or verified (successfully or not)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description!r}>"

    def given(self: Self, state: str, parameters: JsonMapping | None = None, /,
              **kwargs: JsonValue) -> Self:
        """A provider state; repeat for several. Parameters as a dict and/or keywords."""
        if not isinstance(state, str) or not state:
            raise ContractDefinitionError(
                f"interaction {self.description!r}: a provider state needs a name")
        params = {**(parameters or {}), **kwargs}
        self._states.append(ProviderState(state, params))
        return self

    def with_comment(self: Self, text: str) -> Self:
        """A free-text comment (V4 ``comments.text``)."""
        self._comments.setdefault("text", []).append(text)
        return self

    def add_text_comment(self: Self, comment: str) -> Self:
        """pact-python's name for ``with_comment``."""
        return self.with_comment(comment)

    def set_comment(self: Self, key: str, value: JsonValue) -> Self:
        """A keyed comment (V4 ``comments[key]``)."""
        self._comments[key] = value
        return self

    def test_name(self: Self, name: str) -> Self:
        """The name of the test that declared this interaction (V4 ``comments.testname``)."""
        self._comments["testname"] = name
        return self

    def add_external_reference(self: Self, group: str, name: str, value: str) -> Self:
        """A reference such as an issue number (V4 ``comments.references``)."""
        self._comments.setdefault("references", {}).setdefault(group, {})[name] = value
        return self

    def with_key(self: Self, key: str) -> Self:
        """An explicit V4 interaction key."""
        self._key = key
        return self

    set_key = with_key

    def pending(self: Self, pending: bool = True) -> Self:
        """Mark the interaction pending (V4): a provider failing it does not fail the build."""
        self._pending = pending
        return self

    def set_pending(self: Self, *, pending: bool = True) -> Self:
        return self.pending(pending)

    def _with_plugin_contents(self, content_type: Any, config: Any) -> BodySpec:
        """The body the plugin for ``content_type`` builds from ``config``; the plugin is
        noted in the pact and its interaction settings here (``pluginConfiguration``)."""
        body, plugin, contents = configure_plugin_contents(
            self.description, content_type, config, self._pact.base_catalogue)
        self._note_plugin(plugin, contents)
        return body

    def _note_plugin(self, plugin: Plugin, contents: PluginContents) -> None:
        self._pact.add_plugin(plugin, contents.pact_configuration)
        if contents.plugin_config:
            self._plugin_config.setdefault(plugin.name, {}).update(contents.plugin_config)
        if contents.interaction_markup:
            self._markup.append(contents.interaction_markup)

    def _common(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "description": self.description, "provider_states": tuple(self._states),
            "key": self._key, "pending": self._pending, "comments": dict(self._comments)}
        if self._plugin_config:
            fields["plugin_config"] = {k: dict(v) for k, v in self._plugin_config.items()}
        if self._markup:
            fields["interaction_markup"] = {"markup": "\n".join(self._markup),
                                            "markupType": "COMMON_MARK"}
        return fields

    def build(self) -> Interaction:  # pragma: no cover - abstract
        """The model interaction declared so far (``Pact.finalise`` checks it)."""
        raise NotImplementedError


class _HttpPart:
    def __init__(self) -> None:
        self.headers: list[tuple[str, Any]] = []
        self.body: BodySpec | None = None
        self.raw_rules: MatchingRules = MatchingRules()
        self.raw_generators: Generators = Generators()


def _part_name(part: str | None, default: str) -> str:
    chosen = (part or default).lower()
    if chosen not in ("request", "response"):
        raise ContractDefinitionError(f"part must be 'request' or 'response', got {part!r}")
    return chosen


class HttpInteraction(InteractionBuilder):
    """A synchronous HTTP interaction: the request the consumer sends, the response it expects.

    Methods that set headers or a body apply to the request until ``will_respond_with`` is
    called, then to the response (or pass ``part="request"|"response"``).
    """

    def __init__(self, pact: Pact, description: str) -> None:
        super().__init__(pact, description)
        self._method = "GET"
        self._path: Any = "/"
        self._query: list[tuple[str, Any]] = []
        self._status: Any = 200
        self._parts = {"request": _HttpPart(), "response": _HttpPart()}
        self._current = "request"

    # ------------------------------------------------------------------ request line

    def upon_receiving(self, description: str) -> HttpInteraction:
        """Rename the interaction (for chains that start with ``given``)."""
        self.description = description
        return self

    def with_request(self, method: str, path: str | Matcher = "/") -> HttpInteraction:
        """The request method and path (the path may be a matcher, e.g. ``match.regex``)."""
        if not isinstance(method, str) or not method.strip():
            raise ContractDefinitionError(
                f"interaction {self.description!r}: the method must be a string like 'GET'")
        self._method = method.upper()
        self._path = path
        self._current = "request"
        return self

    def with_query_parameter(self, name: str, value: Matchable) -> HttpInteraction:
        """A query parameter; a list gives several values; matchers allowed."""
        self._query.append((name, value))
        return self

    def with_query_parameters(self, parameters: NamedValues[Matchable]
                              ) -> HttpInteraction:
        items = parameters.items() if isinstance(parameters, Mapping) else parameters
        for name, value in items:
            self.with_query_parameter(name, value)
        return self

    def will_respond_with(self, status: int | Matcher = 200) -> HttpInteraction:
        """The response status (an int or ``match.status_code``); later calls set the response."""
        self._status = status
        self._current = "response"
        return self

    # ------------------------------------------------------------------ headers and bodies

    def with_header(self, name: str, value: Matchable, part: str | None = None) -> HttpInteraction:
        """A header; a list gives several values; matchers allowed."""
        self._parts[_part_name(part, self._current)].headers.append((name, value))
        return self

    set_header = with_header

    def with_headers(self, headers: NamedValues[Matchable],
                     part: str | None = None) -> HttpInteraction:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            self.with_header(name, value, part)
        return self

    set_headers = with_headers

    def with_body(self, body: Matchable = None, content_type: str | None = None,
                  part: str | None = None) -> HttpInteraction:
        """A body: dict/list/matchers (JSON), str (text; JSON text with a JSON content type),
        bytes, or an ``accord.consumer.xml`` element."""
        target = self._parts[_part_name(part, self._current)]
        if body is None and content_type is None:
            target.body = None  # no body expectation
        else:
            target.body = body_spec(body, content_type, self.description)
        return self

    def with_binary_body(self, body: bytes, content_type: str | None = None,
                         part: str | None = None) -> HttpInteraction:
        """Raw bytes (written base64-encoded in V4 pact files)."""
        if isinstance(body, Matcher) and isinstance(body.value, (bytes, bytearray)):
            return self.with_body(body, content_type, part)
        if not isinstance(body, (bytes, bytearray)):
            raise ContractDefinitionError(
                f"interaction {self.description!r}: with_binary_body needs bytes")
        return self.with_body(bytes(body), content_type or "application/octet-stream", part)

    def with_form(self, fields: NamedValues[Matchable],
                  part: str | None = None) -> HttpInteraction:
        """An ``application/x-www-form-urlencoded`` body; field values may be matchers."""
        target = self._parts[_part_name(part, self._current)]
        target.body = form_spec(fields if isinstance(fields, Mapping) else list(fields),
                                self.description)
        return self

    def with_multipart_file(self, part_name: str, path: str | os.PathLike[str] | bytes,
                            content_type: str | None = None, part: str | None = None,
                            boundary: str | None = None, *, filename: str | None = None
                            ) -> HttpInteraction:
        """A ``multipart/form-data`` body with one file (``path``, or bytes with ``filename``)."""
        target = self._parts[_part_name(part, self._current)]
        target.body = multipart_spec(part_name, path, content_type, boundary, filename,
                                     self.description)
        return self

    def with_metadata(self, metadata: Mapping[str, Matchable] | None = None,
                      part: str | None = None, /, **kwargs: Matchable) -> HttpInteraction:
        """Refused, as pact-python refuses it: an HTTP request or response has headers, not
        metadata (use ``with_header``, or ``set_comment`` for a note on the interaction)."""
        raise UnsupportedDefinition(
            f"interaction {self.description!r}: HTTP interactions have no metadata; use "
            "with_header(...) for headers or set_comment(...) for a note on the interaction")

    def set_metadata(self, metadata: Mapping[str, str] | None = None, part: str | None = None,
                     /, **kwargs: str) -> HttpInteraction:
        """Refused, as ``with_metadata`` is."""
        return self.with_metadata(metadata, part, **kwargs)

    def with_plugin_contents(self, content_type: str, config: JsonMapping,
                             part: str | None = None) -> HttpInteraction:
        """A body built by the plugin that handles ``content_type`` from its ``config``.

        ``config`` is what the plugin documents (the CSV plugin: ``{"column:1":
        "matching(type,'Name')", "csvHeaders": False}``); the plugin is noted in the pact's
        ``metadata.plugins`` and its interaction settings in ``pluginConfiguration``."""
        target = self._parts[_part_name(part, self._current)]
        target.body = self._with_plugin_contents(content_type, config)
        return self

    def with_matching_rules(self, rules: Mapping[str, Matchable] | str, part: str | None = None
                            ) -> HttpInteraction:
        """Raw V3/V4 ``matchingRules`` merged into the request or response: JSON (a dict or
        its text) whose rule lists may be matchers (``{"body": {"$": match.content_type(
        "image/jpeg")}}``), as pact-python takes them."""
        target = self._parts[_part_name(part, self._current)]
        target.raw_rules = merge_rules(target.raw_rules, load_raw_rules(rules, self.description))
        return self

    def with_generators(self, generators: JsonMapping | str, part: str | None = None
                        ) -> HttpInteraction:
        """Raw V3/V4 ``generators`` JSON (a dict or its text) merged into the request or
        response."""
        target = self._parts[_part_name(part, self._current)]
        loaded = load_raw_generators(generators, self.description)
        target.raw_generators = merge_generators(target.raw_generators, loaded)
        return self

    # ------------------------------------------------------------------ building

    def build(self) -> SynchronousHttp:
        where = self.description
        rules: dict[str, dict[str, RuleList]] = {}
        gens: dict[str, dict[str, Generator]] = {}

        path = scalar_spec(self._path, where, "the path")
        if len(path.values) != 1:
            raise ContractDefinitionError(f"interaction {where!r}: the path must be one string")
        _put(rules, gens, "path", "", path.rules, path.generator)
        query: dict[str, tuple[str | None, ...]] | None = None
        if self._query:
            query = {}
            for name, value in self._query:
                spec = scalar_spec(value, where, f"query parameter {name!r}", allow_none=True)
                query[name] = query.get(name, ()) + spec.values
                _put(rules, gens, "query", name, spec.rules, spec.generator)
        req_part = self._parts["request"]
        headers = _headers(req_part, where, rules, gens)
        body = _body_into(req_part, headers, rules, gens)
        if body.is_present and self._method in ("GET", "HEAD") and self._pact.strict:
            raise ContractDefinitionError(
                f"interaction {where!r}: a {self._method} request with a body (strict mode); "
                "most HTTP clients and servers drop it")
        request = HttpRequest(
            method=self._method, path=str(path.values[0]), query=query, headers=headers, body=body,
            matching_rules=merge_rules(MatchingRules(rules), req_part.raw_rules),
            generators=merge_generators(Generators(gens), req_part.raw_generators))

        rules, gens = {}, {}
        status = scalar_spec(self._status, where, "the status", as_text=False)
        code = status.values[0] if status.values else 200
        if isinstance(code, str) and code.isdigit():
            code = int(code)
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
            raise ContractDefinitionError(
                f"interaction {where!r}: the status must be an HTTP status code, got {code!r}")
        _put(rules, gens, "status", "", status.rules, status.generator)
        resp_part = self._parts["response"]
        headers = _headers(resp_part, where, rules, gens)
        body = _body_into(resp_part, headers, rules, gens)
        response = HttpResponse(
            status=code, headers=headers, body=body,
            matching_rules=merge_rules(MatchingRules(rules), resp_part.raw_rules),
            generators=merge_generators(Generators(gens), resp_part.raw_generators))
        return SynchronousHttp(request=request, response=response, **self._common())


def _put(rules: dict[str, dict[str, RuleList]], gens: dict[str, dict[str, Generator]],
         category: str, key: str, rule_list: RuleList | None, generator: Generator | None) -> None:
    if rule_list is not None:
        existing = rules.setdefault(category, {}).get(key)
        if existing is not None:
            merged = existing.rules + tuple(r for r in rule_list.rules if r not in existing.rules)
            rule_list = RuleList(merged)
        rules.setdefault(category, {})[key] = rule_list
    if generator is not None:
        gens.setdefault(category, {})[key] = generator


def _headers(part: _HttpPart, where: str, rules: dict[str, dict[str, RuleList]],
             gens: dict[str, dict[str, Generator]]) -> dict[str, tuple[str, ...]]:
    headers: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    for name, value in part.headers:
        spec = scalar_spec(value, where, f"header {name!r}")
        canonical = names.setdefault(name.lower(), name)
        headers[canonical] = headers.get(canonical, ()) + tuple(str(v) for v in spec.values)
        _put(rules, gens, "header", canonical, spec.rules, spec.generator)
    return headers


def _body_into(part: _HttpPart, headers: dict[str, tuple[str, ...]],
               rules: dict[str, dict[str, RuleList]], gens: dict[str, dict[str, Generator]]
               ) -> Body:
    spec = part.body
    if spec is None:
        return Body.missing()
    has_ct = any(k.lower() == "content-type" for k in headers)
    if spec.body.content_type and not has_ct:
        headers["Content-Type"] = (spec.body.content_type,)
    for path, rl in spec.rules.items():
        _put(rules, gens, "body", path, rl, None)
    for path, g in spec.generators.items():
        _put(rules, gens, "body", path, None, g)
    for name, rl in spec.header_rules.items():
        canonical = next((k for k in headers if k.lower() == name.lower()), name)
        _put(rules, gens, "header", canonical, rl, None)
    return spec.body
