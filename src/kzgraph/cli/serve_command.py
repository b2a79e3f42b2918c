"""The SPARQL endpoint command."""

from __future__ import annotations

import click

from . import FloatRange, IntRange, check_http_url, graph_options, open_graph


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--timeout",
    type=FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop a query that runs longer (HTTP 503).",
)
@click.option(
    "--max-rows",
    type=IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows (or triples) in one answer at most; more are cut (header Kzgraph-Truncated).",
)
@click.option(
    "--max-bytes",
    type=IntRange(min=1),
    default=8 * 1024 * 1024,
    show_default=True,
    metavar="BYTES",
    help="Bytes in one answer at most; the rows that don't fit are cut (header Kzgraph-Truncated).",
)
@click.option(
    "--max-body",
    type=IntRange(min=1),
    default=1024 * 1024,
    show_default=True,
    metavar="BYTES",
    help="Largest POST body accepted (HTTP 413 beyond).",
)
@click.option(
    "--workers", type=IntRange(min=1), default=2, show_default=True, help="Query processes for /sparql."
)
@click.option(
    "--page-workers",
    type=IntRange(min=0),
    default=1,
    show_default=True,
    help="Processes kept for stored queries and resource pages (busy /sparql workers can't hold them up).",
)
@click.option(
    "--header-timeout",
    type=FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Close a connection whose request line and headers take longer (a body that does: 408).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="The server's public URL, for the links in the dataset description (default: http://HOST:PORT).",
)
@click.option(
    "--memory-limit",
    type=IntRange(min=0),
    default=2048,
    show_default=True,
    metavar="MIB",
    help="Address-space limit of each query worker (0: none); a query over it gets HTTP 500.",
)
@graph_options
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_bytes: int,
    max_body: int,
    workers: int,
    page_workers: int,
    header_timeout: float,
    base_url: str | None,
    memory_limit: int,
    **graph_args,
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol, with a query page at /, stored
    queries at /queries/NAME(.csv|.json) and resource pages at /id/...

    \b
    Example:
      kzgraph serve
      kzgraph serve --port 8080 --timeout 5 --store kz.db
    """
    try:
        from ..web.server import run_serve
        from ..web.settings import ServeSettings
    except ImportError as e:
        raise click.ClickException(
            f"kzgraph serve needs the serve extra: pip install '.[serve]' in the kzgraph checkout ({e})"
        ) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}, reachable from other machines", err=True)
    check_http_url(base_url)
    settings = ServeSettings(
        timeout=timeout,
        max_rows=max_rows,
        max_bytes=max_bytes,
        max_body=max_body,
        workers=workers,
        page_workers=page_workers,
        memory_mb=memory_limit or None,
        header_timeout=header_timeout,
        base_url=base_url or f"http://{'[' + host + ']' if ':' in host else host}:{port}",
    )
    run_serve(open_graph(**graph_args), host=host, port=port, settings=settings)
