"""The protobuf content plugin: ``application/protobuf`` bodies built, matched and generated
field by field, in the official pact-protobuf-plugin's pact shape."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from accord.matching import Mismatch
from accord.model.body import Body, BodyState
from accord.model.generators import Generator
from accord.model.jsontypes import JsonMapping
from accord.plugins.api import ContentMatchContext, Plugin, PluginContents, PluginError
from accord.plugins.protobuf.codec import data_of, fill_message, is_repeated, parse_message
from accord.plugins.protobuf.config import build_message
from accord.plugins.protobuf.descriptors import (
    DescriptorSet,
    compile_proto,
    descriptor_set_of,
    descriptor_sets_in,
    require_protobuf,
)

if TYPE_CHECKING:
    from google.protobuf.descriptor import Descriptor

    from accord.generation import GeneratorContext

__all__ = ["ProtobufPlugin", "message_name_of"]

_SETTINGS_PREFIX = "pact:"


def message_name_of(content_type: str | None) -> str | None:
    """The ``message=`` parameter of ``application/protobuf; message=.pkg.Msg``."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "message" and value.strip():
            return value.strip().strip('"')
    return None


class ProtobufPlugin(Plugin):
    """Protocol Buffers messages (proto3), as the official protobuf plugin handles them.

    The instance keeps the descriptor sets it has seen — compiled for a consumer test, or read
    from a pact's ``metadata.plugins`` by ``load_pact_configuration`` — keyed by their
    descriptor key: a cache of immutable data, so sharing it between pacts is safe.
    """

    name: ClassVar[str] = "protobuf"
    version: ClassVar[str] = "0.5.1"  # the official plugin version whose pact shape we write
    content_types: ClassVar[tuple[str, ...]] = (
        "application/protobuf", "application/x-protobuf", "application/vnd.google.protobuf",
        "application/grpc", "application/grpc+proto",
    )

    def __init__(self) -> None:
        self._sets: dict[str, DescriptorSet] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ descriptors

    def add_descriptors(self, descriptors: DescriptorSet) -> DescriptorSet:
        with self._lock:
            return self._sets.setdefault(descriptors.key, descriptors)

    def load_pact_configuration(self, configuration: JsonMapping) -> None:
        require_protobuf()  # a pact that needs protobuf says how to install it, up front
        for descriptors in descriptor_sets_in(configuration):
            self.add_descriptors(descriptors)

    def descriptors_with_key(self, key: str) -> DescriptorSet | None:
        return self._sets.get(key)

    def descriptors_for(self, message: str, key: str | None = None) -> DescriptorSet | None:
        """The descriptor set named by ``key``, else the (first) one that has ``message``."""
        if key and key in self._sets:
            return self._sets[key]
        for descriptors in list(self._sets.values()):
            if descriptors.find_message(message) is not None:
                return descriptors
        return None

    # ------------------------------------------------------------------ consumer side

    def configure_contents(self, content_type: str, config: JsonMapping) -> PluginContents:
        descriptors = self.add_descriptors(_source_of(config))
        base = str(config.get("pact:content-type") or content_type).split(";")[0].strip()
        if not base or base.lower().startswith("application/grpc"):
            base = "application/protobuf"  # gRPC payloads are protobuf messages, as upstream
        service = config.get("pact:proto-service")
        message_type = config.get("pact:message-type")
        plugin_config: dict[str, Any]
        if message_type is not None:
            name = message_type if isinstance(message_type, str) else _class_name(message_type)
            cls = descriptors.message_class(name)
            fields = config
            full = "." + cls.DESCRIPTOR.full_name
            plugin_config = {"descriptorKey": descriptors.key, "message": full}
        elif isinstance(service, str):
            cls, fields, full_service = _service_part(descriptors, service, config)
            full = "." + cls.DESCRIPTOR.full_name
            plugin_config = {"descriptorKey": descriptors.key, "service": full_service}
        else:
            raise PluginError(
                "protobuf plugin: say which message the contents are: 'pact:message-type' "
                "(a message name or a compiled message class) or 'pact:proto-service' "
                "('Service/Method:request' or 'Service/Method:response')")
        built = build_message(cls.DESCRIPTOR, fields)
        try:
            message = fill_message(cls(), built.data)
        except ValueError as exc:
            raise PluginError(f"protobuf plugin: {exc}") from None
        body = Body(BodyState.PRESENT, message.SerializeToString(deterministic=True),
                    f"{base}; message={full}", "BINARY")
        return PluginContents(
            body=body,
            matching_rules=built.rule_lists(),
            generators=built.generators,
            plugin_config=plugin_config,
            interaction_markup=markup_of(cls.DESCRIPTOR),
            pact_configuration={descriptors.key: descriptors.pact_entry()},
        )

    # ------------------------------------------------------------------ matching

    def match_contents(
        self, expected: Body, actual: Body, context: ContentMatchContext
    ) -> list[Mismatch]:
        from accord.matching.json_body import JsonContext, compare_json
        from accord.matching.rules import RuleIndex

        if not (message_name_of(expected.content_type) or context.plugin_config.get("message")):
            # protobuf bytes written without the plugin (pact-python's with_binary_body):
            # no message type to decode with, so the bytes are compared as they are
            if _bytes(expected) == _bytes(actual):
                return []
            return [context.mismatch(
                "$", f"{len(_bytes(expected))} bytes", f"{len(_bytes(actual))} bytes",
                "Expected the same protobuf bytes as the pact's (its content type names no "
                "message type, e.g. application/protobuf; message=.pkg.Msg, to compare "
                "them field by field)")]
        try:
            cls = self._class_for(expected, context.plugin_config)
        except PluginError as exc:
            # no descriptors for the message (a pact written without its metadata.plugins
            # entry): the same bytes still match, as they do before this plugin is loaded;
            # the verdict must not depend on which pacts this process has read before
            if _bytes(expected) == _bytes(actual):
                return []
            return [context.mismatch(
                "$", f"{len(_bytes(expected))} bytes", f"{len(_bytes(actual))} bytes",
                f"{exc}; without them only the pact's exact bytes can match")]
        name = "." + cls.DESCRIPTOR.full_name
        try:
            wanted = parse_message(cls, _bytes(expected))
        except ValueError as exc:
            return [context.mismatch("$", None, None,
                                     f"The pact's body is not a valid {name} message: {exc}")]
        try:
            got = parse_message(cls, _bytes(actual))
        except ValueError as exc:
            return [context.mismatch(
                "$", None, f"{len(_bytes(actual))} bytes",
                f"Failed to parse the body as a {name} message: {exc}")]
        expected_data = data_of(wanted)
        actual_data = data_of(got, expected_data)
        rules = context.rule_index if context.rule_index is not None else RuleIndex({})
        return compare_json((), expected_data, actual_data,
                            JsonContext(rules, context.allow_unexpected))

    def _class_for(self, body: Body, plugin_config: Mapping[str, Any]) -> Any:
        name = message_name_of(body.content_type) or plugin_config.get("message")
        if not isinstance(name, str) or not name:
            raise PluginError(
                f"protobuf plugin: the content type {body.content_type!r} does not name the "
                "message (application/protobuf; message=.package.Message)")
        key = plugin_config.get("descriptorKey")
        descriptors = self.descriptors_for(name, key if isinstance(key, str) else None)
        if descriptors is None:
            raise PluginError(
                f"protobuf plugin: no descriptors hold the message {name!r}: the pact's "
                "metadata.plugins entry for protobuf should carry them (protoDescriptors)")
        return descriptors.message_class(name)

    # ------------------------------------------------------------------ generating

    def generate_contents(
        self, body: Body, generators: Mapping[str, Generator], context: GeneratorContext
    ) -> Body:
        from accord.generation import apply_body_generators

        if body.state is not BodyState.PRESENT or not generators:
            return body
        try:
            cls = self._class_for(body, {})
            # unset proto3 fields are absent from the bytes; those a generator writes to are
            # given their default first, so that the generator finds them
            data = data_of(parse_message(cls, body.content), _template(generators))
        except (PluginError, ValueError):
            return body
        generated = apply_body_generators(Body.of_json(data), generators, context)
        if generated is not None and generated.state is BodyState.PRESENT:
            try:
                message = fill_message(cls(), generated.json, bytes_base64=True)
            except (ValueError, TypeError) as exc:
                raise PluginError(f"protobuf plugin: a generated value does not fit: {exc}"
                                  ) from None
            return Body(BodyState.PRESENT, message.SerializeToString(deterministic=True),
                        body.content_type, body.content_type_hint)
        return body


