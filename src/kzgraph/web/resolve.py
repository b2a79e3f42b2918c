"""Resolvable IRIs: every `/id/...` resource and the ontology, as HTML for browsers (a reader
page by kind, pages.py, else the generic statement table) and as RDF by content negotiation,
by a suffix (`/id/party/otan-1999.ttl`, `.jsonld`, `.nt`, `.rdf`) or by `?format=`. Resource
pages and their RDF are made in the query workers (page lane), under the time limit, a page of
statements at a time (`?page=N`)."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ..graph.namespaces import BASE, ID
from .pagedata import PageDataJob
from .pages import reader_page
from .protocol import FORMAT_TYPES, Reply, negotiate
from .querypool import PageJob, ResourceRdfJob
from .responses import RDF_OFFERS, bytes_response, error_response, reply_response
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
    try:
        ox.NamedNode(iri)
    except ValueError:  # a NUL, '<', a space...: no resource can have this IRI
        return error_response(404, f"Nothing is known about {iri!r}: it is not an IRI")
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
    settings = web.settings
    if media_type != "text/html":
        job = ResourceRdfJob(iri, RDF_OFFERS[media_type], settings.max_rows, settings.max_bytes)
        return reply_response(await web.call(job))
    number = request.query_params.get("page", "1")
    if not (number.isascii() and number.isdigit()) or int(number) < 1:
        return error_response(400, "page must be a whole number from 1")
    page = await web.call(PageJob(iri, int(number) - 1, settings.page_size))
    if isinstance(page, Reply):  # the time limit, or the worker failed
        return reply_response(page)
    if page is None:
        return web.templates.TemplateResponse(request, "not_found.html", {"iri": iri}, status_code=404)
    suffixes = {f: e for e, f in SUFFIXES.items()}
    alternates = {f: f"{path}.{suffixes[f]}" for f in RDF_OFFERS.values()}
    reader = await reader_page(request, iri, alternates, page)
    if reader is not None:
        return reader
    return web.templates.TemplateResponse(
        request,
        "resource.html",
        {"page": page, "alternates": alternates, "page_size": settings.page_size},
        headers={"Vary": "Accept"},
    )


async def ontology(request: Request) -> Response:
    web = web_state(request)
    suffix = request.path_params.get("ext")
    if suffix is not None:
        if suffix not in SUFFIXES:
            return error_response(404, f"No .{suffix} variant: use {', '.join('.' + e for e in SUFFIXES)}")
        fmt = SUFFIXES[suffix]
        reply = await web.exported(fmt, "ontology")
        if reply.status != 200:
            return reply_response(reply)
        return Response(reply.body, media_type=FORMAT_TYPES[fmt])
    media_type = negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
    if request.query_params.get("format") is None and media_type == "text/html":
        status, page = await web.page_cache.data(web, PageDataJob("ontology"))
        if status != 200:
            return error_response(status, page["message"])
        return web.templates.TemplateResponse(request, "ontology.html", page, headers={"Vary": "Accept"})
    fmt = request.query_params.get("format") or (RDF_OFFERS.get(media_type) if media_type else None)
    if fmt not in RDF_OFFERS.values():
        return error_response(406, f"The ontology is available as: text/html, {', '.join(RDF_OFFERS)}")
    reply = await web.exported(fmt, "ontology")
    if reply.status != 200:
        return reply_response(reply)
    return bytes_response(reply.body, media_type=FORMAT_TYPES[fmt], headers={"Vary": "Accept"})
