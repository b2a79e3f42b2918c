"""Resolvable IRIs: every `/id/...` resource and the ontology, as HTML for browsers and as RDF by
content negotiation or `?format=`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..graph.namespaces import BASE, ID
from ..publish.export import export, serialize
from .protocol import FORMAT_TYPES, negotiate
from .resource_pages import resource_quads, view
from .responses import RDF_OFFERS, error_response
from .safety import sanitise_ontology_page
from .state import web_state


async def resource(request: Request) -> Response:
    path = request.url.path
    iri = ID + path.removeprefix("/id/") if path.startswith("/id/") else BASE + path.lstrip("/")
    web = web_state(request)
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in RDF_OFFERS.values():
            return error_response(400, f"format must be one of {', '.join(RDF_OFFERS.values())}")
        media_type = next(m for m, f in RDF_OFFERS.items() if f == fmt)
    else:
        media_type = negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
    if media_type is None:
        return error_response(406, f"{iri} is available as: text/html, {', '.join(RDF_OFFERS)}")
    if media_type == "text/html":
        page = await run_in_threadpool(view, web.graph.store, iri)
        if page is None:
            return web.templates.TemplateResponse(request, "not_found.html", {"iri": iri}, status_code=404)
        alternates = {f: f"{request.url.path}?format={f}" for f in RDF_OFFERS.values()}
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
    media_type = negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
    if request.query_params.get("format") is None and media_type == "text/html":
        from ..publish.docs import ontology_html

        title, css, body = await web.cached(
            "ontology.html", lambda: sanitise_ontology_page(ontology_html(store))
        )
        return web.templates.TemplateResponse(
            request, "ontology.html", {"title": title, "css": css, "body": body}, headers={"Vary": "Accept"}
        )
    fmt = request.query_params.get("format") or (RDF_OFFERS.get(media_type) if media_type else None)
    if fmt not in RDF_OFFERS.values():
        return error_response(406, f"The ontology is available as: text/html, {', '.join(RDF_OFFERS)}")
    body = await web.cached(f"ontology {fmt}", lambda: export(store, fmt, "ontology"))
    return Response(body, media_type=FORMAT_TYPES[fmt], headers={"Vary": "Accept"})
