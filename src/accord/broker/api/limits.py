"""The request body limit, enforced while the body arrives (never after buffering it all)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from accord.broker.api.hal import json_response

__all__ = ["BodyTooLarge", "read_body", "too_large_response"]


class BodyTooLarge(Exception):
    def __init__(self, limit: int, declared: int | None = None) -> None:
        super().__init__(f"request body larger than {limit} bytes")
        self.limit = limit
        self.declared = declared


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or ``BodyTooLarge`` as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit, int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large_response(err: BodyTooLarge, instance: str) -> Response:
    """413 as an RFC 9457 problem; the connection is closed (the rest is never read)."""
    size = f" ({err.declared} bytes)" if err.declared is not None else ""
    detail = (
        f"The request body{size} is larger than this broker accepts ({err.limit} bytes; "
        "see ACCORD_BROKER_MAX_BODY_SIZE)."
    )
    problem = {
        "title": "Content too large",
        "type": "https://pact-broker/problems/content-too-large",
        "detail": detail,
        "status": 413,
        "instance": instance,
        "error": detail,
    }
    return json_response(
        problem, 413, "application/problem+json;charset=utf-8", headers={"Connection": "close"}
    )
