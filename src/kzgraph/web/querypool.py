"""Run queries in worker processes that can be killed: pyoxigraph has no query timeout, and a
query thread can't be stopped, so the only sure way to end a runaway query is to end its process.

Each worker holds its own in-memory copy of the graph (a Snapshot the server takes at start),
optionally under an address-space limit. A query that outlives its time is answered
with 503 and its worker is killed and replaced in the background, while the other workers go on
serving; a worker that dies (e.g. out of memory) is replaced the same way.

Workers are in two lanes. Ad-hoc SPARQL (`SPARQL` lane) runs only on the general workers; stored
queries and resource pages (`PAGES` lane) run on the page workers, or on a general worker when
one is free. So clients that keep every general worker busy with queries that run into the time
limit do not hold up the stored queries and pages.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..graph.results import GraphResult, SelectResult
from .protocol import (
    FORMAT_TYPES,
    Reply,
    answer_query,
    answer_stored,
    error_reply,
    fit_bytes,
    render_reply,
    run_stored,
)
from .resource_pages import ResourceView, english_labels, resource_quads, view

log = logging.getLogger("kzgraph.web.app")
_START_SECONDS = 120.0
SPARQL, PAGES = "sparql", "pages"  # the lanes: ad-hoc queries; stored queries and resource pages


@dataclass(frozen=True)
class SparqlJob:
    """An ad-hoc query from /sparql."""

    text: str
    accept: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    max_rows: int | None = None
    base_iri: str | None = None
    max_bytes: int | None = None
    lane = SPARQL

    def run(self, graph) -> Reply:
        return answer_query(
            graph.store,
            self.text,
            self.accept,
            self.default_graph_uris,
            self.named_graph_uris,
            self.max_rows,
            self.base_iri,
            self.max_bytes,
        )


@dataclass(frozen=True)
class StoredJob:
    """A stored query from /queries/NAME with its parameters."""

    name: str
    params: tuple[tuple[str, str], ...]
    fmt: str
    max_rows: int | None = None
    max_bytes: int | None = None
    lane = PAGES

    def run(self, graph) -> Reply:
        return answer_stored(graph, self.name, dict(self.params), self.fmt, self.max_rows, self.max_bytes)


@dataclass
class StoredPage:
    """A stored query's answer as SPARQL JSON, and the labels of the IRIs in it."""

    reply: Reply
    labels: dict[str, str]


@dataclass(frozen=True)
class StoredPageJob:
    """What a stored query's HTML page shows (/queries/NAME): its result and the labels of its
    IRIs, in one trip to the worker."""

    name: str
    params: tuple[tuple[str, str], ...]
    max_rows: int | None = None
    max_bytes: int | None = None
    lane = PAGES

    def run(self, graph) -> StoredPage:
        result = run_stored(graph, self.name, dict(self.params), self.max_rows)
        if isinstance(result, Reply):
            return StoredPage(result, {})
        fmt = "ttl" if isinstance(result, GraphResult) else "json"  # a graph: the page links its download
        reply = render_reply(result, fmt, self.max_rows, self.max_bytes)
        if not isinstance(result, SelectResult):
            return StoredPage(reply, {})
        iris = {term.value for row in result.rows for term in row if isinstance(term, ox.NamedNode)}
        return StoredPage(reply, english_labels(graph.store, sorted(iris)))


@dataclass(frozen=True)
class PageJob:
    """One page of a resource's HTML view (/id/...): its statements and the links to it."""

    iri: str
    page: int
    page_size: int
    lane = PAGES

    def run(self, graph) -> ResourceView | None:
        return view(graph.store, self.iri, self.page, self.page_size)


@dataclass(frozen=True)
class ResourceRdfJob:
    """A resource's statements and the links to it as RDF, at most `max_rows` quads and `max_bytes`."""

    iri: str
    fmt: str
    max_rows: int
    max_bytes: int | None = None
    lane = PAGES

    def run(self, graph) -> Reply:
        from ..publish.export import serialize
        from .protocol import TRUNCATED_HEADER

        quads = resource_quads(graph.store, self.iri, self.max_rows + 1)
        if not quads:
            return error_reply(404, f"Nothing is known about <{self.iri}>")
        cut = [f"max-rows={self.max_rows}"] if len(quads) > self.max_rows else []
        quads = quads[: self.max_rows]
        body, kept = fit_bytes(quads, lambda chosen: serialize(chosen, self.fmt), self.max_bytes)
        if kept < len(quads):
            cut.append(f"max-bytes={self.max_bytes}")
        headers = {TRUNCATED_HEADER: ", ".join(cut)} if cut else {}
        return Reply(200, FORMAT_TYPES[self.fmt], body, {**headers, "Vary": "Accept"})


@dataclass(frozen=True)
class ExportJob:
    """The selected graphs (publish/export.py's selections) in one format: the whole-graph
    downloads and the ontology's RDF, made off the server's event loop."""

    fmt: str
    selection: str
    lane = PAGES

    def run(self, graph) -> Reply:
        from ..publish.export import MEDIA_TYPES, export

        return Reply(200, MEDIA_TYPES[self.fmt], export(graph.store, self.fmt, self.selection))


Job = SparqlJob | StoredJob | StoredPageJob | PageJob | ResourceRdfJob | ExportJob


