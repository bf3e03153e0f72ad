"""A user service that answers in XML: a Flask application over a dict.

    flask --app xml_example.provider:app run
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, tostring

from flask import Flask, Response

__all__ = ["User", "app", "create_app", "users"]


@dataclass
class User:
    id: int
    name: str
    email: str | None = None
    hobbies: list[str] = field(default_factory=list)

    def to_xml(self) -> bytes:
        root = Element("user", id=str(self.id))
        SubElement(root, "name").text = self.name
        if self.email:
            SubElement(root, "email").text = self.email
        hobbies = SubElement(root, "hobbies")
        for hobby in self.hobbies:
            SubElement(hobbies, "hobby").text = hobby
        return tostring(root, encoding="utf-8", xml_declaration=True)


def create_app(store: dict[int, User]) -> Flask:
    app = Flask(__name__)

    @app.get("/users/<int:user_id>")
    def get_user(user_id: int) -> Response:
        user = store.get(user_id)
        if user is None:
            body = b"<?xml version='1.0' encoding='utf-8'?>\n<error>User not found</error>"
            return Response(body, status=404, mimetype="application/xml")
        return Response(user.to_xml(), mimetype="application/xml")

    return app


users: dict[int, User] = {}
app = create_app(users)
