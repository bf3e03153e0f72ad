"""The address book as a gRPC service: a grpcio client and server for ``GetPerson``.

With generated code these would be ``person_pb2_grpc.AddressBookServiceStub`` and
``AddressBookServiceServicer``; the example registers the one unary method by hand instead.
"""

from __future__ import annotations

from concurrent import futures
from typing import Any

import grpc

from person_example.messages import GET_PERSON, AddressBook, GetPersonRequest, Person


class AddressBookGrpcClient:
    def __init__(self, address: str) -> None:
        self._channel = grpc.insecure_channel(address)
        self._get_person = self._channel.unary_unary(
            GET_PERSON, request_serializer=GetPersonRequest.SerializeToString,
            response_deserializer=Person.FromString)

    def person(self, person_id: int) -> Any:
        """The ``Person`` with ``person_id`` (``grpc.RpcError`` NOT_FOUND when there is none)."""
        return self._get_person(GetPersonRequest(person_id=person_id), timeout=5)

    def close(self) -> None:
        self._channel.close()


class _AddressBookService(grpc.GenericRpcHandler):
    def __init__(self, book: Any) -> None:
        self.book = book

    def service(self, details: Any) -> Any:
        if details.method != GET_PERSON:
            return None
        return grpc.unary_unary_rpc_method_handler(
            self.get_person, request_deserializer=GetPersonRequest.FromString,
            response_serializer=Person.SerializeToString)

    def get_person(self, request: Any, context: Any) -> Any:
        for person in self.book.people:
            if person.id == request.person_id:
                return person
        context.abort(grpc.StatusCode.NOT_FOUND, "Person not found")
        return None


def serve(book: Any | None = None, address: str = "127.0.0.1:0") -> tuple[Any, int]:
    """Start the gRPC server; (the server, its port). ``server.stop(None)`` stops it."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((_AddressBookService(
        book if book is not None else AddressBook()),))
    port = server.add_insecure_port(address)
    server.start()
    return server, port
