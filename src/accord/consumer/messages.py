"""Message interactions: asynchronous messages (events) and V4 synchronous messages.

For an event, the consumer test hands the message, as the provider would send it (generators
applied), to the consumer's real handler; the interaction is recorded only if the handler
copes::

    (pact.upon_receiving("an order created event", kind="async")
         .given("an order exists")
         .with_content({"id": match.integer(7), "total": match.decimal(9.5)})
         .with_metadata({"topic": "orders"})
         .verify(handle_order_event))            # handler(body, metadata); sync or async

For a synchronous message (request/response over gRPC, a queue with reply-to, a websocket
...) the consumer sends the request and processes the response. The consumer function gets a
``SyncChannel`` standing in for the transport: ``send`` checks the request against the
contract and returns the contract's response::

    def ask_price(send):                         # sync or async
        assert PriceClient(send).price("A-1") == 9.99

    (pact.upon_receiving("a price request", kind="sync")
         .with_request({"sku": "A-1"})
         .will_respond_with({"price": match.decimal(9.99)})
         .verify(ask_price))

``verify`` returns ``None`` (sync function or no running loop) or an awaitable to ``await``
when an ``async def`` function is given inside a running event loop; ``averify`` always
returns an awaitable.
"""

from __future__ import annotations

import contextlib
import inspect
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from accord.consumer._parts import BodySpec, body_spec, scalar_spec
from accord.consumer.interactions import InteractionBuilder
from accord.consumer.matchers import Matchable
from accord.consumer.raw import load_raw_generators, load_raw_rules, merge_generators, merge_rules
from accord.errors import ContractDefinitionError, MismatchError, UnsupportedDefinition
from accord.model import (
    AsynchronousMessage,
    Body,
    Generator,
    Generators,
    MatchingRules,
    MessageContents,
    RuleList,
    SpecVersion,
    SynchronousMessages,
    is_content_type_key,
    is_json_type,
    message_content_type,
)
from accord.model.body import is_text_type
from accord.model.catalogue import Catalogue
from accord.model.jsontypes import JsonMapping, JsonObject, JsonValue
from accord.model.valueclass import dataclass

if TYPE_CHECKING:
    from accord.consumer.pact import Pact

__all__ = ["AsyncMessageInteraction", "Reply", "SyncChannel", "SyncMessageInteraction"]

_UNSET: Any = object()

MessageBody: TypeAlias = JsonValue | bytes
"""A message body as a handler receives it: decoded JSON for JSON content, else the bytes
(``None`` without a body)."""

PactPythonMessage: TypeAlias = tuple[str | bytes | None, JsonObject]
"""A message as pact-python hands it to a handler: (body as text or bytes or None, metadata)."""

Finished: TypeAlias = Awaitable[None] | None
"""What verifying with a handler returns: ``None``, or (an ``async`` handler inside a running
event loop) an awaitable to ``await``."""


def _no_multipart(description: str) -> UnsupportedDefinition:
    return UnsupportedDefinition(
        f"interaction {description!r}: with_multipart_file builds an HTTP multipart body; a "
        "message body is set with with_body(...) or with_binary_body(...)")


class _MessagePart:
    def __init__(self) -> None:
        self.body: BodySpec | None = None
        self.metadata: dict[str, Any] = {}
        self.raw_rules = MatchingRules()  # with_matching_rules()
        self.raw_generators = Generators()  # with_generators()

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
                    is_content_type_key(k) for k in metadata):
                metadata["contentType"] = body.content_type
        return MessageContents(
            body=body, metadata=metadata,
            matching_rules=merge_rules(MatchingRules(rules), self.raw_rules),
            generators=merge_generators(Generators(gens), self.raw_generators))


def _set_content(part: _MessagePart, content: Any, content_type: str | None, where: str) -> None:
    if content is None and content_type is None:
        part.body = None
    else:
        part.body = body_spec(content, content_type, where)