@dataclass(frozen=True)
class Snapshot:
    """What a worker loads: the quads as N-Quads, and the names of every named graph."""

    quads: bytes
    graph_names: tuple[str, ...]


class _Worker:
    def __init__(
        self, context, snapshot: Snapshot, catalog_dir: Path | None, memory_mb: int | None, lane: str
    ):
        self.lane = lane
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main,
            args=(child, snapshot, catalog_dir, memory_mb),
            daemon=True,
            name="kzgraph-query-worker",
        )
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        try:
            ready = self.conn.poll(_START_SECONDS) and self.conn.recv() == "ready"
        except (EOFError, OSError):  # it died starting (or the pool was closed meanwhile)
            ready = False
        if not ready:
            self.kill()
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes in two lanes; `call` runs a job on a free worker of
    its lane within a time limit."""

    def __init__(
        self,
        snapshot: Snapshot,
        workers: int = 2,
        memory_mb: int | None = None,
        catalog_dir: Path | None = None,
        page_workers: int = 0,
    ):
        self._context = multiprocessing.get_context("spawn")
        self._snapshot, self._memory_mb, self._catalog_dir = snapshot, memory_mb, catalog_dir
        self._idle: dict[str, list[_Worker]] = {SPARQL: [], PAGES: []}
        self._all: set[_Worker] = set()
        self._lock = threading.Condition()
        self._closed = False
        started = [self._start_worker(SPARQL) for _ in range(workers)]
        started += [self._start_worker(PAGES) for _ in range(page_workers)]
        for worker in started:
            worker.wait_ready()
            self._release(worker)

    def call(self, job: Job, timeout: float):
        """Run `job` on a worker of its lane; 503 if none is free within `timeout` s or the job
        takes longer. The job's answer: a Reply, or what a page job makes."""
        worker = self._acquire(job.lane, timeout)
        if worker is None:
            return error_reply(503, f"Every query worker stayed busy for {timeout:g} s; try again later")
        try:
            worker.conn.send(job)
            finished = worker.conn.poll(timeout)
            reply = worker.conn.recv() if finished else None
            if isinstance(reply, Reply):  # its body follows as raw bytes: one copy, never pickled
                reply.body = worker.conn.recv_bytes()
        except (EOFError, OSError):
            log.error("query worker %s died running %r", worker.process.pid, job)
            self._replace(worker)
            return error_reply(500, "The query stopped its worker (it may have run out of memory)")
        if not finished:
            log.warning("query stopped after %g s: %r", timeout, job)
            self._replace(worker)
            return error_reply(503, f"The query ran longer than the {timeout:g} s limit and was stopped")
        self._release(worker)
        return reply

    def _acquire(self, lane: str, timeout: float) -> _Worker | None:
        """An idle worker for `lane` (a page job takes a page worker first), waiting up to `timeout` s."""
        lanes = (PAGES, SPARQL) if lane == PAGES else (SPARQL,)
        deadline = time.monotonic() + timeout
        with self._lock:
            while not self._closed:
                for name in lanes:
                    if self._idle[name]:
                        return self._idle[name].pop()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._lock.wait(remaining)
        return None

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._idle[worker.lane].append(worker)
            self._lock.notify_all()

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._lock.notify_all()
        for worker in workers:
            worker.kill()

    def _start_worker(self, lane: str) -> _Worker:
        worker = _Worker(self._context, self._snapshot, self._catalog_dir, self._memory_mb, lane)
        with self._lock:
            closed = self._closed
            if not closed:
                self._all.add(worker)
        if closed:  # close() has run: it would never stop this one
            worker.kill()
            raise RuntimeError("the query pool is closed")
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` now; start its successor in the background, so the caller answers at once."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return

        def start() -> None:
            for attempt in range(3):
                try:
                    successor = self._start_worker(worker.lane)
                    successor.wait_ready()
                except (OSError, RuntimeError):
                    if self._closed:
                        return
                    log.exception("could not start a query worker (attempt %d)", attempt + 1)
                    time.sleep(1)
                    continue
                self._release(successor)
                return

        threading.Thread(target=start, name="kzgraph-respawn", daemon=True).start()


def _worker_main(conn, snapshot: Snapshot, catalog_dir: Path | None, memory_mb: int | None) -> None:
    import resource
    import signal

    import pyoxigraph as ox

    from ..graph.catalog import Catalog
    from ..graph.store import Graph

    # Ctrl-C reaches the whole process group; the server decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store = ox.Store()
    store.load(snapshot.quads, format=ox.RdfFormat.N_QUADS)
    for name in snapshot.graph_names:  # N-Quads has no way to write an empty graph
        store.add_graph(ox.NamedNode(name))
    graph = Graph(store, Catalog(catalog_dir) if catalog_dir else None)
    answer_query(store, "ASK {}", None)  # the first parse imports and builds rdflib's grammar (seconds)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = job.run(graph)
        except Exception:  # the client gets a plain 500; the traceback goes to the server log only
            traceback.print_exc()
            reply = error_reply(500, "Internal error while answering the query")
        if isinstance(reply, Reply):
            body, reply.body = reply.body, b""
            conn.send(reply)
            conn.send_bytes(body)
        else:
            conn.send(reply)
