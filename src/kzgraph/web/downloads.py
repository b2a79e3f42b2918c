"""Whole-graph downloads (`/download/kzgraph.EXT`) and the published JSON-LD context."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..publish.export import CONTEXT_FILE, EXTENSIONS, MEDIA_TYPES, export
from .responses import bytes_response, error_response
from .state import web_state


async def download(request: Request) -> Response:
    web = web_state(request)
    ext = "." + request.path_params["ext"]
    fmt = next((f for f, e in EXTENSIONS.items() if e == ext), None)
    if fmt is None:
        return error_response(404, f"Downloads: {', '.join('kzgraph' + e for e in EXTENSIONS.values())}")
    body = await web.cached(f"dump {fmt}", lambda: export(web.graph.store, fmt, "all"))
    return bytes_response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="kzgraph{ext}"'},
    )


async def context(request: Request) -> Response:
    return Response(CONTEXT_FILE.read_bytes(), media_type="application/ld+json")
