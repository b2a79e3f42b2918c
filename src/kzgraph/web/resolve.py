"""Resolvable IRIs: every `/id/...` resource and the ontology, as HTML for browsers (a reader
page by kind, pages.py, else the generic statement table) and as RDF by content negotiation,
by a suffix (`/id/party/otan-1999.ttl`, `.jsonld`, `.nt`, `.rdf`) or by `?format=`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..graph.namespaces import BASE, ID
from ..publish.export import export, serialize
from .pages import reader_page
from .protocol import FORMAT_TYPES, negotiate
from .resource_pages import resource_quads, view
from .responses import RDF_OFFERS, error_response
from .state import web_state

SUFFIXES = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdf": "rdfxml"}


def split_suffix(path: str) -> tuple[str, str | None]:
    """The path without an RDF suffix, and the format that suffix names (None without one)."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in SUFFIXES:
        return stem, SUFFIXES[ext]
    return path, None


async def resource(request: Request) -> Response:
    path, suffix = split_suffix(request.url.path)
    iri = ID + path.removeprefix("/id/") if path.startswith("/id/") else BASE + path.lstrip("/")
    web = web_state(request)
    fmt = request.query_params.get("format")
    if suffix is not None and fmt not in (None, suffix):
        return error_response(400, f"The suffix asks for {suffix}, format= for {fmt}: give one")
    fmt = fmt or suffix
    if fmt is not None:
        if fmt not in RDF_OFFERS.values():
            return error_response(400, f"format must be one of {', '.join(RDF_OFFERS.values())}")
        media_type = next(m for m, f in RDF_OFFERS.items() if f == fmt)
    else:
        media_type = negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
    if media_type is None:
        return error_response(406, f"{iri} is available as: text/html, {', '.join(RDF_OFFERS)}")
    if media_type == "text/html":
        suffixes = {f: e for e, f in SUFFIXES.items()}
        alternates = {f: f"{path}.{suffixes[f]}" for f in RDF_OFFERS.values()}
        reader = await reader_page(request, iri, alternates)
        if reader is not None:
            return reader
        page = await run_in_threadpool(view, web.graph.store, iri)
        if page is None:
            return web.templates.TemplateResponse(request, "not_found.html", {"iri": iri}, status_code=404)
        return web.templates.TemplateResponse(
            request, "resource.html", {"page": page, "alternates": alternates}, headers={"Vary": "Accept"}
        )
    quads = await run_in_threadpool(resource_quads, web.graph.store, iri)
    if not quads:
        return error_response(404, f"Nothing is known about <{iri}>")
    body = await run_in_threadpool(serialize, quads, RDF_OFFERS[media_type])
    return Response(body, media_type=FORMAT_TYPES[RDF_OFFERS[media_type]], headers={"Vary": "Accept"})


async def ontology(request: Request) -> Response:
    web = web_state(request)
    store = web.graph.store
    suffix = request.path_params.get("ext")
    if suffix is not None:
        if suffix not in SUFFIXES:
            return error_response(404, f"No .{suffix} variant: use {', '.join('.' + e for e in SUFFIXES)}")
        fmt = SUFFIXES[suffix]
        body = await web.cached(f"ontology {fmt}", lambda: export(store, fmt, "ontology"))
        return Response(body, media_type=FORMAT_TYPES[fmt])
    media_type = negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
    if request.query_params.get("format") is None and media_type == "text/html":
        from ..publish.docs import ontology_html

        html = await web.cached("ontology.html", lambda: ontology_html(store))
        return HTMLResponse(html, headers={"Vary": "Accept"})
    fmt = request.query_params.get("format") or (RDF_OFFERS.get(media_type) if media_type else None)
    if fmt not in RDF_OFFERS.values():
        return error_response(406, f"The ontology is available as: text/html, {', '.join(RDF_OFFERS)}")
    body = await web.cached(f"ontology {fmt}", lambda: export(store, fmt, "ontology"))
    return Response(body, media_type=FORMAT_TYPES[fmt], headers={"Vary": "Accept"})
