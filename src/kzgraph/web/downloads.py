"""Whole-graph downloads (`/download/kzgraph.EXT`) and the published JSON-LD context."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..publish.export import CONTEXT_FILE, EXTENSIONS, MEDIA_TYPES
from .responses import bytes_response, error_response, reply_response
from .state import web_state


async def download(request: Request) -> Response:
    web = web_state(request)
    ext = "." + request.path_params["ext"]
    fmt = next((f for f, e in EXTENSIONS.items() if e == ext), None)
    if fmt is None:
        return error_response(404, f"Downloads: {', '.join('kzgraph' + e for e in EXTENSIONS.values())}")
    reply = await web.exported(fmt, "all")
    if reply.status != 200:
        return reply_response(reply)
    return bytes_response(
        reply.body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="kzgraph{ext}"'},
    )


async def context(request: Request) -> Response:
    return Response(CONTEXT_FILE.read_bytes(), media_type="application/ld+json")