def _template(generators: Mapping[str, Generator]) -> dict[str, Any]:
    """``{"a": {"b": None}}`` for a generator at ``$.a.b``: the fields generators write to."""
    from accord.errors import DocPathError
    from accord.model.docpath import DocPath

    template: dict[str, Any] = {}
    for key in generators:
        try:
            tokens = DocPath.parse(key).tokens
        except DocPathError:
            continue
        node = template
        for token in tokens[:-1]:
            if not isinstance(token, str):
                break
            node = node.setdefault(token, {})
        else:
            if tokens and isinstance(tokens[-1], str):
                node.setdefault(tokens[-1], None)
    return template


def _bytes(body: Body) -> bytes:
    return body.content if body.state is BodyState.PRESENT else b""


def _class_name(message_type: Any) -> str:
    descriptor = getattr(message_type, "DESCRIPTOR", None)
    full = getattr(descriptor, "full_name", None)
    if not isinstance(full, str):
        raise PluginError(
            "protobuf plugin: 'pact:message-type' must be a message name or a compiled "
            f"message class, got {message_type!r}")
    return full


def _source_of(config: Mapping[str, Any]) -> DescriptorSet:
    """The descriptors the configuration points at: ``pact:proto`` (a .proto path, a compiled
    message class or module, a FileDescriptorSet or its bytes), else the class given as
    ``pact:message-type``."""
    source = config.get("pact:proto")
    if source is None:
        source = config.get("pact:message-type")
        if isinstance(source, str) or source is None:
            raise PluginError(
                "protobuf plugin: 'pact:proto' is needed: the path of the .proto file (or a "
                "compiled message class, or a FileDescriptorSet)")
    if isinstance(source, (str, os.PathLike)):
        options = config.get("pact:protobuf-config") or {}
        includes = options.get("additionalIncludes") or [] if isinstance(options, Mapping) else []
        if isinstance(includes, str):
            includes = [includes]
        return compile_proto(source, includes)
    if isinstance(source, DescriptorSet):
        return source
    if isinstance(source, (bytes, bytearray)):
        return DescriptorSet(bytes(source))
    if type(source).__name__ == "FileDescriptorSet" and hasattr(source, "SerializeToString"):
        return DescriptorSet(source.SerializeToString(deterministic=True))
    if hasattr(source, "DESCRIPTOR"):
        return descriptor_set_of(source)
    raise PluginError(
        f"protobuf plugin: 'pact:proto' must be a .proto path, a compiled message class or a "
        f"FileDescriptorSet, got {type(source).__name__}")


