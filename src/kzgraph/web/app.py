"""`kzgraph serve`: a read-only SPARQL 1.1 Protocol endpoint, an offline query page, stored
queries as URLs, and resolvable resource IRIs (starlette on uvicorn).

Every query, ad hoc or stored, runs in a worker process (querypool.py) under a time limit, a
row cap and an optional memory limit; request bodies are capped; clients never see a traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import KzgraphError
from ..graph.catalog import StoredQuery
from ..graph.namespaces import BASE, ID, PREFIXES
from ..publish.export import CONTEXT_FILE, EXTENSIONS, MEDIA_TYPES, export, serialize
from .protocol import FORMAT_TYPES, TRUNCATED_HEADER, Reply, error_reply, negotiate
from .querypool import QueryPool, Snapshot, SparqlJob, StoredJob
from .resource_pages import local_path, resource_quads, view

log = logging.getLogger("kzgraph.web.app")
PACKAGE = Path(__file__).resolve().parent
RDF_OFFERS = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdfxml",
}
STORED_EXTENSIONS = {"json": "json", "csv": "csv", "tsv": "tsv", "xml": "xml"}
ALLOWED_METHODS = "GET, POST, OPTIONS"


@dataclass(frozen=True)
class ServeSettings:
    """The endpoint's limits. The defaults are documented in the README."""

    timeout: float = 10.0  # seconds a query may run (parsing, evaluation and serialisation)
    max_rows: int = 10_000  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one answer
    max_body: int = 1024 * 1024  # bytes in a POST body
    workers: int = 2  # query worker processes
    memory_mb: int | None = 2048  # address-space limit of each worker, MiB (None: no limit)


class BodyTooLarge(Exception):
    pass


