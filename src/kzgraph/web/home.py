"""The home page (`/`): what the graph holds and from which sources, the search box and the
ways in; the search without JavaScript (`/search?q=`) and the name index the search box
reads (`/search-index.json`)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from .pagedata import PageDataJob
from .responses import error_response
from .state import web_state

MAX_QUERY = 200  # characters of a search
MAX_MATCHES = 50


async def home(request: Request) -> Response:
    web = web_state(request)
    status, data = await web.page_cache.data(web, PageDataJob("home"))
    if status != 200:
        return error_response(status, data["message"])
    works = data["works"]
    context = {
        "counts": data["counts"],
        "paper": next((w for w in works if w["kind"] == "source work"), None),
        "web_sources": [w for w in works if w["kind"] == "web source"],
        "other_works": [w for w in works if w["kind"] not in ("source work", "web source")],
        "stages": data["stages"],
        "elections": data["elections"],
        "laws": data["laws"],
        "queries": list(web.graph.catalog),
    }
    return web.templates.TemplateResponse(request, "home.html", context)


async def search_index(request: Request) -> Response:
    web = web_state(request)
    reply = await web.page_cache.call(web, PageDataJob("search-index"))
    headers = {"Cache-Control": "max-age=300"}
    return Response(reply.body, status_code=reply.status, media_type="application/json", headers=headers)


async def search(request: Request) -> Response:
    web = web_state(request)
    query = request.query_params.get("q", "")
    if len(query) > MAX_QUERY:
        return error_response(400, f"Search for at most {MAX_QUERY} characters")
    reply = await web.page_cache.call(web, PageDataJob("search-index"))
    if reply.status != 200:
        return error_response(reply.status, json.loads(reply.body)["message"])
    matches = find(json.loads(reply.body), query)
    return web.templates.TemplateResponse(
        request,
        "search.html",
        {"query": query, "matches": matches[:MAX_MATCHES], "more": max(0, len(matches) - MAX_MATCHES)},
    )


def fold(text: str) -> str:
    """A name's look-up key, as the CLI folds a label (graph/store.py, rules/30-label-keys.rq)."""
    return " ".join(text.replace("«", '"').replace("»", '"').lower().split())


def find(index: list[dict], query: str) -> list[dict]:
    """The organisations with a name whose key equals, starts with or contains the folded
    query, in that order (then by label); every one for an empty query."""
    key = fold(query)
    ranked = []
    for entry in index:
        ranks = [0 if k == key else 1 if k.startswith(key) else 2 for k in entry["keys"] if key in k]
        rank = min(ranks, default=None)
        if rank is not None:
            ranked.append((rank, entry["label"].casefold(), entry))
    return [entry for _, _, entry in sorted(ranked, key=lambda r: r[:2])]