def pact_python_message(contents: MessageContents) -> PactPythonMessage:
    """A message as pact-python's ``Pact.verify`` hands it to a handler: the declared body as
    text (``bytes`` for a binary content type, ``None`` when empty), and the metadata with
    ``contentType`` and string values that are JSON decoded."""
    body = contents.body
    data = body.content if body.is_present else b""
    text: str | bytes | None = None
    if data:
        text = data
        if is_text_type(contents.content_type):
            with contextlib.suppress(UnicodeDecodeError):
                text = data.decode("utf-8")
    metadata: dict[str, Any] = {}
    for key, value in contents.metadata.items():
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        metadata[key] = value
    if contents.content_type and not any(k.lower() in ("contenttype", "content-type")
                                         for k in metadata):
        metadata["contentType"] = contents.content_type
    return text, metadata


def _run(result: Any, then: Callable[[Any], Any]) -> Any:
    """Finish a handler call: await it if needed (returning an awaitable inside a loop)."""
    if not inspect.isawaitable(result):
        return then(result)

    async def finish() -> Any:
        return then(await result)

    return _awaited(finish())


def _awaited(coroutine: Any) -> Any:
    """Run ``coroutine`` to its end when no event loop is running; inside a running one,
    return it for the caller to await. (asyncio loads here, for an ``async`` handler only.)"""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    return coroutine


def _generated(contents: MessageContents, catalogue: Catalogue | None) -> MessageContents:
    # imported on first use: an HTTP consumer test never generates a message
    from accord.generation import GeneratorContext, generate_message

    context = GeneratorContext.default("consumer", catalogue=catalogue or Catalogue())
    return generate_message(contents, context)