def make_app(graph, settings: ServeSettings = ServeSettings()) -> Starlette:
    """The ASGI application serving `graph`. Its worker processes start with the app's lifespan."""
    graph.entail()  # clients without a reasoner get the super-classes, inverses, rdfs:label...
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    templates.env.globals["local_path"] = local_path
    state: dict = {"pool": None, "cache": {}}

    def snapshot() -> Snapshot:
        names = graph.graphs if graph.graphs is not None else [g.value for g in graph.store.named_graphs()]
        if graph.graphs is None:
            quads = graph.store.dump(format=ox.RdfFormat.N_QUADS)
        else:
            store = graph.store
            chosen = [q for g in names for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
            quads = ox.serialize(chosen, format=ox.RdfFormat.N_QUADS)
        return Snapshot(quads, tuple(names))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        state["pool"] = await run_in_threadpool(
            QueryPool, snapshot(), settings.workers, settings.memory_mb, graph.catalog.directory
        )
        try:
            yield
        finally:
            state["pool"].close()

    async def call(job) -> Reply:
        return await run_in_threadpool(state["pool"].call, job, settings.timeout)

    def cached(key: str, make):
        if key not in state["cache"]:
            state["cache"][key] = make()
        return state["cache"][key]

    # -- SPARQL 1.1 Protocol ------------------------------------------------------------------

    async def sparql(request: Request) -> Response:
        if request.method == "OPTIONS":  # a CORS preflight is answered by the middleware before this
            return Response(status_code=204, headers={"Allow": ALLOWED_METHODS})
        if request.method not in ("GET", "POST"):
            return _reply(
                error_reply(405, f"{request.method} is not a SPARQL operation; use GET or POST"),
                {"Allow": ALLOWED_METHODS},
            )
        url_params = request.query_params.multi_items()
        if request.method == "GET":
            params = url_params
        else:
            media_type, charset = _content_type(request.headers.get("content-type"))
            if media_type == "application/sparql-update":
                return _reply(error_reply(403, "This endpoint is read-only: SPARQL Update is not accepted"))
            if media_type not in ("application/x-www-form-urlencoded", "application/sparql-query"):
                return _reply(
                    error_reply(
                        415,
                        "POST a query as application/x-www-form-urlencoded (query=...) or as "
                        f"application/sparql-query, not {media_type or 'a body without Content-Type'}",
                    )
                )
            if charset not in (None, "utf-8", "utf8"):
                return _reply(error_reply(415, f"Queries must be UTF-8, not {charset}"))
            try:
                text = (await _read_body(request, settings.max_body)).decode("utf-8")
            except BodyTooLarge:
                return _too_large(settings.max_body)
            except UnicodeDecodeError:
                return _reply(error_reply(400, "The request body is not UTF-8"))
            if media_type == "application/sparql-query":
                params = [*url_params, ("query", text)]
            else:
                params = [*url_params, *parse_qsl(text, keep_blank_values=True)]
        names = [name for name, _ in params]
        if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
            return _reply(error_reply(403, "This endpoint is read-only: SPARQL Update is not accepted"))
        queries = [value for name, value in params if name == "query"]
        if not queries:
            return await service_description(request)
        if len(queries) > 1:
            return _reply(error_reply(400, f"Give one query, not {len(queries)}"))
        job = SparqlJob(
            queries[0],
            request.headers.get("accept"),
            tuple(v for n, v in params if n == "default-graph-uri"),
            tuple(v for n, v in params if n == "named-graph-uri"),
            settings.max_rows,
            str(request.url.replace(query="", fragment="")),
        )
        return _reply(await call(job), {"Vary": "Accept"})

    async def service_description(request: Request) -> Response:
        # A browser that opens /sparql gets the query page; RDF clients get the service description.
        if negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"]) == "text/html":
            return RedirectResponse("/", status_code=303)
        return await description(request)

    async def description(request: Request) -> Response:
        from ..publish.describe import describe

        media_type = negotiate(request.headers.get("accept"), list(RDF_OFFERS))
        if media_type is None:
            return _reply(error_reply(406, f"The description is available as: {', '.join(RDF_OFFERS)}"))
        # Not cached: the base URL comes from the request's Host header, which the client chooses.
        base = str(request.base_url).rstrip("/")
        body = await run_in_threadpool(lambda: serialize(describe(graph.store, base), RDF_OFFERS[media_type]))
        return Response(body, media_type=FORMAT_TYPES[RDF_OFFERS[media_type]], headers={"Vary": "Accept"})

    # -- Pages --------------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        tabs = await run_in_threadpool(lambda: cached("tabs", lambda: _yasgui_tabs(graph)))
        vocabulary = await run_in_threadpool(lambda: cached("vocabulary", lambda: _vocabulary(graph.store)))
        return templates.TemplateResponse(
            request,
            "index.html",
            {
                "tabs_json": _script_json(tabs),
                "vocabulary_json": _script_json(vocabulary),
                "settings": settings,
            },
        )

    async def queries_index(request: Request) -> Response:
        catalog = list(graph.catalog)
        if negotiate(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
            return Response(
                json.dumps([_query_summary(q) for q in catalog], ensure_ascii=False),
                media_type="application/json",
            )
        return templates.TemplateResponse(request, "queries.html", {"queries": catalog})

    async def stored_query(request: Request) -> Response:
        name, ext = request.path_params["name"], request.path_params.get("ext")
        if ext is not None and ext not in STORED_EXTENSIONS:
            return _reply(
                error_reply(404, f"No .{ext} variant: use {', '.join('.' + e for e in STORED_EXTENSIONS)}")
            )
        try:
            stored = graph.catalog.get(name)
        except KzgraphError as e:
            return _reply(error_reply(404, str(e)))
        params = request.query_params.multi_items()
        repeated = sorted({n for n, _ in params if [m for m, _ in params].count(n) > 1})
        if repeated:
            return _reply(error_reply(400, f"Give each parameter once: {', '.join(repeated)}"))
        values = dict(params)
        if ext is not None:
            reply = await call(
                StoredJob(name, tuple(values.items()), STORED_EXTENSIONS[ext], settings.max_rows)
            )
            return _reply(reply)
        missing = [p.name for p in stored.params if p.required and p.name not in values]
        result, error = None, None
        if not missing:
            reply = await call(StoredJob(name, tuple(values.items()), "json", settings.max_rows))
            if reply.status == 200:
                result = json.loads(reply.body)
                result["truncated"] = TRUNCATED_HEADER in reply.headers
            else:
                error = json.loads(reply.body)["message"]
        status = 200 if error is None else 400
        return templates.TemplateResponse(
            request,
            "query.html",
            {
                "query": stored,
                "values": values,
                "missing": missing,
                "result": result,
                "error": error,
                "query_string": str(request.query_params),
                "settings": settings,
            },
            status_code=status,
        )

    async def resource(request: Request) -> Response:
        path = request.url.path
        iri = ID + path.removeprefix("/id/") if path.startswith("/id/") else BASE + path.lstrip("/")
        return await _describe_resource(request, iri)

    async def _describe_resource(request: Request, iri: str) -> Response:
        fmt = request.query_params.get("format")
        if fmt is not None:
            if fmt not in RDF_OFFERS.values():
                return _reply(error_reply(400, f"format must be one of {', '.join(RDF_OFFERS.values())}"))
            media_type = next(m for m, f in RDF_OFFERS.items() if f == fmt)
        else:
            media_type = negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
        if media_type is None:
            return _reply(error_reply(406, f"{iri} is available as: text/html, {', '.join(RDF_OFFERS)}"))
        if media_type == "text/html":
            page = await run_in_threadpool(view, graph.store, iri)
            if page is None:
                return templates.TemplateResponse(request, "not_found.html", {"iri": iri}, status_code=404)
            alternates = {f: f"{request.url.path}?format={f}" for f in RDF_OFFERS.values()}
            return templates.TemplateResponse(
                request, "resource.html", {"page": page, "alternates": alternates}, headers={"Vary": "Accept"}
            )
        quads = await run_in_threadpool(resource_quads, graph.store, iri)
        if not quads:
            return _reply(error_reply(404, f"Nothing is known about <{iri}>"))
        body = await run_in_threadpool(serialize, quads, RDF_OFFERS[media_type])
        return Response(body, media_type=FORMAT_TYPES[RDF_OFFERS[media_type]], headers={"Vary": "Accept"})

    async def ontology(request: Request) -> Response:
        media_type = negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
        if request.query_params.get("format") is None and media_type == "text/html":
            from ..publish.docs import ontology_html

            html = await run_in_threadpool(
                lambda: cached("ontology.html", lambda: ontology_html(graph.store))
            )
            return HTMLResponse(html, headers={"Vary": "Accept"})
        fmt = request.query_params.get("format") or (RDF_OFFERS.get(media_type) if media_type else None)
        if fmt not in RDF_OFFERS.values():
            return _reply(
                error_reply(406, f"The ontology is available as: text/html, {', '.join(RDF_OFFERS)}")
            )
        body = await run_in_threadpool(
            lambda: cached(f"ontology {fmt}", lambda: export(graph.store, fmt, "ontology"))
        )
        return Response(body, media_type=FORMAT_TYPES[fmt], headers={"Vary": "Accept"})

    async def download(request: Request) -> Response:
        ext = "." + request.path_params["ext"]
        fmt = next((f for f, e in EXTENSIONS.items() if e == ext), None)
        if fmt is None:
            return _reply(
                error_reply(404, f"Downloads: {', '.join('kzgraph' + e for e in EXTENSIONS.values())}")
            )
        body = await run_in_threadpool(lambda: cached(f"dump {fmt}", lambda: export(graph.store, fmt, "all")))
        return Response(
            body,
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="kzgraph{ext}"'},
        )

    async def context(request: Request) -> Response:
        return Response(CONTEXT_FILE.read_bytes(), media_type="application/ld+json")

    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return _reply(error_reply(404, f"Nothing here: {request.url.path} (try /, /sparql, /queries)"))
        return _reply(error_reply(exc.status_code, exc.detail), dict(exc.headers or {}))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error answering %s %s", request.method, request.url.path, exc_info=exc)
        return _reply(error_reply(500, "Internal server error"))

    routes = [
        Route("/", home),
        Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]),
        Route("/queries", queries_index),
        Route("/queries/{name:str}.{ext:str}", stored_query),
        Route("/queries/{name:str}", stored_query),
        Route("/id/{path:path}", resource),
        Route("/ontology", ontology),
        Route("/dataset", description),
        Route("/.well-known/void", description),
        Route("/download/kzgraph.{ext:str}", download),
        Route("/context.jsonld", context),
        Mount("/static", app=StaticFiles(directory=str(PACKAGE / "static")), name="static"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=[TRUNCATED_HEADER],
        )
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )


