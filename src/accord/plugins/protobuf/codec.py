"""Protobuf messages as plain data, and back.

Matching and generation work on the structured form of a message — a dict keyed by the
``.proto`` field names (the names the official plugin's rule paths use: ``$.rectangle.length``),
enums by value name, bytes as base64 text, repeated fields as lists, map fields as dicts — so
accord's JSON comparison can apply the pact's rules field by field.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from accord.model.jsontypes import JsonMapping, JsonObject

if TYPE_CHECKING:
    from google.protobuf.descriptor import FieldDescriptor
    from google.protobuf.message import Message

__all__ = ["data_of", "fill_message", "is_map", "is_repeated", "parse_message"]

# FieldDescriptor constants (stable across protobuf versions).
_TYPE_ENUM = 14
_TYPE_BYTES = 12
_TYPE_MESSAGE = 11
_TYPE_GROUP = 10
_FLOATS = (1, 2)  # double, float
_BOOL = 8
_STRING = 9


def is_repeated(field: FieldDescriptor) -> bool:
    """Repeated (``is_repeated`` in protobuf 6+, ``label`` before)."""
    flag = getattr(field, "is_repeated", None)
    if flag is not None:
        return bool(flag)
    return bool(field.label == 3)


def is_map(field: FieldDescriptor) -> bool:
    mt = field.message_type
    return bool(field.type == _TYPE_MESSAGE and mt is not None and mt.GetOptions().map_entry)


def parse_message(cls: type[Message], data: bytes) -> Message:
    """``data`` parsed as ``cls``; ``ValueError`` when the bytes are not such a message."""
    from google.protobuf.message import DecodeError

    message = cls()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        raise ValueError(str(exc) or "not a valid protobuf message") from None
    return message


def _scalar(field: Any, value: Any, bytes_as: str = "base64") -> Any:
    if field.type == _TYPE_ENUM:
        enum_value = field.enum_type.values_by_number.get(value)
        return enum_value.name if enum_value is not None else value
    if field.type == _TYPE_BYTES:
        return list(value) if bytes_as == "list" else base64.b64encode(value).decode("ascii")
    return value


def data_of(message: Message, template: JsonMapping | None = None, *,
            bytes_as: str = "base64") -> JsonObject:
    """The fields ``message`` sets, as data. Fields the ``template`` (the expected data) has
    but the message does not set are given their default value, so that an expected field is
    compared with what proto3 means by an absent one (embedded messages and oneof members
    have presence: unset, they are missing). Bytes are base64 text (``bytes_as``
    ``"list"``: lists of byte values, as a plugin configuration gives them)."""

    def _value(field: Any, value: Any, template: Any) -> Any:
        if field.type in (_TYPE_MESSAGE, _TYPE_GROUP):
            return data_of(value, template if isinstance(template, Mapping) else None,
                           bytes_as=bytes_as)
        return _scalar(field, value, bytes_as)

    out: dict[str, Any] = {}
    for field, value in message.ListFields():
        name = field.name
        sub = template.get(name) if template else None
        if is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            entries = sub if isinstance(sub, Mapping) else {}
            out[name] = {str(k): _value(value_field, v, entries.get(str(k)))
                         for k, v in value.items()}
        elif is_repeated(field):
            items = sub if isinstance(sub, list) else []
            out[name] = [
                _value(field, v, items[i] if i < len(items) else (items[0] if items else None))
                for i, v in enumerate(value)]
        else:
            out[name] = _value(field, value, sub)
    if template:
        by_name = message.DESCRIPTOR.fields_by_name
        for name in template:
            if name in out or name not in by_name:
                continue
            field = by_name[name]
            if is_map(field):
                out[name] = {}
            elif is_repeated(field):
                out[name] = []
            elif field.type in (_TYPE_MESSAGE, _TYPE_GROUP) or field.containing_oneof:
                continue  # these have presence: an unset one is missing, not a default
            else:
                out[name] = _scalar(field, field.default_value, bytes_as)
    return out


def fill_message(message: Message, data: JsonMapping, where: str = "$", *,
                 bytes_base64: bool = False) -> Message:
    """Set ``message``'s fields from ``data``: a consumer's example values, or (with
    ``bytes_base64``) the shape ``data_of`` returns, where bytes are base64 text."""
    def coerce(field: Any, value: Any, path: str) -> Any:
        if bytes_base64 and field.type == _TYPE_BYTES and isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                raise ValueError(f"{path}: {value!r} is not base64") from None
        return _coerce(field, value, path)

    by_name = message.DESCRIPTOR.fields_by_name
    for name, value in data.items():
        field = by_name.get(name)
        if field is None:
            raise ValueError(f"{where}: the message {message.DESCRIPTOR.full_name} has no field "
                             f"{name!r} (fields: {', '.join(by_name)})")
        path = f"{where}.{name}"
        if is_map(field):
            target = getattr(message, name)
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            for k, v in (value or {}).items():
                key = _coerce(key_field, k, f"{path}.{k}")
                if value_field.type == _TYPE_MESSAGE:
                    fill_message(target[key], v, f"{path}.{k}", bytes_base64=bytes_base64)
                else:
                    target[key] = coerce(value_field, v, f"{path}.{k}")
        elif is_repeated(field):
            target = getattr(message, name)
            for i, item in enumerate(value if isinstance(value, list) else [value]):
                if field.type == _TYPE_MESSAGE:
                    fill_message(target.add(), item, f"{path}[{i}]", bytes_base64=bytes_base64)
                else:
                    target.append(coerce(field, item, f"{path}[{i}]"))
        elif field.type == _TYPE_MESSAGE:
            if not isinstance(value, Mapping):
                raise ValueError(f"{path}: expected the fields of a "
                                 f"{field.message_type.full_name} message, got {value!r}")
            sub = getattr(message, name)
            sub.SetInParent()
            fill_message(sub, value, path, bytes_base64=bytes_base64)
        else:
            setattr(message, name, coerce(field, value, path))
    return message


def _coerce(field: Any, value: Any, path: str) -> Any:
    """A configuration value (often text: ``'12'``, ``'true'``) as the field's Python type."""
    kind = field.type
    try:
        if kind == _TYPE_ENUM:
            if isinstance(value, str) and not value.lstrip("-").isdigit():
                enum_value = field.enum_type.values_by_name.get(value)
                if enum_value is None:
                    raise ValueError(f"{value!r} is not one of "
                                     f"{', '.join(field.enum_type.values_by_name)}")
                return enum_value.number
            return int(value)
        if kind == _TYPE_BYTES:
            if isinstance(value, list):
                return bytes(value)
            if isinstance(value, bytes):
                return value
            return str(value).encode("utf-8")
        if kind == _STRING:
            return "" if value is None else str(value)
        if kind == _BOOL:
            if isinstance(value, str):
                if value.strip().lower() not in ("true", "false"):
                    raise ValueError(f"{value!r} is not true or false")
                return value.strip().lower() == "true"
            return bool(value)
        if kind in _FLOATS:
            return float(value)
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"{value!r} is not a whole number")
            return int(value)
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None
