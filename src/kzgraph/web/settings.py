"""The web server's limits (`kzgraph serve` options)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServeSettings:
    """The endpoint's limits. The defaults are documented in the README."""

    timeout: float = 10.0  # seconds a query may run (parsing, evaluation and serialisation)
    max_rows: int = 10_000  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one answer
    max_body: int = 1024 * 1024  # bytes in a POST body
    workers: int = 2  # query worker processes
    memory_mb: int | None = 2048  # address-space limit of each worker, MiB (None: no limit)
