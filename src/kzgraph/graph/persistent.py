"""An on-disk Oxigraph store: `kzgraph load --store DIR` builds or updates it, the other commands
query it without parsing anything.

DIR is a plain Oxigraph (RocksDB) directory, so `oxigraph serve --location DIR` can serve it too.
A change is worked out in memory (the store's graphs, the new files, then every rule and
entailment: 6x faster than running the rules in RocksDB transactions), written with the bulk
loader into a new store beside DIR and swapped in only when the whole command has succeeded, so a
parse error, a full disk or a crash leaves DIR exactly as it was. The store must therefore fit in
memory (about 600 bytes a quad); a larger one is built with the server's own bulk loader and rules
(bench/README.md, "One billion triples").

    .DIR.kzgraph-staging   the new store being written (removed if the command fails, or by the
                           next command to open DIR if the writer was killed)
    .DIR.kzgraph-commit    written just before the swap: its presence means "the staging copy is
                           complete", so an interrupted swap is finished by the next command
    .DIR.kzgraph-old       the previous DIR during the swap
    .DIR.kzgraph-lock      readers hold a shared lock while they use DIR, the swap an exclusive one
    .DIR.kzgraph-write     one writer at a time
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

import pyoxigraph as ox

from ..errors import DataLoadError, StoreError
from ..resources import ENTAILMENT_RULES_DIR, RULES_DIR
from .namespaces import GRAPH
from .store import Graph, bundled_files, derive, load_file, rdf_format

DERIVED_GRAPHS_PREFIX = GRAPH + "derived"  # the derived graph, or every derived/<source> graph
_LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
_QUADS = ox.RdfFormat.N_QUADS
_SWAP_WAIT_SECONDS = 60.0
T = TypeVar("T")


@dataclass
class LoadProgress:
    """How far the load of one file is: bytes read of the file's size on disk, and the triples
    so far where the format has one per line (N-Triples, N-Quads), else None."""

    path: Path
    bytes_read: int
    bytes_total: int
    triples: int | None
    seconds: float
    done: bool = False


@dataclass
class LoadReport:
    """What a load changed: triples per file, triples derived, and the store's size after it."""

    files: list[tuple[Path, str, int, float]] = field(default_factory=list)  # path, graph, triples, s
    derived: int = 0
    total: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    derive_seconds: float = 0.0


def is_store(path: Path) -> bool:
    return (path / "CURRENT").is_file()


def open_store(path: Path | str) -> Graph:
    """The graph in the on-disk store DIR, opened read-only (several readers may share it)."""
    path = Path(path)
    if any(_sibling(path, role).exists() for role in ("commit", "old", "staging")):
        _recover_if_idle(path)  # a crash interrupted a swap, or killed a writer mid-way
    lock = _lock_file(path, "lock")
    fcntl.flock(lock, fcntl.LOCK_SH)  # waits only while a writer swaps a new version in
    if not is_store(path):
        lock.close()
        raise StoreError(f"{path}: no store here (create one with: kzgraph load --store {path})")
    try:
        store = ox.Store.read_only(str(path))
    except OSError as e:
        lock.close()
        raise StoreError(f"{path}: cannot open the store: {e}") from None
    return StoreGraph(store, lock)


class StoreGraph(Graph):
    """A graph in an on-disk store, holding the store's read lock while any view of it is alive."""

    def __init__(self, store: ox.Store, lock: IO[str], catalog=None, graphs=None):
        super().__init__(store, catalog, graphs)
        self.lock = lock  # the file closes, releasing the lock, when the last view goes

    def restrict(self, source: str) -> StoreGraph:
        view = super().restrict(source)
        return StoreGraph(self.store, self.lock, view.catalog, view.graphs)


