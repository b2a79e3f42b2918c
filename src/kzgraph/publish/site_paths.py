"""Where each served URL lives in the static site `kzgraph site` writes, and the relative links
between those files. While a site is written, the `url()` template global links through here.

    /                                   -> index.html
    /id/party/otan                      -> id/party/otan.html
    /id/party/otan?format=ttl           -> id/party/otan.ttl
    /queries/election-results?year=2004 -> queries/election-results.year-2004.html
    /queries/organisations.json?_shape=objects -> queries/organisations.objects.json
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from ..graph.catalog import StoredQuery

# Last path segments that are already file names (a dot and one of these), kept as they are.
FILE_EXTENSIONS = ("html", "css", "js", "json", "jsonld", "csv", "tsv", "xml")
FILE_EXTENSIONS += ("ttl", "nt", "nq", "trig", "rdf")
RDF_FORMAT_EXTENSIONS = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdfxml": "rdf"}


def slug(value: str) -> str:
    """A file-name-safe, lower-case form of a parameter value: `Nur Otan` -> `nur-otan`."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "empty"


@functools.lru_cache(maxsize=65536)  # a page links to the same few hundred files
def site_file(url: str) -> str:
    """The site-relative file name (no leading slash) that holds the page served at `url`."""
    parts = urlsplit(url)
    path = parts.path or "/"
    params = parse_qsl(parts.query, keep_blank_values=True)
    if path.endswith("/"):
        path += "index"
    stem, ext = path.lstrip("/"), ""
    last = stem.rsplit("/", 1)[-1]
    if ("." in last and last.rsplit(".", 1)[1] in FILE_EXTENSIONS) or stem.startswith("static/"):
        stem, _, ext = stem.rpartition(".")
    rest = []
    for name, value in params:
        if name == "format" and value in RDF_FORMAT_EXTENSIONS and not ext:
            ext = RDF_FORMAT_EXTENSIONS[value]
        elif name == "_shape":
            rest.append(value)
        else:
            rest.append(f"{slug(name)}-{slug(value)}")
    name = ".".join([stem, *sorted(rest)]) if rest else stem
    return f"{name}.{ext or 'html'}"


@dataclass
class SiteMode:
    """The state of a site being written: where it will live and the pages its links ask for."""

    base_url: str | None = None
    wanted: set[str] = field(default_factory=set)

    def link(self, from_url: str, to_url: str) -> str:
        """`to_url` (a served path, maybe with a query and a fragment) as a link relative to the
        file of the page at `from_url`; the target is recorded as a page the site needs."""
        if not to_url.startswith("/") or to_url.startswith("//"):
            return to_url
        target, _, fragment = to_url.partition("#")
        self.wanted.add(target)
        relative = _relative(site_file(target), posixpath.dirname(site_file(from_url)) or ".")
        return relative + (f"#{fragment}" if fragment else "")

    def canonical(self, url: str) -> str | None:
        """The absolute address of the page at `url` once published at `base_url`."""
        if self.base_url is None:
            return None
        return self.base_url.rstrip("/") + "/" + site_file(url)


@functools.lru_cache(maxsize=65536)
def _relative(file: str, directory: str) -> str:
    return posixpath.relpath(file, directory)


def variants(stored: StoredQuery, years: list[str]) -> list[dict[str, str]]:
    """The parameter values a published site holds results for: the required parameters at
    their defaults or examples (and the optional ones left out, then at their examples), and
    every election year for a query with a year parameter."""

    def given(p) -> str | None:
        return p.default or p.example

    required = {p.name: given(p) for p in stored.params if p.required and given(p) is not None}
    optional = {p.name: given(p) for p in stored.params if not p.required and given(p) is not None}
    found = [required] + ([{**required, **optional}] if optional else [])
    for param in stored.params:
        if param.type == "year":  # every year, in order (the example's among them)
            by_year = [{**required, param.name: year} for year in years]
            found = [v for v in found if v.get(param.name) not in years] + by_year
    return found
