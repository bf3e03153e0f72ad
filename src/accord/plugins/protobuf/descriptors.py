"""Where message descriptors come from, and how a pact carries them.

The official plugin compiles the consumer's ``.proto`` file with ``protoc --include_imports``,
stores the ``FileDescriptorSet`` (base64) and the ``.proto`` text in the pact's
``metadata.plugins[].configuration`` under the MD5 of the set's bytes (the *descriptor key*),
and names that key in each interaction's ``pluginConfiguration``. accord does the same:

- ``compile_proto(path)`` runs protoc in process through ``grpcio-tools`` (the same compiler,
  so the bytes — and the key — are the ones the official plugin writes);
- ``descriptor_set_of(message_class)`` reads the set from a compiled ``*_pb2`` class;
- ``DescriptorSet`` wraps the bytes: its key, its pool, and message lookups by name.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from accord.model.jsontypes import JsonMapping
from accord.model.valueclass import dataclass
from accord.plugins.api import PluginError

if TYPE_CHECKING:
    from google.protobuf.descriptor import Descriptor, ServiceDescriptor
    from google.protobuf.descriptor_pb2 import FileDescriptorProto
    from google.protobuf.descriptor_pool import DescriptorPool
    from google.protobuf.message import Message

__all__ = [
    "DescriptorSet",
    "compile_proto",
    "descriptor_set_of",
    "descriptor_sets_in",
    "require_protobuf",
]

INSTALL_HINT = "install it with `pip install 'accord[protobuf]'`"


def require_protobuf() -> tuple[ModuleType, ModuleType, ModuleType]:
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError:
        raise PluginError(
            f"the protobuf plugin needs the 'protobuf' package: {INSTALL_HINT}") from None
    return descriptor_pb2, descriptor_pool, message_factory


@dataclass
class DescriptorSet:
    """A serialized ``FileDescriptorSet`` plus what is derived from it (pool, classes)."""

    data: bytes
    proto_file: str = ""
    _pool: Any = field(default=None, repr=False)
    _classes: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        """The official plugin's descriptor key: the MD5 of the set's bytes, in hex."""
        return hashlib.md5(self.data, usedforsecurity=False).hexdigest()

    @property
    def encoded(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    def pact_entry(self) -> dict[str, str]:
        """This set as ``metadata.plugins[].configuration[key]``."""
        return {"protoDescriptors": self.encoded, "protoFile": self.proto_file}

    @property
    def files(self) -> list[FileDescriptorProto]:
        descriptor_pb2, _, _ = require_protobuf()
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(self.data)
        return list(fds.file)

    @property
    def pool(self) -> DescriptorPool:
        if self._pool is None:
            _, descriptor_pool, _ = require_protobuf()
            pool = descriptor_pool.DescriptorPool()
            for file in self.files:
                try:
                    pool.Add(file)
                except (TypeError, ValueError) as exc:  # a broken or duplicate file
                    raise PluginError(
                        f"protobuf plugin: the descriptors of {file.name!r} do not load: {exc}"
                    ) from None
            self._pool = pool
        return self._pool

    def message_names(self) -> list[str]:
        out: list[str] = []

        def walk(prefix: str, messages: Iterable[Any]) -> None:
            for m in messages:
                name = f"{prefix}.{m.name}" if prefix else m.name
                out.append(name)
                walk(name, m.nested_type)

        for file in self.files:
            walk(file.package, file.message_type)
        return out

    def find_message(self, name: str) -> Descriptor | None:
        """The descriptor of message ``name`` — fully qualified (``.pkg.Msg``, ``pkg.Msg``) or,
        as older plugin versions wrote it, the bare name when it is unambiguous."""
        wanted = name.strip().lstrip(".")
        names = self.message_names()
        if wanted not in names:
            matches = [n for n in names if n == wanted or n.endswith("." + wanted)]
            if len(matches) != 1:
                return None
            wanted = matches[0]
        return self.pool.FindMessageTypeByName(wanted)

    def message_class(self, name: str) -> type[Message]:
        """A message class for ``name`` (``PluginError`` naming the known messages if absent)."""
        cached = self._classes.get(name)
        if cached is not None:
            return cached
        descriptor = self.find_message(name)
        if descriptor is None:
            raise PluginError(
                f"protobuf plugin: the descriptors hold no message {name!r} (messages: "
                f"{', '.join(self.message_names()) or 'none'})")
        _, _, message_factory = require_protobuf()
        cls = message_factory.GetMessageClass(descriptor)
        self._classes[name] = cls
        return cls

    def find_service(self, name: str) -> ServiceDescriptor | None:
        wanted = name.strip().lstrip(".")
        for file in self.files:
            for service in file.service:
                full = f"{file.package}.{service.name}" if file.package else service.name
                if wanted in (full, service.name):
                    return self.pool.FindServiceByName(full)
        return None


def compile_proto(path: str | os.PathLike[str],
                  include_dirs: Iterable[str | os.PathLike[str]] = ()) -> DescriptorSet:
    """Compile a ``.proto`` file (and its imports) as ``protoc --include_imports -o`` does.

    protoc runs from ``grpcio-tools`` in a child process, so that its messages can be shown
    in the error; the result is kept per file version (path, size, modification time)."""
    proto = Path(path)
    if not proto.is_file():
        raise PluginError(f"protobuf plugin: the proto file {str(proto)!r} does not exist")
    stat = proto.stat()
    includes = tuple(str(Path(d).resolve()) for d in include_dirs)
    return _compiled(str(proto.resolve()), stat.st_size, stat.st_mtime_ns, includes)


@functools.lru_cache(maxsize=64)
def _compiled(path: str, size: int, mtime_ns: int, includes: tuple[str, ...]) -> DescriptorSet:
    if importlib.util.find_spec("grpc_tools") is None:
        raise PluginError(
            "protobuf plugin: compiling .proto files needs 'grpcio-tools' (its protoc): "
            f"{INSTALL_HINT} — or pass a compiled message class or a FileDescriptorSet")
    proto = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "set.bin"
        # The file is named relative to its include directory, as the official plugin names
        # it: the name is part of the descriptors, hence of their key.
        args = [sys.executable, "-c", _PROTOC, f"-I{proto.parent}",
                *(f"-I{d}" for d in includes), "--include_imports",
                f"--descriptor_set_out={out}", proto.name]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0 or not out.exists():
            errors = "\n".join(line for line in done.stderr.splitlines()
                               if line.strip() and "absl::InitializeLog" not in line
                               and not line.startswith("W0000"))
            raise PluginError(
                f"protobuf plugin: protoc could not compile {path!r}:\n{errors[-2000:]}")
        data = out.read_bytes()
    return DescriptorSet(data, proto.read_text(encoding="utf-8"))


# protoc with the well-known types (google/protobuf/*.proto) that grpcio-tools ships.
_PROTOC = (
    "import sys, importlib.resources; from grpc_tools import protoc; "
    "wkt = str(importlib.resources.files('grpc_tools') / '_proto'); "
    "sys.exit(protoc.main(['protoc', *sys.argv[1:], '-I' + wkt]))"
)


def descriptor_set_of(message: type[Message] | Message) -> DescriptorSet:
    """The ``FileDescriptorSet`` of a compiled message class (or instance) and its imports,
    in dependency order, as protoc writes it."""
    descriptor_pb2, _, _ = require_protobuf()
    descriptor = getattr(message, "DESCRIPTOR", None)
    file = getattr(descriptor, "file", None)
    if file is None:
        raise PluginError(
            f"protobuf plugin: {message!r} is not a compiled protobuf message class")
    seen: dict[str, Any] = {}

    def add(f: Any) -> None:
        if f.name in seen:
            return
        for dep in f.dependencies:
            add(dep)
        proto = descriptor_pb2.FileDescriptorProto()
        f.CopyToProto(proto)
        seen[f.name] = proto

    add(file)
    fds = descriptor_pb2.FileDescriptorSet(file=list(seen.values()))
    return DescriptorSet(fds.SerializeToString(deterministic=True))


def descriptor_sets_in(configuration: JsonMapping) -> list[DescriptorSet]:
    """The descriptor sets a pact's ``metadata.plugins[protobuf].configuration`` carries."""
    out = []
    for key, entry in configuration.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("protoDescriptors"), str):
            continue
        try:
            data = base64.b64decode(entry["protoDescriptors"], validate=True)
        except ValueError:
            raise PluginError(
                f"protobuf plugin: the pact's descriptors {key!r} are not valid base64") from None
        out.append(DescriptorSet(data, str(entry.get("protoFile") or "")))
    return out
