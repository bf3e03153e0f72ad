"""The message classes of ``person.proto``.

A real application imports the ``person_pb2`` module that ``protoc --python_out`` generates.
To stay free of generated code, the example compiles the ``.proto`` file when it is imported,
with the same in-process protoc that accord uses (``grpcio-tools``); the classes behave exactly
like generated ones (``Person(name=...)``, ``SerializeToString()``, ``FromString(...)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.plugins.protobuf import compile_proto

PROTO_FILE = Path(__file__).with_name("person.proto")

_descriptors = compile_proto(PROTO_FILE)
Person: Any = _descriptors.message_class("person.Person")
AddressBook: Any = _descriptors.message_class("person.AddressBook")
AddPersonRequest: Any = _descriptors.message_class("person.AddPersonRequest")
GetPersonRequest: Any = _descriptors.message_class("person.GetPersonRequest")
GET_PERSON = "/person.AddressBookService/GetPerson"  # the gRPC method path


def address_book() -> Any:
    """The sample address book of pact-python's example: Alice and Bob."""
    return AddressBook(people=[
        Person(name="Alice", id=1, email="alice@gmail.com", phones=[
            Person.PhoneNumber(number="123-456-7890", type=Person.PHONE_TYPE_HOME),
            Person.PhoneNumber(number="987-654-3210", type=Person.PHONE_TYPE_MOBILE),
        ]),
        Person(name="Bob", id=2, email="bob@gmail.com", phones=[
            Person.PhoneNumber(number="555-555-5555", type=Person.PHONE_TYPE_WORK),
        ]),
    ])
