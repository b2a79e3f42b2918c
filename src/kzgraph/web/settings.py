"""The web server's limits (`kzgraph serve` options)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServeSettings:
    """The endpoint's limits. The defaults are documented in the README and docs/linked-data.md."""

    timeout: float = 10.0  # seconds a query may run (parsing, evaluation and serialisation)
    max_rows: int = 10_000  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one answer
    max_bytes: int = 8 * 1024 * 1024  # bytes in one answer; more rows are cut
    max_body: int = 1024 * 1024  # bytes in a POST body
    workers: int = 2  # query worker processes for /sparql (stored queries may use them too)
    page_workers: int = 1  # worker processes only stored queries and resource pages use
    memory_mb: int | None = 2048  # address-space limit of each worker, MiB (None: no limit)
    export_timeout: float = 120.0  # seconds a whole-graph download may take to make, in a worker
    header_timeout: float = 10.0  # seconds a client may take to send a request's head, and then its body
    page_size: int = 500  # statements of a resource page listed per page (outgoing and incoming)
    base_url: str | None = None  # the server's public URL (None: the address it listens on)