def load(
    path: Path | str,
    files: Iterable[Path | str] = (),
    *,
    bundled: bool = True,
    graph: str | None = None,
    progress: Callable[[LoadProgress], None] | None = None,
    stage: Callable[[str], None] | None = None,
    base: str | None = None,
) -> LoadReport:
    """Add the bundled data (unless `bundled` is False) and `files` to the store DIR, then derive
    the direct links and entailments again; all of it or, on any error, nothing. `stage` is told
    when each step after the parsing begins ("deriving", "writing the store").

    Each file replaces the named graph it goes into: `graph` if given, else .../graph/user/<file
    name> (the bundled files replace their own graphs), so loading a file again doesn't duplicate it.
    Quads of N-Quads and TriG files keep their own graphs. Relative IRIs in `files` resolve
    against `base`; without one they are refused.
    """
    sources = bundled_files() if bundled else []
    for item in files:
        file = Path(item)
        if not file.is_file():
            raise DataLoadError(str(file), "no such file")
        rdf_format(file)  # refuse an unknown file type before any work
        sources.append((file, graph or f"{GRAPH}user/{file.name}"))

    def work(store: ox.Store) -> LoadReport:
        report = LoadReport()
        for target in dict.fromkeys(g for _, g in sources):
            store.remove_graph(ox.NamedNode(target))
        for file, target in sources:
            before, started = len(store), time.monotonic()
            _load_file(store, file, target, progress, base)
            report.files.append((file, target, len(store) - before, time.monotonic() - started))
        started = time.monotonic()
        if stage:
            stage("deriving")
        report.derived = _derive_all(store)
        report.derive_seconds = time.monotonic() - started
        report.total, report.graphs = len(store), _graph_sizes(store)
        return report

    return _transaction(Path(path), work, stage)


def drop(path: Path | str, graph: str) -> int:
    """Remove one named graph from the store DIR and derive the direct links again; return the
    number of triples it held."""
    path = Path(path)

    def work(store: ox.Store) -> int:
        sizes = _graph_sizes(store)
        if graph.startswith(DERIVED_GRAPHS_PREFIX):
            raise StoreError(f"<{graph}> is derived from the other graphs: drop the graph it comes from")
        if graph not in sizes:
            listing = "; ".join(f"<{g}> ({n} triples)" for g, n in sizes.items())
            raise StoreError(f"{path} has no graph <{graph}>. Its graphs: {listing}")
        store.remove_graph(ox.NamedNode(graph))
        _derive_all(store)
        return sizes[graph]

    if not is_store(path):
        raise StoreError(f"{path}: no store here (create one with: kzgraph load --store {path})")
    return _transaction(path, work)


def _derive_all(store: ox.Store) -> int:
    """Derive every graph again from scratch: what the stored queries read, and the entailments
    (a store is published as it is: `oxigraph serve`, push)."""
    for name in list(store.named_graphs()):
        if isinstance(name, ox.NamedNode) and name.value.startswith(DERIVED_GRAPHS_PREFIX):
            store.remove_graph(name)
    return derive(store, RULES_DIR) + derive(store, ENTAILMENT_RULES_DIR)


def _load_file(
    store: ox.Store,
    file: Path,
    graph: str,
    progress: Callable[[LoadProgress], None] | None,
    base: str | None,
) -> None:
    """Parse one file into the store, reporting progress."""
    count_lines = rdf_format(file) in _LINE_FORMATS
    total = file.stat().st_size
    started = time.monotonic()
    readers: list[_ProgressReader] = []

    def wrap(stream: IO[bytes], raw: IO[bytes]) -> IO[bytes]:
        readers.append(_ProgressReader(stream, raw, file, total, count_lines, started, progress))
        return readers[-1]  # type: ignore[return-value]

    load_file(store, file, graph, base=base, wrap=wrap if progress else None)
    if progress:
        lines = readers[0].lines if readers else None
        progress(LoadProgress(file, total, total, lines, time.monotonic() - started, done=True))