class AsyncMessageInteraction(InteractionBuilder):
    """An asynchronous message the provider sends and the consumer handles."""

    def __init__(self, pact: Pact, description: str) -> None:
        super().__init__(pact, description)
        self._part = _MessagePart()

    def with_content(self, content: Matchable, content_type: str | None = "application/json"
                     ) -> AsyncMessageInteraction:
        """The message body (matchers allowed); dict/list are JSON, bytes/str as given."""
        if isinstance(content, (bytes, bytearray)) and content_type == "application/json":
            content_type = "application/octet-stream"
        if isinstance(content, str) and content_type == "application/json":
            try:
                json.loads(content)
            except ValueError:
                content_type = "text/plain"
        _set_content(self._part, content, content_type, self.description)
        return self

    def with_body(self, body: Matchable = None, content_type: str | None = None,
                  part: str | None = None) -> AsyncMessageInteraction:
        """pact-python spelling of ``with_content``. An asynchronous message has one part, so
        ``part`` (taken for pact-python code) changes nothing, as in pact-python."""
        return self.with_content(body, content_type or "application/json")

    def with_multipart_file(self, part_name: str, path: object, content_type: str | None = None,
                            part: str | None = None, boundary: str | None = None
                            ) -> AsyncMessageInteraction:
        """Refused, as pact-python refuses it: multipart bodies are HTTP's."""
        raise _no_multipart(self.description)

    def with_binary_body(self, body: bytes, content_type: str | None = None,
                         part: str | None = None) -> AsyncMessageInteraction:
        """Raw bytes as the message body (``part``: see ``with_body``)."""
        return self.with_content(bytes(body), content_type or "application/octet-stream")

    def with_plugin_contents(self, content_type: str, config: JsonMapping
                             ) -> AsyncMessageInteraction:
        """The message body built by the plugin for ``content_type`` (see
        ``HttpInteraction.with_plugin_contents``)."""
        self._part.body = self._with_plugin_contents(content_type, config)
        return self

    def with_metadata(self, metadata: Mapping[str, Matchable] | None = None,
                      part: str | None = None, /, **kwargs: Matchable) -> AsyncMessageInteraction:
        """Message metadata (topic, headers ...); values may be matchers."""
        self._part.metadata.update({**(metadata or {}), **kwargs})
        return self

    def with_matching_rules(self, rules: Mapping[str, Matchable] | str, part: str | None = None
                            ) -> AsyncMessageInteraction:
        """Raw ``matchingRules`` (``body``, ``metadata``) for the message, as
        ``HttpInteraction.with_matching_rules`` takes them (``part``: see ``with_body``)."""
        loaded = load_raw_rules(rules, self.description)
        self._part.raw_rules = merge_rules(self._part.raw_rules, loaded)
        return self

    def with_generators(self, generators: JsonMapping | str, part: str | None = None
                        ) -> AsyncMessageInteraction:
        """Raw ``generators`` (``body``, ``metadata``) for the message (``part``: see
        ``with_body``)."""
        loaded = load_raw_generators(generators, self.description)
        self._part.raw_generators = merge_generators(self._part.raw_generators, loaded)
        return self

    def set_metadata(self, metadata: Mapping[str, str] | None = None, part: str | None = None,
                     /, **kwargs: str) -> AsyncMessageInteraction:
        """pact-python's ``set_metadata``: values are JSON texts, taken without matchers."""
        self._part.metadata.update(_json_values({**(metadata or {}), **kwargs},
                                                self.description))
        return self

    def build(self) -> AsynchronousMessage:
        return AsynchronousMessage(contents=self._part.build(self.description), **self._common())

    def _model(self) -> AsynchronousMessage:
        model = self._pact.finalise(self)
        assert isinstance(model, AsynchronousMessage)
        return model

    def reify(self) -> tuple[MessageBody, JsonObject]:
        """The message as a handler would receive it: (body, metadata), generators applied."""
        model = self._model()
        contents = _generated(model.contents, self._pact.catalogue)
        return contents.body.decoded, dict(contents.metadata)

    def verify(self, handler: Callable[[MessageBody, JsonObject], object]) -> Finished:
        """Call ``handler(body, metadata)``; its exception fails the test, success records it."""
        model = self._model()
        contents = _generated(model.contents, self._pact.catalogue)
        self.used = True
        result = handler(contents.body.decoded, dict(contents.metadata))
        return _run(result, lambda _r: self._pact.record([model]))

    def verify_with_handler(self, handler: Callable[[str | bytes | None, JsonObject], object]
                            ) -> Finished:
        """``Pact.verify(handler, "Async")``: the body and metadata as pact-python passes them."""
        model = self._model()
        self.used = True
        body, metadata = pact_python_message(model.contents)
        return _run(handler(body, metadata), lambda _r: self._pact.record([model]))

    async def averify(self, handler: Callable[[MessageBody, JsonObject], object]) -> None:
        """``verify`` for ``async`` tests (works with sync and async handlers)."""
        model = self._model()
        contents = _generated(model.contents, self._pact.catalogue)
        self.used = True
        result = handler(contents.body.decoded, dict(contents.metadata))
        if inspect.isawaitable(result):
            await result
        self._pact.record([model])


@dataclass(frozen=True)
class Reply:
    """A message as the consumer's transport would deliver it (generators applied).

    ``body`` is decoded (JSON values for JSON content, ``bytes`` otherwise, ``None`` without
    a body); ``content`` is the raw bytes. Unpacks as ``body, metadata = send(...)``.
    """

    body: Any
    metadata: dict[str, Any]
    content: bytes
    content_type: str | None

    @classmethod
    def of(cls, contents: MessageContents) -> Reply:
        return cls(contents.body.decoded, dict(contents.metadata), contents.body.content,
                   contents.content_type)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.body, self.metadata))


