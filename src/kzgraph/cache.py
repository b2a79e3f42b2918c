"""A cache of the bundled data with everything the rules derive and entail: a command loads one
N-Quads file instead of parsing every bundled file and running the rules. (catalog.py keeps the
parsed front matter of each stored query in the same directory.)

The file is named by a hash of the bundled files, the rules and the versions of kzgraph and
pyoxigraph, so any change to them makes a new one. It lives in $KZGRAPH_CACHE_DIR, else
$XDG_CACHE_HOME/kzgraph, else ~/.cache/kzgraph; KZGRAPH_CACHE_DIR="" turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from .resources import RULES_DIR


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
    from . import __version__

    digest = hashlib.sha256(f"{__version__} {ox.__version__}".encode())
    for path, graph in [*sources, *((p, f"rule {p.parent.name}") for p in sorted(RULES_DIR.rglob("*.rq")))]:
        digest.update(f"\0{path.name}\0{graph}\0".encode())
        digest.update(path.read_bytes())
    return root / f"bundled-{digest.hexdigest()[:20]}.nq"


def read_into(path: Path | None, store: ox.Store) -> bool:
    """Load the cache file into the empty `store`; False (and `store` left empty) if there is none
    or it can't be read."""
    if path is None or not path.is_file():
        return False
    try:
        store.load(path=path, format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError):
        store.clear()  # unreadable or cut short: rebuild it
        return False
    return True


def write(path: Path | None, store: ox.Store) -> None:
    """Write the cache atomically; a cache that cannot be written is simply not used."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            store.dump(out, format=ox.RdfFormat.N_QUADS)
        os.replace(out.name, path)
    except OSError:
        return
