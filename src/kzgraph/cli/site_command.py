"""The static-site command: the served pages written as files."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..web.settings import ServeSettings
from . import check_http_url, graph_options, open_graph

# Every page is written whole: no row cap to speak of, and time for the largest answers.
SITE_SETTINGS = ServeSettings(timeout=120.0, max_rows=1_000_000, workers=2, page_workers=0)


@click.command()
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the site to (replaced if it holds an earlier site; else new or empty).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the site will be published (e.g. https://example.org/kzgraph): canonical links, "
    "the dataset description's downloads and the .htaccess redirects use it.",
)
@graph_options
def site(output: Path, base_url: str | None, **graph_args) -> None:
    """Write the site `kzgraph serve` shows as static files: every resource page with its
    Turtle, JSON-LD and N-Triples, the lineage page, every stored query's results (HTML, CSV,
    JSON) for its example parameters and every election year, the dataset description, the
    ontology, the static assets, an offline search index and w3id-style redirect rules.

    Example:

        kzgraph site -o public --base-url https://example.org/kzgraph
    """
    check_http_url(base_url)
    from ..publish.site import write_site

    try:
        from ..web.app import make_app
    except ImportError as e:
        raise click.ClickException(f"kzgraph site needs: pip install 'kzgraph[serve]' ({e})") from None

    started = time.perf_counter()
    graph = open_graph(**graph_args)
    report = write_site(graph, make_app(graph, SITE_SETTINGS), output, base_url)
    seconds = time.perf_counter() - started
    click.echo(
        f"Wrote {report.files:,} files ({report.size:,} bytes) to {output} in {seconds:.1f} s", err=True
    )
