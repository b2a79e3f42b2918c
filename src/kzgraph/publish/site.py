"""`kzgraph site`: the pages `kzgraph serve` answers, written as static files for any static host
or for opening from the folder.

Every page is rendered by the same application, through in-process ASGI requests, so that what
is served and what is published cannot drift. While the site is written, the templates' `url()`
links relative to the current page and to the file names of web/site_paths.py, and records each
page it links to; the writer starts from the seed pages (the resources, every stored query for
its example parameters and every election year, the dataset and ontology pages and their RDF),
and follows those links until every linked page is written. It also writes an offline search
index, a 404 page and the redirect rules (`.htaccess`, w3id's form) that send the
`https://w3id.org/kzgraph/` IRIs, with content negotiation, to the published files.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from ..errors import KzgraphError
from ..graph.namespaces import ID
from .export import EXTENSIONS
from .site_paths import SiteMode, site_file, variants

MARKER = ".kzgraph-site"
RDF_FORMATS = ("ttl", "jsonld", "nt")
DESCRIPTION_FORMATS = ("ttl", "jsonld", "nt", "rdfxml")
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
SEARCH_INDEX = "search-index.json"
CONCURRENT = 8  # requests in flight: the query workers and the serialising threads stay busy
MISSING_PAGE = "/kzgraph-site-missing-page"
NONCE_ATTRIBUTE = re.compile(rb' nonce="[^"]*"')
# Media types the redirect rules negotiate, with the file extension each is published as.
NEGOTIATED = (
    ("text/turtle", "ttl"),
    ("application/ld\\+json", "jsonld"),
    ("application/n-triples", "nt"),
)


class SiteError(KzgraphError):
    """The site could not be written."""


@dataclass
class SiteReport:
    directory: Path
    files: int
    size: int


def write_site(graph, app, directory: Path, base_url: str | None = None) -> SiteReport:
    """Write the site of `app` (`kzgraph serve`'s application for `graph`, not started) to
    `directory` (replaced if it holds an earlier site; it must not hold anything else). All or
    nothing: the site is built beside it, then moved into place."""
    directory = Path(directory)
    if directory.exists() and (
        not directory.is_dir() or (any(directory.iterdir()) and not (directory / MARKER).exists())
    ):
        raise SiteError(
            f"{directory}: exists and is not an earlier kzgraph site; give a new or empty directory"
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        asyncio.run(_build(graph, app, building, base_url))
        (building / MARKER).write_text(
            "Written by kzgraph site; the directory is replaced on the next run.\n"
        )
        sizes = [p.stat().st_size for p in building.rglob("*") if p.is_file()]
        if directory.exists():
            shutil.rmtree(directory)
        building.rename(directory)
        os.chmod(directory, 0o755)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return SiteReport(directory, len(sizes), sum(sizes))


async def _build(graph, app, root: Path, base_url: str | None) -> None:
    import httpx

    app.state.web.site = SiteMode(base_url)  # the templates' url() links for the site from now on
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://kzgraph.site")
    async with app.router.lifespan_context(app), client:

        async def get(url: str) -> httpx.Response:
            return await client.get(url, headers={"Accept": ACCEPT})

        await _crawl(graph, app.state.web.site, get, root)


def _without_nonces(response) -> bytes:
    """The page without the CSP nonces the server gave its inline scripts and styles: a static
    host sends no such policy, and a fresh nonce per request would make two builds differ."""
    if not response.headers.get("content-type", "").startswith("text/html"):
        return response.content
    return NONCE_ATTRIBUTE.sub(b"", response.content)


async def _crawl(graph, site: SiteMode, get, root: Path) -> None:
    """Write the seed pages and every page they link to, then the 404 page, the search index
    and the redirect rules."""
    urls = await seeds(graph, get)
    written: set[str] = set()
    while urls:
        pending: dict[str, str] = {}
        for url in urls:
            name = site_file(url)
            if name not in written and name not in pending:
                pending[name] = url
        await _write_pages(get, root, list(pending.items()))
        written.update(pending)
        urls = sorted(site.wanted)
        site.wanted.clear()
    missing = await get(MISSING_PAGE)
    site.wanted.clear()
    _write(root, "404.html", missing.content)
    index = await search_index(get)
    _write(root, SEARCH_INDEX, json.dumps(index, ensure_ascii=False, indent=1).encode() + b"\n")
    _write(root, ".htaccess", redirect_rules(site.base_url).encode())


async def _write_pages(get, root: Path, pages: list[tuple[str, str]]) -> None:
    """Fetch and write each (file name, URL): CONCURRENT fetchers, each taking the next page as
    soon as it has written one (no page waits for a slower one)."""
    queue = deque(pages)
    for directory in {(root / name).parent for name, _ in pages}:
        directory.mkdir(parents=True, exist_ok=True)

    async def fetcher() -> None:
        while queue:
            name, url = queue.popleft()
            response = await get(url)
            if response.status_code != 200:
                raise SiteError(f"{url} answered {response.status_code}: {_message(response)}")
            _write(root, name, _without_nonces(response))

    try:
        async with asyncio.TaskGroup() as fetchers:
            for _ in range(CONCURRENT):
                fetchers.create_task(fetcher())
    except ExceptionGroup as failed:  # the first page that failed says why (the others stop)
        raise failed.exceptions[0] from None


async def seeds(graph, get) -> list[str]:
    """The pages the site starts from; whatever they link to is written too."""
    urls = ["/", "/queries", "/dataset", "/ontology", "/context.jsonld", "/lineage"]
    urls += [f"/dataset?format={f}" for f in DESCRIPTION_FORMATS]
    urls += [f"/ontology?format={f}" for f in DESCRIPTION_FORMATS]
    urls += [f"/download/kzgraph{ext}" for ext in EXTENSIONS.values()]
    for iri in resource_iris(graph.store):
        path = "/id/" + iri.removeprefix(ID)
        urls += [path, *(f"{path}?format={f}" for f in RDF_FORMATS)]
    years = [row["year"] for row in await rows_of(get, "election-years")]
    for query in graph.catalog:
        urls.append(f"/queries/{query.name}")
        for values in variants(query, years):
            qs = f"?{urlencode(values)}" if values else ""
            urls += [
                f"/queries/{query.name}{qs}",
                f"/queries/{query.name}.csv{qs}",
                f"/queries/{query.name}.json{qs}",
            ]
    return urls


def resource_iris(store: ox.Store) -> list[str]:
    """Every IRI under /id/ that the graph says something about (as subject)."""
    rows = store.query(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER STRSTARTS(STR(?s), "{ID}") }} ORDER BY ?s'
    )
    return [row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)]


async def rows_of(get, name: str) -> list[dict]:
    """The rows of the stored query `name`, as the site serves them (the objects shape)."""
    response = await get(f"/queries/{name}.json?_shape=objects")
    if response.status_code != 200:
        raise SiteError(f"{name} could not be read: {_message(response)}")
    return response.json()["rows"]


async def search_index(get) -> list[dict]:
    """Every labelled resource: its label, other names, kind and the page it is on (site-relative)."""
    return [
        {
            "label": row["label"],
            "other_labels": row["other_labels"].split(" | ") if row["other_labels"] else [],
            "kind": row["kind"],
            "iri": row["resource"],
            "page": site_file("/id/" + row["resource"].removeprefix(ID)),
        }
        for row in await rows_of(get, "resource-labels")
    ]


def redirect_rules(base_url: str | None) -> str:
    """Apache rewrite rules in the form w3id.org takes (a `.htaccess` for /kzgraph/): each IRI
    redirects (303) to its published file, Turtle, JSON-LD or N-Triples for clients that ask for
    them, the page otherwise. Without a base URL the targets are paths on the site's own host."""
    target = (base_url or "").rstrip("/")
    lines = [
        "# https://w3id.org/kzgraph/ -> " + (target or "this host") + " (written by kzgraph site)",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
    ]
    for pattern, file in (("id/([^.]+)", "id/$1"), ("ontology", "ontology"), ("dataset", "dataset")):
        for media_type, ext in NEGOTIATED:
            lines += [
                f"RewriteCond %{{HTTP_ACCEPT}} {media_type}",
                f"RewriteRule ^{pattern}$ {target}/{file}.{ext} [R=303,L]",
            ]
        lines += [f"RewriteRule ^{pattern}$ {target}/{file}.html [R=303,L]", ""]
    lines += [
        f"RewriteRule ^\\.well-known/void$ {target}/dataset.ttl [R=303,L]",
        f"RewriteRule ^$ {target}/index.html [R=302,L]",
        "",
    ]
    return "\n".join(lines)


def _write(root: Path, name: str, body: bytes) -> None:
    (root / name).write_bytes(body)


def _message(response) -> str:
    try:
        return response.json()["message"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]
