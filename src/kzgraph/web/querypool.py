"""Run queries in worker processes that can be killed: pyoxigraph has no query timeout, and a
query thread can't be stopped, so the only sure way to end a runaway query is to end its process.

Each worker holds its own in-memory copy of the graph (a Snapshot the server takes at start),
optionally under an address-space limit. A query that outlives its time is answered
with 503 and its worker is killed and replaced in the background, while the other workers go on
serving; a worker that dies (e.g. out of memory) is replaced the same way.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .protocol import Reply, answer_query, answer_stored, error_reply

log = logging.getLogger("kzgraph.web.app")
_START_SECONDS = 120.0


@dataclass(frozen=True)
class SparqlJob:
    """An ad-hoc query from /sparql."""

    text: str
    accept: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    max_rows: int | None = None
    base_iri: str | None = None

    def run(self, graph) -> Reply:
        return answer_query(
            graph.store,
            self.text,
            self.accept,
            self.default_graph_uris,
            self.named_graph_uris,
            self.max_rows,
            self.base_iri,
        )


@dataclass(frozen=True)
class StoredJob:
    """A stored query from /queries/NAME with its parameters."""

    name: str
    params: tuple[tuple[str, str], ...]
    fmt: str
    max_rows: int | None = None

    def run(self, graph) -> Reply:
        return answer_stored(graph, self.name, dict(self.params), self.fmt, self.max_rows)


@dataclass(frozen=True)
class Snapshot:
    """What a worker loads: the quads as N-Quads, and the names of every named graph."""

    quads: bytes
    graph_names: tuple[str, ...]


class _Worker:
    def __init__(self, context, snapshot: Snapshot, catalog_dir: Path | None, memory_mb: int | None):
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
        if not self.conn.poll(_START_SECONDS) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes; `call` runs a job on a free one within a time limit."""

    def __init__(
        self,
        snapshot: Snapshot,
        workers: int = 2,
        memory_mb: int | None = None,
        catalog_dir: Path | None = None,
    ):
        self._context = multiprocessing.get_context("spawn")
        self._snapshot, self._memory_mb, self._catalog_dir = snapshot, memory_mb, catalog_dir
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [self._start_worker() for _ in range(workers)]
        for worker in started:
            worker.wait_ready()
            self._idle.put(worker)

    def call(self, job: SparqlJob | StoredJob, timeout: float) -> Reply:
        """Run `job` on a worker; 503 if none is free within `timeout` s or the job takes longer."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return error_reply(503, f"Every query worker stayed busy for {timeout:g} s; try again later")
        try:
            worker.conn.send(job)
            finished = worker.conn.poll(timeout)
            reply = worker.conn.recv() if finished else None
        except (EOFError, OSError):
            log.error("query worker %s died running %r", worker.process.pid, job)
            self._replace(worker)
            return error_reply(500, "The query stopped its worker (it may have run out of memory)")
        if reply is None:
            log.warning("query stopped after %g s: %r", timeout, job)
            self._replace(worker)
            return error_reply(503, f"The query ran longer than the {timeout:g} s limit and was stopped")
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for worker in workers:
            worker.kill()

    def _start_worker(self) -> _Worker:
        worker = _Worker(self._context, self._snapshot, self._catalog_dir, self._memory_mb)
        with self._lock:
            self._all.add(worker)
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
                    successor = self._start_worker()
                    successor.wait_ready()
                except (OSError, RuntimeError):
                    log.exception("could not start a query worker (attempt %d)", attempt + 1)
                    time.sleep(1)
                    continue
                self._idle.put(successor)
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
        conn.send(reply)
