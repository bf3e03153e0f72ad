"""Message interactions: asynchronous messages (events) and V4 synchronous messages.

The consumer test hands the message, as the provider would send it (generators applied),
to the consumer's real handler; the interaction is recorded only if the handler copes::

    (pact.upon_receiving("an order created event", kind="async")
         .given("an order exists")
         .with_content({"id": match.integer(7), "total": match.decimal(9.5)})
         .with_metadata({"topic": "orders"})
         .verify(handle_order_event))            # handler(body, metadata); sync or async

    (pact.upon_receiving("a price request", kind="sync")
         .with_request({"sku": "A-1"})
         .will_respond_with({"price": match.decimal(9.99)})
         .verify(price_service))                 # returns the response it would send

``verify`` returns ``None`` (sync handler or no running loop) or an awaitable to ``await``
when an ``async def`` handler is given inside a running event loop; ``averify`` always
returns an awaitable.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from accord.consumer._parts import BodySpec, body_spec, scalar_spec
from accord.consumer.builder import _Interaction
from accord.errors import ContractDefinitionError, MismatchError
from accord.model import (
    AsynchronousMessage,
    Body,
    Generator,
    Generators,
    MatchingRules,
    MessageContents,
    RuleList,
    SynchronousMessages,
)

if TYPE_CHECKING:
    from accord.consumer.builder import Pact

__all__ = ["AsyncMessageInteraction", "SyncMessageInteraction"]

_UNSET: Any = object()


class _MessagePart:
    def __init__(self) -> None:
        self.body: BodySpec | None = None
        self.metadata: dict[str, Any] = {}

    def build(self, where: str) -> MessageContents:
        rules: dict[str, dict[str, RuleList]] = {}
        gens: dict[str, dict[str, Generator]] = {}
        metadata: dict[str, Any] = {}
        for key, value in self.metadata.items():
            spec = scalar_spec(value, where, f"metadata {key!r}", as_text=False)
            metadata[key] = spec.values[0] if len(spec.values) == 1 else list(spec.values)
            if spec.rules is not None:
                rules.setdefault("metadata", {})[key] = spec.rules
            if spec.generator is not None:
                gens.setdefault("metadata", {})[key] = spec.generator
        body = Body.missing()
        if self.body is not None:
            body = self.body.body
            if self.body.rules:
                rules["body"] = dict(self.body.rules)
            if self.body.generators:
                gens["body"] = dict(self.body.generators)
            if body.content_type and not any(
                    k.lower() in ("contenttype", "content-type") for k in metadata):
                metadata["contentType"] = body.content_type
        return MessageContents(body=body, metadata=metadata, matching_rules=MatchingRules(rules),
                               generators=Generators(gens))


def _set_content(part: _MessagePart, content: Any, content_type: str | None, where: str) -> None:
    if content is None and content_type is None:
        part.body = None
    else:
        part.body = body_spec(content, content_type, where)


def _decode(contents: MessageContents) -> Any:
    """The body as a handler receives it: parsed JSON for JSON content, bytes otherwise."""
    body = contents.body
    if not body.is_present:
        return None
    if body.is_json:
        try:
            return body.json
        except ValueError:
            return body.content
    return body.content


def _run(result: Any, then: Callable[[Any], Any]) -> Any:
    """Finish a handler call: await it if needed (returning an awaitable inside a loop)."""
    if not inspect.isawaitable(result):
        return then(result)

    async def finish() -> Any:
        return then(await result)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(finish())
    return finish()


def _generated(contents: MessageContents) -> MessageContents:
    from accord.generation import GeneratorContext, generate_message

    return generate_message(contents, GeneratorContext.default("consumer"))


class AsyncMessageInteraction(_Interaction):
    """An asynchronous message the provider sends and the consumer handles."""

    def __init__(self, pact: Pact, description: str) -> None:
        super().__init__(pact, description)
        self._part = _MessagePart()

    def with_content(self, content: Any, content_type: str | None = "application/json"
                     ) -> AsyncMessageInteraction:
        """The message body (matchers allowed); dict/list are JSON, bytes/str as given."""
        if isinstance(content, (bytes, bytearray)) and content_type == "application/json":
            content_type = "application/octet-stream"
        if isinstance(content, str) and content_type == "application/json":
            try:
                import json

                json.loads(content)
            except ValueError:
                content_type = "text/plain"
        _set_content(self._part, content, content_type, self.description)
        return self

    def with_body(self, body: Any = None, content_type: str | None = None, part: str | None = None
                  ) -> AsyncMessageInteraction:
        """pact-python spelling of ``with_content``."""
        return self.with_content(body, content_type or "application/json")

    def with_binary_body(self, body: bytes, content_type: str | None = None,
                         part: str | None = None) -> AsyncMessageInteraction:
        return self.with_content(bytes(body), content_type or "application/octet-stream")

    def with_metadata(self, metadata: Mapping[str, Any] | None = None, part: str | None = None,
                      /, **kwargs: Any) -> AsyncMessageInteraction:
        """Message metadata (topic, headers ...); values may be matchers."""
        self._part.metadata.update({**(metadata or {}), **kwargs})
        return self

    def _build(self) -> AsynchronousMessage:
        return AsynchronousMessage(contents=self._part.build(self.description), **self._common())

    def _model(self) -> AsynchronousMessage:
        model = self._pact._finalise(self)
        assert isinstance(model, AsynchronousMessage)
        return model

    def reify(self) -> tuple[Any, dict[str, Any]]:
        """The message as a handler would receive it: (body, metadata), generators applied."""
        model = self._model()
        contents = _generated(model.contents)
        return _decode(contents), dict(contents.metadata)

    def verify(self, handler: Callable[[Any, dict[str, Any]], Any]) -> Any:
        """Call ``handler(body, metadata)``; its exception fails the test, success records it."""
        model = self._model()
        contents = _generated(model.contents)
        self._used = True
        result = handler(_decode(contents), dict(contents.metadata))
        return _run(result, lambda _r: self._pact._record([model]))

    async def averify(self, handler: Callable[[Any, dict[str, Any]], Any]) -> None:
        """``verify`` for ``async`` tests (works with sync and async handlers)."""
        model = self._model()
        contents = _generated(model.contents)
        self._used = True
        result = handler(_decode(contents), dict(contents.metadata))
        if inspect.isawaitable(result):
            await result
        self._pact._record([model])


class SyncMessageInteraction(_Interaction):
    """A V4 synchronous message: a request message and the response message(s) to it."""

    def __init__(self, pact: Pact, description: str) -> None:
        super().__init__(pact, description)
        self._request = _MessagePart()
        self._responses: list[_MessagePart] = []
        self._current: _MessagePart = self._request

    def with_request(self, content: Any = _UNSET, metadata: Mapping[str, Any] | None = None, *,
                     content_type: str | None = None) -> SyncMessageInteraction:
        """The request message (body with matchers, metadata)."""
        self._current = self._request
        if content is not _UNSET:
            _set_content(self._request, content, _default_ct(content, content_type),
                         self.description)
        if metadata:
            self._request.metadata.update(metadata)
        return self

    def will_respond_with(self, content: Any = _UNSET, metadata: Mapping[str, Any] | None = None,
                          *, content_type: str | None = None) -> SyncMessageInteraction:
        """Add a response message; without arguments, later ``with_body``/``with_metadata``
        calls describe a new response (pact-python style)."""
        part = _MessagePart()
        self._responses.append(part)
        self._current = part
        if content is not _UNSET:
            _set_content(part, content, _default_ct(content, content_type), self.description)
        if metadata:
            part.metadata.update(metadata)
        return self

    def with_body(self, body: Any = None, content_type: str | None = None,
                  part: str | None = None) -> SyncMessageInteraction:
        target = self._part(part)
        _set_content(target, body, _default_ct(body, content_type), self.description)
        return self

    with_content = with_body

    def with_metadata(self, metadata: Mapping[str, Any] | None = None, part: str | None = None,
                      /, **kwargs: Any) -> SyncMessageInteraction:
        self._part(part).metadata.update({**(metadata or {}), **kwargs})
        return self

    def _part(self, part: str | None) -> _MessagePart:
        if part is None:
            return self._current
        if part.lower() == "request":
            return self._request
        if part.lower() == "response":
            if not self._responses:
                self._responses.append(_MessagePart())
            return self._responses[-1]
        raise ContractDefinitionError(f"part must be 'request' or 'response', got {part!r}")

    def _build(self) -> SynchronousMessages:
        if not self._responses:
            raise ContractDefinitionError(
                f"interaction {self.description!r}: a synchronous message needs at least one "
                "will_respond_with(...) response")
        return SynchronousMessages(
            request=self._request.build(self.description),
            responses=tuple(p.build(self.description) for p in self._responses),
            **self._common())

    def _model(self) -> SynchronousMessages:
        model = self._pact._finalise(self)
        assert isinstance(model, SynchronousMessages)
        return model

    def verify(self, handler: Callable[[Any, dict[str, Any]], Any]) -> Any:
        """Call ``handler(request_body, metadata)`` and compare what it returns (a body, or a
        ``(body, metadata)`` tuple) with the declared responses; mismatches fail the test."""
        model = self._model()
        request = _generated(model.request)
        self._used = True
        result = handler(_decode(request), dict(request.metadata))
        return _run(result, lambda r: self._check(model, r))

    async def averify(self, handler: Callable[[Any, dict[str, Any]], Any]) -> None:
        model = self._model()
        request = _generated(model.request)
        self._used = True
        result = handler(_decode(request), dict(request.metadata))
        if inspect.isawaitable(result):
            result = await result
        self._check(model, result)

    def _check(self, model: SynchronousMessages, returned: Any) -> None:
        __tracebackhide__ = True
        from accord.matching import match_message

        actual = _as_contents(returned, model.responses[0])
        problems: list[str] = []
        for index, expected in enumerate(model.responses):
            result = match_message(expected, actual, spec=self._pact.specification)
            if result.ok:
                self._pact._record([model])
                return
            lines = "\n".join(f"    {m.path or '$'}: {m.message}" for m in result.mismatches)
            problems.append(f"  response {index + 1}:\n{lines}")
        raise MismatchError(
            f"synchronous message {self.description!r}: the handler's response matches none "
            "of the declared responses\n" + "\n".join(problems))


def _default_ct(content: Any, content_type: str | None) -> str | None:
    if content_type is not None or content is None:
        return content_type
    if isinstance(content, (bytes, bytearray)):
        return "application/octet-stream"
    return None


def _as_contents(returned: Any, like: MessageContents) -> MessageContents:
    """What a sync-message handler returned, as message contents to match."""
    metadata: dict[str, Any] = {}
    body = returned
    if isinstance(returned, tuple) and len(returned) == 2 and isinstance(returned[1], Mapping):
        body, metadata = returned[0], dict(returned[1])
    ct = like.body.content_type
    if body is None:
        built = Body.missing()
    elif isinstance(body, (bytes, bytearray)):
        built = Body.of_bytes(bytes(body), ct or "application/octet-stream")
    elif isinstance(body, str) and not like.body.is_json:
        built = Body.of_text(body, ct or "text/plain")
    else:
        built = Body.of_json(body, ct if like.body.is_json and ct else "application/json")
    if built.content_type and "contentType" in like.metadata:
        metadata.setdefault("contentType", built.content_type)
    return MessageContents(body=built, metadata=metadata)