def run_serve(
    graph,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: ServeSettings = ServeSettings(),
    log_level: str = "info",
) -> None:
    """Serve `graph` until interrupted (uvicorn.run; tests patch it)."""
    uvicorn.run(
        make_app(graph, settings),
        host=host,
        port=port,
        log_level=log_level,
        timeout_keep_alive=5,
        limit_concurrency=200,
        server_header=False,
    )


def _reply(reply: Reply, headers: dict[str, str] | None = None) -> Response:
    return Response(
        reply.body,
        status_code=reply.status,
        media_type=reply.media_type,
        headers={**reply.headers, **(headers or {})},
    )


def _too_large(limit: int) -> Response:
    # Closing the connection stops the client's upload instead of reading the rest of it.
    message = f"The request body is larger than the {limit} byte limit"
    return _reply(error_reply(413, message), {"Connection": "close"})


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    media_type, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it is known to be over `limit` bytes (declared or received)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _script_json(value: object) -> str:
    """JSON safe to put inside a <script type="application/json"> element."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _query_summary(query: StoredQuery) -> dict:
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


def _yasgui_tabs(graph) -> list[dict]:
    """The stored queries as standalone SPARQL for the query page: PREFIX lines for the prefixes
    they use, and each parameter bound to its default or example by VALUES at the top of WHERE."""
    from ..graph.params import bind

    tabs = []
    for query in graph.catalog:
        body = "\n".join(line for line in query.sparql.splitlines() if not line.startswith("#+")).strip()
        used = [p for p in PREFIXES if re.search(rf"(?<![\w.-]){re.escape(p)}:", body)]
        header = [f"# {query.title} (/queries/{query.name})"]
        header += [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
        example = {
            p.name: p.default or p.example for p in query.params if (p.default or p.example) is not None
        }
        try:
            bound = bind(query, example, graph.resolve_organisation)
        except KzgraphError:
            bound = {}
        if bound:
            values = " ".join(f"VALUES ?{var.value} {{ {term} }}" for var, term in bound.items())
            where = re.search(r"\bWHERE\s*\{", body, flags=re.I)
            if where:
                body = f"{body[: where.end()]}\n  {values}{body[where.end() :]}"
        tabs.append({"name": query.name, "title": query.title, "sparql": "\n".join(header) + "\n\n" + body})
    return tabs


def _vocabulary(store: ox.Store) -> dict[str, list[str]]:
    """Class and property IRIs the graph uses, for the query editor's offline autocompletion."""
    rows = store.query(
        """SELECT DISTINCT ?term ?kind WHERE {
             { ?x a ?term BIND("class" AS ?kind) } UNION { ?term a owl:Class BIND("class" AS ?kind) }
             UNION { ?x ?term ?y BIND("property" AS ?kind) }
           }""",
        use_default_graph_as_union=True,
        prefixes=PREFIXES,
    )
    found: dict[str, set[str]] = {"class": set(), "property": set()}
    for row in rows:
        if isinstance(row["term"], ox.NamedNode):
            found[row["kind"].value].add(row["term"].value)
    return {"classes": sorted(found["class"]), "properties": sorted(found["property"])}
