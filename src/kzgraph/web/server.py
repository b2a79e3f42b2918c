"""Running the web application on an HTTP server (uvicorn)."""

from __future__ import annotations

import uvicorn

from .app import make_app
from .settings import ServeSettings


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
