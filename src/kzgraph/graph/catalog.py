"""The stored-query catalog: one SPARQL query per `queries/*.rq` file, with `#+` YAML front matter."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

from ..errors import CatalogError, QueryNotFound
from ..resources import QUERIES_DIR
from .cache import cache_dir, checksum, write_atomically

PARAM_TYPES = ("organisation", "year", "string", "integer", "decimal", "iri")
_FRONT_MATTER = re.compile(r"^#\+ ?(.*)$")
# Names Graph.run and the CLI/HTTP layers use for themselves.
RESERVED_PARAMS = ("limit", "format", "source")


class Param(NamedTuple):
    name: str
    type: str = "string"
    description: str = ""
    default: str | None = None
    example: str | None = None
    required: bool = True


class StoredQuery(NamedTuple):
    name: str
    title: str
    description: str
    sparql: str
    path: Path
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_query_file(path: Path) -> StoredQuery:
    """Read one `.rq` file: the leading `#+` lines are YAML metadata, the rest is the query."""
    return parse_query_text(path, path.read_text(encoding="utf-8"))


def parse_query_text(path: Path, text: str) -> StoredQuery:
    """Parse the text of the stored query file `path`."""
    import yaml  # about 14 ms: only when a query file is new or has changed (see _load)

    meta_lines = []
    for line in text.splitlines():
        match = _FRONT_MATTER.match(line)
        if not match:
            break
        meta_lines.append(match.group(1))
    try:
        meta = yaml.safe_load("\n".join(meta_lines)) or {}
    except yaml.YAMLError as e:
        raise CatalogError(f"{path}: invalid front matter: {e}") from e
    if not isinstance(meta, dict) or not meta.get("title"):
        raise CatalogError(f"{path}: front matter needs at least a title (#+ title: ...)")
    params = []
    for raw in meta.get("params") or []:
        if not isinstance(raw, dict) or "name" not in raw:
            raise CatalogError(f"{path}: each param needs a name, got {raw!r}")
        if raw["name"] in RESERVED_PARAMS:
            reserved = ", ".join(RESERVED_PARAMS)
            raise CatalogError(f"{path}: param name {raw['name']!r} is reserved ({reserved})")
        ptype = raw.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise CatalogError(f"{path}: param {raw['name']}: unknown type {ptype!r}")
        default = raw.get("default")
        params.append(
            Param(
                name=raw["name"],
                type=ptype,
                description=raw.get("description", ""),
                default=None if default is None else str(default),
                example=None if raw.get("example") is None else str(raw["example"]),
                required=bool(raw.get("required", default is None)),
            )
        )
    return StoredQuery(
        name=path.stem,
        title=str(meta["title"]),
        description=str(meta.get("description", "")).strip(),
        sparql=text,
        path=path,
        params=tuple(params),
        columns=tuple(meta.get("columns") or ()),
        tags=tuple(meta.get("tags") or ()),
    )


class Catalog:
    """All stored queries of a directory, by name."""

    def __init__(self, directory: Path = QUERIES_DIR):
        self.directory = directory
        self._queries = {p.stem: p for p in sorted(directory.glob("*.rq"))}

    def names(self) -> list[str]:
        return list(self._queries)

    def get(self, name: str) -> StoredQuery:
        """The stored query `name`; QueryNotFound lists close names and the whole catalog."""
        path = self._queries.get(name)
        if path is None:
            import difflib

            close = difflib.get_close_matches(name, self._queries, n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise QueryNotFound(
                f'Query "{name}" not found.{hint} Available: {", ".join(self._queries)}'
                " (see: kzgraph queries)"
            )
        return _parse_cached(path, path.stat().st_mtime_ns)

    def __iter__(self):
        return (self.get(name) for name in self._queries)

    def __len__(self) -> int:
        return len(self._queries)


@cache
def _parse_cached(path: Path, _mtime: int) -> StoredQuery:
    return _load(path)


def _load(path: Path) -> StoredQuery:
    """Parse a query file, or take its parsed form from the cache, keyed by the file's content, so
    that a command that runs one stored query does not have to import a YAML parser."""
    text = path.read_text(encoding="utf-8")
    root = cache_dir()
    cached = None
    if root is not None:
        from .. import __version__

        key = checksum(f"{__version__}\0{text}".encode())
        cached = root / f"query-{key}.json"
        try:
            fields = json.loads(cached.read_text(encoding="utf-8"))
            return StoredQuery(
                name=path.stem,
                title=fields["title"],
                description=fields["description"],
                sparql=text,
                path=path,
                params=tuple(Param(**p) for p in fields["params"]),
                columns=tuple(fields["columns"]),
                tags=tuple(fields["tags"]),
            )
        except (OSError, ValueError, TypeError, KeyError):
            pass  # not cached yet, or unreadable: parse it
    query = parse_query_text(path, text)
    if cached is not None:
        fields = {
            "title": query.title,
            "description": query.description,
            "columns": list(query.columns),
            "tags": list(query.tags),
            "params": [p._asdict() for p in query.params],
        }
        write_atomically(cached, lambda out: out.write(json.dumps(fields).encode()))
    return query