def _service_part(descriptors: DescriptorSet, service: str, config: Mapping[str, Any]
                  ) -> tuple[Any, Mapping[str, Any], str]:
    """``Service/Method:request`` (or ``:response``) → the message class, its fields, and the
    fully qualified ``.pkg.Service/Method`` the official plugin records."""
    spec, _, part = service.partition(":")
    service_name, _, method_name = spec.partition("/")
    found = descriptors.find_service(service_name)
    if found is None or not method_name:
        raise PluginError(
            f"protobuf plugin: 'pact:proto-service' {service!r} does not name a service method "
            "of the proto file (Service/Method)")
    method = found.methods_by_name.get(method_name)
    if method is None:
        raise PluginError(
            f"protobuf plugin: the service {found.full_name} has no method {method_name!r} "
            f"(methods: {', '.join(found.methods_by_name)})")
    part = part.strip() or "request"
    if part not in ("request", "response"):
        raise PluginError(f"protobuf plugin: {service!r}: the part after ':' is 'request' or "
                          "'response'")
    metadata_key = f"{part}Metadata"
    if metadata_key in config:
        raise PluginError(
            f"protobuf plugin: {metadata_key!r} is not read from the contents: give the "
            f"{part}'s gRPC metadata with .with_metadata({{...}}) on the {part} "
            "(grpc-status / grpc-message there for an expected error)")
    descriptor = method.input_type if part == "request" else method.output_type
    fields = config.get(part) if isinstance(config.get(part), Mapping) else config
    assert isinstance(fields, Mapping)
    return (descriptors.message_class(descriptor.full_name), fields,
            f".{found.full_name}/{method_name}")


_SCALARS = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64",
            7: "fixed32", 8: "bool", 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32",
            16: "sfixed64", 17: "sint32", 18: "sint64"}


def markup_of(descriptor: Descriptor) -> str:
    """CommonMark describing the message, in the official plugin's style."""
    lines = ["```protobuf", f"message {descriptor.name} {{"]
    for f in descriptor.fields:
        if f.message_type is not None:
            kind = f"message .{f.message_type.full_name}"
        elif f.enum_type is not None:
            kind = f"enum .{f.enum_type.full_name}"
        else:
            kind = _SCALARS.get(f.type, "bytes")
        repeated = "repeated " if is_repeated(f) else ""
        lines.append(f"    {repeated}{kind} {f.name} = {f.number};")
    lines += ["}", "```", ""]
    return "\n".join(lines)
