"""`kzgraph serve`'s ASGI application: the routes of each page family, CORS, error handlers and
the lifespan that starts the query workers.

Every query, ad hoc or stored, runs in a worker process (querypool.py) under a time limit, a
row cap, a byte cap and an optional memory limit; request bodies are capped; every response
carries the security headers (security_headers.py); clients never see a traceback.
"""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import dataset, downloads, editor, endpoint, home, lineage_page, queries, resolve
from .protocol import TRUNCATED_HEADER
from .responses import BrowserErrors, http_error, server_error
from .security_headers import SecurityHeaders
from .settings import ServeSettings
from .state import PACKAGE, WebState


def make_app(graph, settings: ServeSettings = ServeSettings()) -> Starlette:
    """The ASGI application serving `graph`. Its worker processes start with the app's lifespan."""
    graph.entail()  # clients without a reasoner get the super-classes, inverses, rdfs:label...
    web = WebState(graph, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await web.start()
        try:
            yield
        finally:
            web.close()

    routes = [
        Route("/", home.home),
        Route("/search", home.search),
        Route("/search-index.json", home.search_index),
        Route("/lineage", lineage_page.lineage),
        Route("/editor", editor.home),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]),
        Route("/queries", queries.queries_index),
        Route("/queries/{name:str}.{ext:str}", queries.stored_query),
        Route("/queries/{name:str}", queries.stored_query),
        Route("/id/{path:path}", resolve.resource),
        Route("/ontology", resolve.ontology),
        Route("/ontology.{ext:str}", resolve.ontology),
        Route("/dataset", dataset.dataset_page),
        Route("/.well-known/void", endpoint.description),
        Route("/download/kzgraph.{ext:str}", downloads.download),
        Route("/context.jsonld", downloads.context),
        Route("/static/vis-network/vis-network.min.js", editor.vis_network),
        Mount("/static", app=StaticFiles(directory=str(PACKAGE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BrowserErrors),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=[TRUNCATED_HEADER],
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.web = web
    return app
