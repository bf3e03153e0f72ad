"""The provider: a Flask app serving the address book as Protocol Buffers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

from person_example.messages import AddPersonRequest, AddressBook

PROTOBUF = "application/x-protobuf"


def create_app(book: Any | None = None) -> Flask:
    app = Flask("address-book")
    app.config["book"] = book if book is not None else AddressBook()

    @app.get("/person/<int:person_id>")
    def get_person(person_id: int) -> Any:
        for person in app.config["book"].people:
            if person.id == person_id:
                return Response(person.SerializeToString(), content_type=PROTOBUF)
        return jsonify(detail="Person not found"), 404

    @app.post("/people")
    def add_person() -> Response:
        added = AddPersonRequest.FromString(request.get_data()).person
        added.id = max((p.id for p in app.config["book"].people), default=0) + 1
        app.config["book"].people.append(added)
        return Response(added.SerializeToString(), status=201, content_type=PROTOBUF)

    return app
