"""The consumer: a client of the address book that speaks Protocol Buffers over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from person_example.messages import AddPersonRequest, Person

PROTOBUF = "application/x-protobuf"


class PersonNotFound(LookupError):
    pass


class AddressBookClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def person(self, person_id: int) -> Any:
        """The ``Person`` with ``person_id``; ``PersonNotFound`` when there is none."""
        response = httpx.get(f"{self.base_url}/person/{person_id}",
                             headers={"Accept": PROTOBUF})
        if response.status_code == 404:
            raise PersonNotFound(person_id)
        response.raise_for_status()
        return Person.FromString(response.content)

    def add(self, person: Any) -> Any:
        """Add ``person``; the provider answers with the stored ``Person`` (its new id)."""
        response = httpx.post(f"{self.base_url}/people",
                              content=AddPersonRequest(person=person).SerializeToString(),
                              headers={"Content-Type": PROTOBUF, "Accept": PROTOBUF})
        response.raise_for_status()
        return Person.FromString(response.content)
