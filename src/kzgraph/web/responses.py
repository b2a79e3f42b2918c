"""Responses shared by the page families: protocol replies, request bodies, error handlers."""

from __future__ import annotations

import json
import logging

import anyio
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .protocol import Reply, error_reply, negotiate

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


def safe_href(href: str | None) -> str | None:
    """`href` if it may be a link (http, https or a path on this site), else None."""
    if not href:
        return None
    if href.startswith("/") or href.lower().startswith(("http://", "https://")):
        return href
    return None


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
        return error_response(404, f"Nothing here: {request.url.path} (try /, /sparql, /queries, /dataset)")
    return error_response(exc.status_code, exc.detail, dict(exc.headers or {}))


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("error answering %s %s", request.method, request.url.path, exc_info=exc)
    # Not passed through the middleware (Starlette answers these outermost): say nosniff here.
    return error_response(500, "Internal server error", {"X-Content-Type-Options": "nosniff"})


def wants_html(accept: str | None) -> bool:
    """Whether a client that sends `accept` prefers a page to JSON (a browser, not curl)."""
    return negotiate(accept, ["application/json", "text/html"]) == "text/html"


class BrowserErrors:
    """ASGI middleware: an error answer (a JSON `{"message": ...}`, status 400 or more) becomes an
    HTML page for clients that prefer text/html; every other client keeps the JSON."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not wants_html(Headers(scope=scope).get("accept")):
            await self.app(scope, receive, send)
            return
        held: dict = {}
        chunks: list[bytes] = []

        async def send_or_hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                media_type = Headers(raw=message["headers"]).get("content-type", "")
                if message["status"] >= 400 and media_type.startswith("application/json"):
                    held["start"] = message
                    return
            elif message["type"] == "http.response.body" and "start" in held:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await send_page(held["start"], b"".join(chunks))
                return
            await send(message)

        async def send_page(start: Message, body: bytes) -> None:
            try:
                message = json.loads(body)["message"]
            except (ValueError, KeyError, TypeError):
                message = body.decode("utf-8", "replace")
            status = start["status"]
            page = error_page(Request(scope), status, message)
            replaced = (b"content-type", b"content-length")
            kept = [(k, v) for k, v in start["headers"] if k.lower() not in replaced]
            headers = [
                *kept,
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(page)).encode()),
                (b"vary", b"Accept"),
            ]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, send_or_hold)


def error_page(request: Request, status: int, message: str) -> bytes:
    """The HTML page of an error: its status, the message and where to go instead."""
    from http import HTTPStatus

    templates = request.app.state.web.templates
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    context = {"request": request, "status": status, "reason": reason, "message": message}
    return templates.get_template("error.html").render(context).encode("utf-8")
