"""Responses shared by the page families: protocol replies, request bodies, error handlers."""

from __future__ import annotations

import json
import logging

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from .protocol import Reply, error_reply

log = logging.getLogger("kzgraph.serve")
RDF_OFFERS = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdfxml",
}


CHUNK = 64 * 1024  # bytes handed to the server at a time: a client that doesn't read holds one


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


def bytes_response(
    body: bytes, status: int = 200, media_type: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """`body` sent in CHUNK pieces at the pace the client reads (uvicorn waits for the socket to
    drain), so that a slow or stalled client never makes the server copy a whole answer."""
    if len(body) <= CHUNK:
        return Response(body, status_code=status, media_type=media_type, headers=headers)

    async def pieces():
        view = memoryview(body)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])

    headers = {**(headers or {}), "Content-Length": str(len(body))}
    return StreamingResponse(pieces(), status_code=status, media_type=media_type, headers=headers)


def reply_response(reply: Reply, headers: dict[str, str] | None = None) -> Response:
    return bytes_response(reply.body, reply.status, reply.media_type, {**reply.headers, **(headers or {})})


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return reply_response(error_reply(status, message), headers)


def too_large(limit: int) -> Response:
    # Closing the connection stops the client's upload instead of reading the rest of it.
    message = f"The request body is larger than the {limit} byte limit"
    return error_response(413, message, {"Connection": "close"})


def content_type(header: str | None) -> tuple[str | None, str | None]:
    """The media type and charset of a Content-Type header, lower-cased."""
    if not header:
        return None, None
    media_type, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


async def read_body(request: Request, limit: int, seconds: float) -> bytes:
    """The body, refused as soon as it is known to be over `limit` bytes (declared or received),
    or when it has not all arrived within `seconds` (BodyTooSlow)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    chunks, size = [], 0
    with anyio.move_on_after(seconds) as deadline:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
    if deadline.cancelled_caught:
        raise BodyTooSlow
    return b"".join(chunks)


def script_json(value: object) -> str:
    """JSON safe to put inside a <script type="application/json"> element."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


async def http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return error_response(404, f"Nothing here: {request.url.path} (try /, /sparql, /queries)")
    return error_response(exc.status_code, exc.detail, dict(exc.headers or {}))


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("error answering %s %s", request.method, request.url.path, exc_info=exc)
    # Not passed through the middleware (Starlette answers these outermost): say nosniff here.
    return error_response(500, "Internal server error", {"X-Content-Type-Options": "nosniff"})