class SyncChannel:
    """Stands in for the transport (gRPC, a queue with reply-to, a websocket ...) in a
    consumer test of a synchronous message.

    The consumer code sends its request with ``send(body, metadata)``: the request is
    checked against the contract's request message (a mismatch raises ``MismatchError``
    and fails the test) and the contract's response comes back, generators applied, for
    the consumer code to process. ``send_all`` returns every declared response, in order.
    """

    def __init__(self, description: str, model: SynchronousMessages, spec: SpecVersion,
                 catalogue: Catalogue | None = None) -> None:
        self.description = description
        self._model = model
        self._spec = spec
        self._catalogue = catalogue
        self.sent: list[Reply] = []  # the requests the consumer sent, as received
        self._failures: list[str] = []

    def __repr__(self) -> str:
        return f"<SyncChannel {self.description!r}, {len(self.sent)} sent>"

    @property
    def request(self) -> Reply:
        """An example of the request the contract expects (generators applied)."""
        return Reply.of(_generated(self._model.request, self._catalogue))

    def send(self, body: MessageBody = None, metadata: JsonMapping | None = None) -> Reply:
        """Send the request; returns the (first) response. ``body``: a dict/list (JSON),
        ``str`` or ``bytes`` (read with the ``contentType`` metadata, else the contract's)."""
        __tracebackhide__ = True
        return self._exchange(body, metadata)[0]

    __call__ = send

    def send_all(self, body: MessageBody = None, metadata: JsonMapping | None = None
                 ) -> list[Reply]:
        """Send the request; returns every response the contract declares, in order."""
        __tracebackhide__ = True
        return self._exchange(body, metadata)

    def _exchange(self, body: Any, metadata: Mapping[str, Any] | None) -> list[Reply]:
        __tracebackhide__ = True
        # imported here: the matching engine is needed only when a message is checked
        from accord.matching import match_message

        actual = _sent_contents(body, metadata, self._model.request)
        self.sent.append(Reply.of(actual))
        options = {"catalogue": self._catalogue} if self._catalogue is not None else {}
        result = match_message(self._model.request, actual, spec=self._spec,
                               plugin_config=self._model.plugin_config, **options)
        if not result.ok:
            lines = "\n".join(f"    {m.describe()}" for m in result.mismatches)
            report = (f"synchronous message {self.description!r}: the request the consumer "
                      f"sent does not match the contract's request\n{lines}")
            self._failures.append(report)
            raise MismatchError(report)
        return [Reply.of(_generated(r, self._catalogue)) for r in self._model.responses]

    def finish(self, error: BaseException | None = None) -> None:
        """After the consumer ran (``error``: what it raised): a mismatch it swallowed, or no
        request at all, fails."""
        __tracebackhide__ = True
        if self._failures:
            if isinstance(error, MismatchError) and str(error) in self._failures:
                return  # the consumer let the mismatch through: it is raised as is
            raise MismatchError("\n".join(self._failures)) from error
        if error is None and not self.sent:
            raise MismatchError(
                f"synchronous message {self.description!r}: the consumer never sent the "
                "request (call send(body, metadata) on the channel it was given)")


ConsumerFunction = Callable[[SyncChannel], object]


