"""What every page family shares: the graph, the limits, the templates, the query workers and a
cache of pages that depend only on the graph. One `WebState` lives on `app.state.web`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from anyio import CapacityLimiter, to_thread
from jinja2 import pass_context
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from ..publish.site_paths import SiteMode
from .display import human_date, lines, page_href
from .pagecache import PageCache
from .protocol import Reply
from .querypool import PAGES, SPARQL, ExportJob, Job, QueryPool, Snapshot
from .resource_pages import local_path
from .safety import safe_href
from .security_headers import csp_nonce
from .settings import ServeSettings

PACKAGE = Path(__file__).resolve().parent
# Threads that may wait for a worker, per lane: a flood of one lane can't take the other's.
WAITING_THREADS = {SPARQL: 32, PAGES: 32}


class WebState:
    def __init__(self, graph, settings: ServeSettings):
        self.graph = graph
        self.settings = settings
        self.templates = Jinja2Templates(directory=str(PACKAGE / "templates"), context_processors=[csp_nonce])
        self.templates.env.globals["local_path"] = local_path
        self.templates.env.globals["url"] = internal_url
        self.templates.env.globals["safe_href"] = safe_href
        self.templates.env.filters.update(human_date=human_date, page_href=page_href, lines=lines)
        self.page_cache = PageCache()
        self.templates.env.globals["canonical_url"] = canonical_url
        self.templates.env.globals["static_site"] = static_site
        self.site: SiteMode | None = None  # set while `kzgraph site` writes the pages
        self.pool: QueryPool | None = None
        self._cache: dict[str, Any] = {}
        self._threads: dict[str, CapacityLimiter] = {}

    def snapshot(self) -> Snapshot:
        """The served graphs as N-Quads, for the worker processes to load."""
        graph = self.graph
        names = graph.graphs if graph.graphs is not None else [g.value for g in graph.store.named_graphs()]
        if graph.graphs is None:
            quads = graph.store.dump(format=ox.RdfFormat.N_QUADS)
        else:
            store = graph.store
            chosen = [q for g in names for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
            quads = ox.serialize(chosen, format=ox.RdfFormat.N_QUADS)
        return Snapshot(quads, tuple(names))

    async def start(self) -> None:
        settings = self.settings
        self._threads = {lane: CapacityLimiter(n) for lane, n in WAITING_THREADS.items()}
        self.pool = await run_in_threadpool(
            QueryPool,
            self.snapshot(),
            settings.workers,
            settings.memory_mb,
            self.graph.catalog.directory,
            settings.page_workers,
        )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def call(self, job: Job, timeout: float | None = None) -> Reply | Any:
        """Run a job in a worker process of its lane under the time limit (`timeout`, else the
        query limit): a Reply, or what a page job makes (a Reply if it failed)."""
        limiter = self._threads[job.lane]
        limit = self.settings.timeout if timeout is None else timeout
        return await to_thread.run_sync(self.pool.call, job, limit, limiter=limiter)

    async def exported(self, fmt: str, selection: str) -> Reply:
        """The selected graphs as `fmt`, made once in a worker (a failure is not kept)."""
        key = f"export {selection} {fmt}"
        if key not in self._cache:
            reply = await self.call(ExportJob(fmt, selection), self.settings.export_timeout)
            if reply.status != 200:
                return reply
            self._cache[key] = reply
        return self._cache[key]

    def base_url(self, request: Request) -> str:
        """The server's public URL: `--base-url`, else the address it listens on (never the
        client's Host header)."""
        if self.settings.base_url:
            return self.settings.base_url.rstrip("/")
        host, port = request.scope.get("server") or ("127.0.0.1", None)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}" + ("" if port in (None, 80) else f":{port}")

    async def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """`make()` once per key (in a thread: it may be slow), for answers that depend only on the graph."""
        if key not in self._cache:
            self._cache[key] = await run_in_threadpool(make)
        return self._cache[key]


def web_state(request: Request) -> WebState:
    return request.app.state.web


def _site_of(context) -> tuple[SiteMode | None, str]:
    request = context.get("request")
    if request is None:
        return None, "/"
    page = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return request.app.state.web.site, page


@pass_context
def internal_url(context, path: str) -> str:
    """The link to the served path `path` from the page being rendered: `path` itself on the
    server; while `kzgraph site` writes the pages, the relative link to the file that holds it."""
    site, page = _site_of(context)
    return path if site is None else site.link(page, path)


@pass_context
def canonical_url(context) -> str | None:
    """The published address of the page being rendered (`kzgraph site --base-url`), or None."""
    site, page = _site_of(context)
    return None if site is None else site.canonical(page)


@pass_context
def static_site(context) -> bool:
    """Whether the page is being written for `kzgraph site` (no server behind it: no editor, no forms)."""
    return _site_of(context)[0] is not None