class _ProgressReader:
    """A binary stream for the parser that reports progress at most twice a second."""

    def __init__(self, stream, raw, path, total, count_lines, started, progress):
        self.stream, self.raw, self.path, self.total = stream, raw, path, total
        self.lines: int | None = 0 if count_lines else None
        self.started, self.progress, self.reported = started, progress, started

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if self.lines is not None:
            self.lines += data.count(b"\n")
        now = time.monotonic()
        if now - self.reported >= 0.5:
            self.reported = now
            done = self.raw.tell()
            self.progress(LoadProgress(self.path, done, self.total, self.lines, now - self.started))
        return data


def _graph_sizes(store: ox.Store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


# Staging, commit and recovery


def _sibling(path: Path, role: str) -> Path:
    path = path.absolute()
    return path.with_name(f".{path.name}.kzgraph-{role}")


def _lock_file(path: Path, role: str) -> IO[str]:
    lock_path = _sibling(path, role)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    return open(lock_path, "a")  # held open for as long as the lock is


def _transaction(path: Path, work: Callable[[ox.Store], T], stage: Callable[[str], None] | None = None) -> T:
    """Run `work` on a copy in memory of the store DIR, write the result to a new store and swap
    it in, only if `work` succeeded."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store directory")
    if path.is_dir() and any(path.iterdir()) and not is_store(path):
        raise StoreError(f"{path} is a directory but not an Oxigraph store: use a new or empty directory")
    with _exclusive(_lock_file(path, "write"), f"another kzgraph command is changing {path}"):
        _recover(path)
        staging = _sibling(path, "staging")
        store = None
        try:
            memory = ox.Store()
            if is_store(path):
                memory.load(ox.Store.read_only(str(path)).dump(format=_QUADS), format=_QUADS)
            result = work(memory)
            if stage:
                stage("writing the store")
            store = ox.Store(str(staging))
            store.bulk_load(memory.dump(format=_QUADS), format=_QUADS)
            memory = None
            store.flush()
        except BaseException as e:
            store = memory = None
            traceback.clear_frames(e.__traceback__)  # they hold the store too
            gc.collect()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        store = None
        gc.collect()  # the store must be closed before its directory moves
        _commit(path, staging)
        return result


def _commit(path: Path, staging: Path) -> None:
    old, marker = _sibling(path, "old"), _sibling(path, "commit")
    lock = _lock_file(path, "lock")
    deadline = time.monotonic() + _SWAP_WAIT_SECONDS
    while True:  # wait for the readers of the current version to finish
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock.close()
                shutil.rmtree(staging, ignore_errors=True)
                raise StoreError(
                    f"{path} stayed in use by another process (a server?) for {_SWAP_WAIT_SECONDS:.0f} s;"
                    " nothing was changed. Stop it and run the command again."
                ) from None
            time.sleep(0.1)
    try:
        marker.touch()
        _fsync_dir(path.absolute().parent)
        if path.exists():
            path.rename(old)
        staging.rename(path)
        _fsync_dir(path.absolute().parent)
        marker.unlink()
        shutil.rmtree(old, ignore_errors=True)
    finally:
        lock.close()


def _recover(path: Path) -> None:
    """Finish a swap a crash interrupted, or throw away an unfinished staging copy."""
    staging, old, marker = _sibling(path, "staging"), _sibling(path, "old"), _sibling(path, "commit")
    if marker.exists():
        if staging.exists():
            if path.exists():
                shutil.rmtree(old, ignore_errors=True)
                path.rename(old)
            staging.rename(path)
        marker.unlink()
    shutil.rmtree(staging, ignore_errors=True)
    if old.exists():
        if path.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(path)


def _recover_if_idle(path: Path) -> None:
    writer = _lock_file(path, "write")
    try:
        fcntl.flock(writer, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # a writer is at work and will recover first
    try:
        _recover(path)
    finally:
        writer.close()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _exclusive(lock: IO[str], busy: str) -> Iterator[None]:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StoreError(f"{busy}; try again when it has finished") from None
    try:
        yield
    finally:
        lock.close()
