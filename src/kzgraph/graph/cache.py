"""A cache of the bundled data with everything the rules derive and entail: a command loads one
N-Quads file instead of parsing every bundled file and running the rules. (catalog.py keeps the
parsed front matter of each stored query in the same directory.)

The file is named by checksums (CRC-32 and Adler-32, which zlib computes in microseconds and
Python has already imported) of the bundled files, the rules and the versions of kzgraph and
pyoxigraph, so any change to them makes a new one. It lives in $KZGRAPH_CACHE_DIR, else
$XDG_CACHE_HOME/kzgraph, else ~/.cache/kzgraph; KZGRAPH_CACHE_DIR="" turns the cache off.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..resources import RULES_DIR


def cache_dir() -> Path | None:
    """The cache directory, or None if the cache is off."""
    root = os.environ.get("KZGRAPH_CACHE_DIR")
    if root == "":
        return None
    if root is None:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "kzgraph")
    return Path(root)


def cache_file(sources: list[tuple[Path, str]]) -> Path | None:
    """Where the bundled store for these (file, graph) sources is cached, or None if off."""
    root = cache_dir()
    if root is None:
        return None
    from .. import __version__

    parts = [f"{__version__} {ox.__version__}".encode()]
    for path, graph in [*sources, *((p, f"rule {p.parent.name}") for p in sorted(RULES_DIR.rglob("*.rq")))]:
        parts += [f"\0{path.name}\0{graph}\0".encode(), path.read_bytes()]
    return root / f"bundled-{checksum(b''.join(parts))}.nq"


def checksum(data: bytes) -> str:
    """A 64-bit checksum of `data` as hex: enough to tell versions of a cached file apart."""
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def read_into(path: Path | None, store: ox.Store) -> bool:
    """Load the cache file into the empty `store`; False (and `store` left empty) if there is none
    or it can't be read. The file is pyoxigraph's own output, so it is parsed without re-validating
    every IRI (lenient: 40% faster); a damaged file still fails to parse and is rebuilt."""
    if path is None or not path.is_file():
        return False
    try:
        store.load(path=path, format=ox.RdfFormat.N_QUADS, lenient=True)
    except (OSError, SyntaxError):
        store.clear()  # unreadable or cut short: rebuild it
        return False
    return True


def write(path: Path | None, store: ox.Store) -> None:
    """Write the cached store (if the cache is on)."""
    if path is not None:
        write_atomically(path, lambda out: store.dump(out, format=ox.RdfFormat.N_QUADS))


def write_atomically(path: Path, write_to: Callable[[IO[bytes]], object]) -> None:
    """Write a cache file through a temporary file beside it, so that no reader sees half of it;
    a cache that cannot be written is simply not used."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            write_to(out)
        os.replace(out.name, path)
    except OSError:
        return
