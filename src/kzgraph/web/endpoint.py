"""The SPARQL 1.1 Protocol endpoint (`/sparql`) and the service/dataset description (`/dataset`)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..publish.export import serialize
from .protocol import FORMAT_TYPES, negotiate
from .querypool import SparqlJob
from .responses import (
    RDF_OFFERS,
    BodyTooLarge,
    BodyTooSlow,
    bytes_response,
    content_type,
    error_response,
    read_body,
    reply_response,
    too_large,
)
from .state import web_state

ALLOWED_METHODS = "GET, POST, OPTIONS"
READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted"


async def sparql(request: Request) -> Response:
    web = web_state(request)
    if request.method == "OPTIONS":  # a CORS preflight is answered by the middleware before this
        return Response(status_code=204, headers={"Allow": ALLOWED_METHODS})
    if request.method not in ("GET", "POST"):
        return error_response(
            405, f"{request.method} is not a SPARQL operation; use GET or POST", {"Allow": ALLOWED_METHODS}
        )
    url_params = request.query_params.multi_items()
    if request.method == "GET":
        params = url_params
    else:
        media_type, charset = content_type(request.headers.get("content-type"))
        if media_type == "application/sparql-update":
            return error_response(403, READ_ONLY)
        if media_type not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            return error_response(
                415,
                "POST a query as application/x-www-form-urlencoded (query=...) or as "
                f"application/sparql-query, not {media_type or 'a body without Content-Type'}",
            )
        if charset not in (None, "utf-8", "utf8"):
            return error_response(415, f"Queries must be UTF-8, not {charset}")
        try:
            text = (await read_body(request, web.settings.max_body, web.settings.header_timeout)).decode(
                "utf-8"
            )
        except BodyTooLarge:
            return too_large(web.settings.max_body)
        except BodyTooSlow:
            message = f"The request body did not arrive within {web.settings.header_timeout:g} s"
            return error_response(408, message, {"Connection": "close"})
        except UnicodeDecodeError:
            return error_response(400, "The request body is not UTF-8")
        if media_type == "application/sparql-query":
            params = [*url_params, ("query", text)]
        else:
            params = [*url_params, *parse_qsl(text, keep_blank_values=True)]
    names = [name for name, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        return error_response(403, READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    if not queries:
        return await service_description(request)
    if len(queries) > 1:
        return error_response(400, f"Give one query, not {len(queries)}")
    if not queries[0].strip():
        return error_response(400, "No query: the query parameter is empty")
    job = SparqlJob(
        queries[0],
        request.headers.get("accept"),
        tuple(v for n, v in params if n == "default-graph-uri"),
        tuple(v for n, v in params if n == "named-graph-uri"),
        web.settings.max_rows,
        web.base_url(request) + "/sparql",
        web.settings.max_bytes,
    )
    return reply_response(await web.call(job), {"Vary": "Accept"})


async def service_description(request: Request) -> Response:
    # A browser that opens /sparql gets the query page; RDF clients get the service description.
    if negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"]) == "text/html":
        return RedirectResponse("/editor", status_code=303)
    return await description(request)


async def description(request: Request) -> Response:
    from .dataset import description_quads

    web = web_state(request)
    media_type = negotiate(request.headers.get("accept"), list(RDF_OFFERS))
    if media_type is None:
        return error_response(406, f"The description is available as: {', '.join(RDF_OFFERS)}")
    # The URLs in it are the configured base URL's (`--base-url`), never the client's Host header.
    base = web.base_url(request)
    fmt = RDF_OFFERS[media_type]
    site = web.site.base_url if web.site is not None else None
    quads = await description_quads(request)
    body = await web.cached(f"description {base} {site} {fmt}", lambda: serialize(quads, fmt))
    return bytes_response(body, media_type=FORMAT_TYPES[fmt], headers={"Vary": "Accept"})
