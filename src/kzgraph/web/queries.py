"""Stored queries as URLs: the list (`/queries`) and each query as a page or a download
(`/queries/NAME`, `/queries/NAME.csv|.tsv|.json|.xml`)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from ..errors import KzgraphError
from ..graph.catalog import StoredQuery
from .protocol import TRUNCATED_HEADER, negotiate
from .querypool import StoredJob
from .responses import error_response, reply_response
from .state import web_state

STORED_EXTENSIONS = {"json": "json", "csv": "csv", "tsv": "tsv", "xml": "xml"}


async def queries_index(request: Request) -> Response:
    web = web_state(request)
    catalog = list(web.graph.catalog)
    if negotiate(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
        return Response(
            json.dumps([query_summary(q) for q in catalog], ensure_ascii=False), media_type="application/json"
        )
    return web.templates.TemplateResponse(request, "queries.html", {"queries": catalog})


async def stored_query(request: Request) -> Response:
    web = web_state(request)
    name, ext = request.path_params["name"], request.path_params.get("ext")
    if ext is not None and ext not in STORED_EXTENSIONS:
        return error_response(404, f"No .{ext} variant: use {', '.join('.' + e for e in STORED_EXTENSIONS)}")
    try:
        stored = web.graph.catalog.get(name)
    except KzgraphError as e:
        return error_response(404, str(e))
    params = request.query_params.multi_items()
    repeated = sorted({n for n, _ in params if [m for m, _ in params].count(n) > 1})
    if repeated:
        return error_response(400, f"Give each parameter once: {', '.join(repeated)}")
    values = dict(params)
    max_rows, max_bytes = web.settings.max_rows, web.settings.max_bytes
    if ext is not None:
        fmt = STORED_EXTENSIONS[ext]
        return reply_response(
            await web.call(StoredJob(name, tuple(values.items()), fmt, max_rows, max_bytes))
        )
    missing = [p.name for p in stored.params if p.required and p.name not in values]
    result, error = None, None
    if not missing:
        reply = await web.call(StoredJob(name, tuple(values.items()), "json", max_rows, max_bytes))
        if reply.status == 200:
            result = json.loads(reply.body)
            result["truncated"] = reply.headers.get(TRUNCATED_HEADER)
        else:
            error = json.loads(reply.body)["message"]
    return web.templates.TemplateResponse(
        request,
        "query.html",
        {
            "query": stored,
            "values": values,
            "missing": missing,
            "result": result,
            "error": error,
            "query_string": str(request.query_params),
            "settings": web.settings,
        },
        status_code=200 if error is None else 400,
    )


def query_summary(query: StoredQuery) -> dict:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "params": [
            {"name": p.name, "type": p.type, "required": p.required, "example": p.example}
            for p in query.params
        ],
        "url": f"/queries/{query.name}",
    }
