"""Protocol Buffers bodies, in the official pact-protobuf-plugin's shape (``accord[protobuf]``).

Consumer tests configure a message the official way::

    interaction.with_plugin_contents("application/protobuf", {
        "pact:proto": "proto/person.proto",
        "pact:message-type": "Person",
        "name": "notEmpty('Alice')",
        "id": "matching(integer, 1)",
        "phones": {"number": "matching(regex, '\\\\d{3}-\\\\d{4}', '555-1234')"},
    })

or the Pythonic way, with a compiled message class in place of the ``.proto`` file
(``protobuf_contents(Person, {...})`` builds the same dict). The pact gets the encoded example
message (``application/protobuf; message=.person.Person``), rules at the official paths
(``$.name``, ``$.phones.*.number``), ``pluginConfiguration.protobuf`` with the descriptor key
and the message, and the compiled descriptors in ``metadata.plugins[].configuration``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from accord.plugins.protobuf.descriptors import (
    DescriptorSet,
    compile_proto,
    descriptor_set_of,
)
from accord.plugins.protobuf.plugin import ProtobufPlugin, message_name_of

if TYPE_CHECKING:
    from google.protobuf.message import Message

    from accord.consumer.matchers import Matchable

__all__ = [
    "DescriptorSet",
    "ProtobufPlugin",
    "compile_proto",
    "descriptor_set_of",
    "message_name_of",
    "protobuf_contents",
]


def protobuf_contents(message: type[Message] | Message,
                      fields: Mapping[str, Matchable] | None = None, *,
                      content_type: str | None = None) -> dict[str, Matchable]:
    """The plugin configuration for a compiled message class — or a message instance, whose
    set fields become the example values (compared by equality unless ``fields`` gives
    rules for them)::

        .with_plugin_contents("application/protobuf", protobuf_contents(Person, {
            "name": "notEmpty('Alice')", "id": match.integer(1)}))
    """
    from accord.plugins.protobuf.codec import data_of

    cls = message if isinstance(message, type) else type(message)
    if not hasattr(cls, "DESCRIPTOR"):
        raise TypeError(f"protobuf_contents needs a compiled protobuf message class or "
                        f"message, got {message!r}")
    config: dict[str, Any] = {"pact:proto": cls, "pact:message-type": cls}
    if content_type:  # else the content type given to with_plugin_contents
        config["pact:content-type"] = content_type
    if not isinstance(message, type):
        config.update(data_of(message, bytes_as="list"))
    config.update(fields or {})
    return config