class SyncMessageInteraction(InteractionBuilder):
    """A V4 synchronous message: a request message and the response message(s) to it.

    In the consumer test the consumer code is exercised: it sends the request over a
    ``SyncChannel`` standing in for the transport and processes the response it gets::

        def consumer(send):
            assert PriceClient(send).price("A-1") == 9.99    # send(body, metadata) -> Reply

        interaction.verify(consumer)
    """

    def __init__(self, pact: Pact, description: str) -> None:
        super().__init__(pact, description)
        self._request = _MessagePart()
        self._responses: list[_MessagePart] = []
        self._current: _MessagePart = self._request

    def with_request(self, content: Matchable = _UNSET,
                     metadata: Mapping[str, Matchable] | None = None, *,
                     content_type: str | None = None) -> SyncMessageInteraction:
        """The request message (body with matchers, metadata)."""
        self._current = self._request
        if content is not _UNSET:
            _set_content(self._request, content, _default_ct(content, content_type),
                         self.description)
        if metadata:
            self._request.metadata.update(metadata)
        return self

    def will_respond_with(self, content: Matchable = _UNSET,
                          metadata: Mapping[str, Matchable] | None = None,
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

    def with_body(self, body: Matchable = None, content_type: str | None = None,
                  part: str | None = None) -> SyncMessageInteraction:
        target = self._part(part)
        _set_content(target, body, _default_ct(body, content_type), self.description)
        return self

    with_content = with_body

    def with_plugin_contents(self, content_type: str, config: JsonMapping,
                             part: str | None = None) -> SyncMessageInteraction:
        """The request's or a response's body built by the plugin for ``content_type``."""
        self._part(part).body = self._with_plugin_contents(content_type, config)
        return self

    def with_metadata(self, metadata: Mapping[str, Matchable] | None = None,
                      part: str | None = None, /, **kwargs: Matchable) -> SyncMessageInteraction:
        self._part(part).metadata.update({**(metadata or {}), **kwargs})
        return self

    def with_matching_rules(self, rules: Mapping[str, Matchable] | str, part: str | None = None
                            ) -> SyncMessageInteraction:
        """Raw ``matchingRules`` for the request or the current response."""
        target = self._part(part)
        target.raw_rules = merge_rules(target.raw_rules, load_raw_rules(rules, self.description))
        return self

    def with_generators(self, generators: JsonMapping | str, part: str | None = None
                        ) -> SyncMessageInteraction:
        """Raw ``generators`` for the request or the current response."""
        target = self._part(part)
        loaded = load_raw_generators(generators, self.description)
        target.raw_generators = merge_generators(target.raw_generators, loaded)
        return self

    def set_metadata(self, metadata: Mapping[str, str] | None = None, part: str | None = None,
                     /, **kwargs: str) -> SyncMessageInteraction:
        """pact-python's ``set_metadata``: values are JSON texts, taken without matchers."""
        self._part(part).metadata.update(_json_values({**(metadata or {}), **kwargs},
                                                      self.description))
        return self

    def with_multipart_file(self, part_name: str, path: object, content_type: str | None = None,
                            part: str | None = None, boundary: str | None = None
                            ) -> SyncMessageInteraction:
        """Refused, as pact-python refuses it: multipart bodies are HTTP's."""
        raise _no_multipart(self.description)

    def with_binary_body(self, body: bytes, content_type: str | None = None,
                         part: str | None = None) -> SyncMessageInteraction:
        """A binary request or response body (``application/octet-stream`` by default)."""
        return self.with_body(bytes(body), content_type or "application/octet-stream", part)

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

    def build(self) -> SynchronousMessages:
        if not self._responses:
            raise ContractDefinitionError(
                f"interaction {self.description!r}: a synchronous message needs at least one "
                "will_respond_with(...) response")
        return SynchronousMessages(
            request=self._request.build(self.description),
            responses=tuple(p.build(self.description) for p in self._responses),
            **self._common())

    def _model(self) -> SynchronousMessages:
        model = self._pact.finalise(self)
        assert isinstance(model, SynchronousMessages)
        return model

    # ------------------------------------------------------------------ the consumer test

    def verify(self, consumer: ConsumerFunction) -> Finished:
        """Run ``consumer(channel)``, the consumer code that sends the request and processes
        the response (sync or ``async def``).

        A request that does not match, a consumer that never sends, or the consumer's own
        exception fails the test; otherwise the interaction is recorded. Returns ``None``,
        or an awaitable to ``await`` for an ``async def`` consumer inside a running loop.
        """
        __tracebackhide__ = True
        model, channel = self._open()
        try:
            result = consumer(channel)
        except Exception as exc:
            channel.finish(exc)
            raise
        if not inspect.isawaitable(result):
            self._close(model, channel)
            return None
        return _awaited(self._finish(model, channel, result))

    async def averify(self, consumer: ConsumerFunction) -> None:
        """``verify`` for ``async`` tests (works with sync and ``async def`` consumers)."""
        __tracebackhide__ = True
        model, channel = self._open()
        try:
            result = consumer(channel)
        except Exception as exc:
            channel.finish(exc)
            raise
        if inspect.isawaitable(result):
            await self._finish(model, channel, result)
        else:
            self._close(model, channel)

    def _open(self) -> tuple[SynchronousMessages, SyncChannel]:
        model = self._model()
        self.used = True
        return model, SyncChannel(self.description, model, self._pact.specification,
                                  self._pact.catalogue)

    async def _finish(self, model: SynchronousMessages, channel: SyncChannel,
                      result: Awaitable[Any]) -> None:
        __tracebackhide__ = True
        try:
            await result
        except Exception as exc:
            channel.finish(exc)
            raise
        self._close(model, channel)

    def _close(self, model: SynchronousMessages, channel: SyncChannel) -> None:
        __tracebackhide__ = True
        channel.finish()
        self._pact.record([model])

    def verify_with_handler(self, handler: Callable[..., object]) -> Finished:
        """``pact.verify(handler, "Sync")``: a one-argument ``handler(channel)`` is a consumer
        function (``verify``); pact-python's two-argument ``handler(body, metadata)`` gets the
        request message as pact-python passes it, and what it returns, unless ``None``, must
        match a response."""
        __tracebackhide__ = True
        if _takes_one_argument(handler):
            return self.verify(handler)
        model = self._model()
        self.used = True
        body, metadata = pact_python_message(model.request)
        return _run(handler(body, metadata), lambda r: self._check_returned(model, r))

    def _check_returned(self, model: SynchronousMessages, returned: Any) -> None:
        __tracebackhide__ = True
        # imported here: the matching engine is needed only when a message is checked
        from accord.matching import match_message

        if returned is None:  # pact-python's handlers return nothing
            self._pact.record([model])
            return
        actual = _returned_contents(returned, model.responses[0])
        problems: list[str] = []
        for index, expected in enumerate(model.responses):
            result = match_message(expected, actual, spec=self._pact.specification,
                                   plugin_config=model.plugin_config,
                                   catalogue=self._pact.catalogue)
            if result.ok:
                self._pact.record([model])
                return
            lines = "\n".join(f"    {m.describe()}" for m in result.mismatches)
            problems.append(f"  response {index + 1}:\n{lines}")
        raise MismatchError(
            f"synchronous message {self.description!r}: the handler's response matches none "
            "of the declared responses\n" + "\n".join(problems))


def _json_values(metadata: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, text in metadata.items():
        try:
            out[key] = json.loads(text)
        except (TypeError, ValueError):
            raise ContractDefinitionError(
                f"interaction {where!r}: set_metadata() takes JSON text; {key}={text!r} is "
                "not (use with_metadata() for plain values)") from None
    return out


def _takes_one_argument(fn: Callable[..., Any]) -> bool:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    for args in ((None, None), (None,)):
        try:
            signature.bind(*args)
        except TypeError:
            continue
        return len(args) == 1
    return False


def _default_ct(content: Any, content_type: str | None) -> str | None:
    if content_type is not None or content is None:
        return content_type
    if isinstance(content, (bytes, bytearray)):
        return "application/octet-stream"
    return None


def _metadata_content_type(metadata: Mapping[str, Any]) -> str | None:
    return message_content_type(metadata)


def _sent_contents(body: Any, metadata: Mapping[str, Any] | None, like: MessageContents
                   ) -> MessageContents:
    """What the consumer sent, as message contents to match against the contract's request.

    Bytes and text are read with the sent ``contentType`` metadata, else the contract's
    content type (so JSON encoded by the consumer is compared as JSON); other values are JSON.
    """
    meta = dict(metadata or {})
    content_type = _metadata_content_type(meta) or like.content_type
    if body is None:
        built = Body.missing()
    elif isinstance(body, (bytes, bytearray, memoryview)):
        built = Body.of_bytes(bytes(body), content_type or "application/octet-stream")
    elif isinstance(body, str):
        built = Body.of_text(body, content_type)
    else:
        built = Body.of_json(body, content_type if is_json_type(content_type) and content_type
                             else "application/json")
    return MessageContents(body=built, metadata=meta)


def _returned_contents(returned: Any, like: MessageContents) -> MessageContents:
    """What a pact-python style handler returned (a body or ``(body, metadata)``)."""
    metadata: dict[str, Any] = {}
    body = returned
    if isinstance(returned, tuple) and len(returned) == 2 and isinstance(returned[1], Mapping):
        body, metadata = returned[0], dict(returned[1])
    return _sent_contents(body, metadata, like)
