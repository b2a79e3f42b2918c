"""What the read-only endpoint lets a query do, decided from the parsed query before it runs.

pyoxigraph offers no parse-only call and would execute SERVICE (it has an HTTP client), so
every query is first parsed with rdflib's SPARQL 1.1 grammar: updates are refused, and so are
SERVICE clauses and FROM / FROM NAMED graphs that are not graphs of the dataset.

The two parsers must read the same text the same way. SPARQL says \\u and \\U escapes are
replaced before parsing; rdflib does that, Oxigraph does not. `normalise` replaces them once,
and both parsers get the result (rdflib's grammar is called directly, because its
`parseQuery` would replace escapes a second time). As a second line, a scan of the tokens
outside strings, IRIs and comments refuses any SERVICE keyword the parse tree lacks.

rdflib's grammar is recursive (about 40 Python frames per level of brackets, groups or
sub-queries), so it runs in one thread of its own with a deep stack and, while it parses, a
recursion limit to match. A scan of the same tokens first refuses nesting deeper than
MAX_NESTING, which is also what keeps the engine's own recursive parser within its stack
(pyoxigraph crashes the process from about 5,000 levels).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from ..errors import KzgraphError
from ..graph.sparql_text import MAX_NESTING, TOKENS, too_deep

QUERY_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FRAMES_PER_LEVEL = 60  # rdflib's grammar takes up to about 40
_PARSER_STACK = 512 * 1024 * 1024  # reserved address space; only what is used is memory
T = TypeVar("T")


class RefusedQuery(KzgraphError):
    """The query is well-formed but asks for something this endpoint does not do (HTTP 400)."""


class UpdateRefused(KzgraphError):
    """The request is a SPARQL Update; the endpoint is read-only (HTTP 403)."""


class SyntaxRefused(KzgraphError):
    """The text is not a SPARQL 1.1 query (HTTP 400)."""


@dataclass(frozen=True)
class QueryPlan:
    """What a checked query is: its text as both parsers read it, its form and its dataset clause."""

    text: str
    form: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """Replace \\u and \\U code point escapes, once, as SPARQL 1.1 (section 19.2) says."""

    def expand(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise SyntaxRefused(f"SPARQL syntax error: {match.group(0)} is not a Unicode code point")
        return chr(code)

    return _ESCAPE.sub(expand, text)


def check_query(
    text: str,
    dataset_graphs: Collection[str],
    prefixes: Mapping[str, str] | None = None,
    base_iri: str | None = None,
) -> QueryPlan:
    """Parse `text` and decide whether the endpoint may run it.

    :param dataset_graphs: the named graph IRIs of the dataset; FROM and FROM NAMED may name only these.
    :param prefixes: prefixes the endpoint predeclares (used to expand FROM <prefixed:name>).
    :param base_iri: the base IRI relative IRIs resolve against when the query has no BASE.
    :raises UpdateRefused: the text is a SPARQL Update.
    :raises RefusedQuery: SERVICE, or FROM / FROM NAMED outside the dataset.
    :raises SyntaxRefused: anything else that is not a query.
    """
    parse = _parse_cached if len(text) <= _CACHED_TEXT else _parse
    plan = parse(text, tuple(sorted((prefixes or {}).items())), base_iri)
    outside = [iri for iri in (*plan.default_graphs, *plan.named_graphs) if iri not in dataset_graphs]
    if outside:
        named = ", ".join(f"<{iri}>" for iri in outside)
        raise RefusedQuery(
            f"FROM / FROM NAMED may only name graphs of this dataset; not {named}"
            " (this endpoint never fetches remote or local files; see /.well-known/void for its graphs)"
        )
    return plan


def check_dataset_parameters(iris: Collection[str], dataset_graphs: Collection[str]) -> None:
    """default-graph-uri / named-graph-uri values must be graphs of the dataset."""
    outside = [iri for iri in iris if iri not in dataset_graphs]
    if outside:
        raise RefusedQuery(
            "default-graph-uri / named-graph-uri may only name graphs of this dataset; not "
            + ", ".join(f"<{i}>" for i in outside)
        )


def _parse(text: str, prefixes: tuple[tuple[str, str], ...], base_iri: str | None) -> QueryPlan:
    normalised = normalise(text)
    if too_deep(normalised):
        raise RefusedQuery(_TOO_DEEP)
    return _in_parser_thread(_plan, normalised, prefixes, base_iri)


_TOO_DEEP = (
    f"The query nests brackets, groups or sub-queries deeper than {MAX_NESTING} levels,"
    " the most this endpoint reads"
)


def _plan(normalised: str, prefixes: tuple[tuple[str, str], ...], base_iri: str | None) -> QueryPlan:
    from rdflib.plugins.sparql import parser

    try:
        prologue, query = parser.Query.parse_string(normalised, parse_all=True)
    except RecursionError:
        raise RefusedQuery(_TOO_DEEP) from None
    except Exception as query_error:
        try:
            parser.UpdateUnit.parse_string(normalised, parse_all=True)
        except RecursionError:
            raise RefusedQuery(_TOO_DEEP) from None
        except Exception:
            raise SyntaxRefused(_syntax_message(query_error)) from None
        raise UpdateRefused(
            "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is not accepted"
        ) from None
    if _contains(query, "ServiceGraphPattern") or _has_service_keyword(normalised):
        raise RefusedQuery("SERVICE is not allowed: this endpoint does not query other endpoints")
    declared = dict(prefixes)
    base = base_iri
    for declaration in prologue:
        if declaration.name == "PrefixDecl":
            declared[_field(declaration, "prefix")] = str(declaration["iri"])
        elif declaration.name == "Base":
            base = _iri(declaration["iri"], declared, base)
    default, named = [], []
    for clause in _get(query, "datasetClause") or []:
        if "default" in clause:
            default.append(_iri(clause["default"], declared, base))
        else:
            named.append(_iri(clause["named"], declared, base))
    return QueryPlan(normalised, QUERY_FORMS[query.name], tuple(default), tuple(named))


# Clients repeat the same queries; caching their parses (not huge texts) saves rdflib's time.
_CACHED_TEXT = 16 * 1024
_parse_cached = lru_cache(maxsize=256)(_parse)


def _contains(node: object, name: str) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == name:
            return True
        return any(_contains(value, name) for value in node.values())
    if isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        return any(_contains(item, name) for item in node)
    return False


_parser_pool: ThreadPoolExecutor | None = None
_parser_pool_lock = threading.Lock()


def _in_parser_thread(function: Callable[..., T], *args) -> T:
    """Run `function` in the parser thread: a deep stack, and the recursion limit raised while
    it runs (the limit is the interpreter's, so it goes back down at once)."""
    global _parser_pool
    with _parser_pool_lock:
        if _parser_pool is None:
            previous = threading.stack_size(_PARSER_STACK)
            try:
                _parser_pool = ThreadPoolExecutor(1, thread_name_prefix="kzgraph-sparql-guard")
                _parser_pool.submit(int).result()  # starts the thread now, with the deep stack
            finally:
                threading.stack_size(previous)
    return _parser_pool.submit(_with_recursion_limit, function, *args).result()


def _with_recursion_limit(function: Callable[..., T], *args) -> T:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 1000 + _FRAMES_PER_LEVEL * MAX_NESTING))
    try:
        return function(*args)
    finally:
        sys.setrecursionlimit(previous)


def _has_service_keyword(text: str) -> bool:
    return any(m.group("word") and m.group("word").upper() == "SERVICE" for m in TOKENS.finditer(text))


def _iri(term: object, prefixes: Mapping[str, str], base: str | None) -> str:
    from urllib.parse import urljoin

    if getattr(term, "name", None) == "pname":
        prefix = _field(term, "prefix")
        if prefix not in prefixes:
            raise SyntaxRefused(f"SPARQL syntax error: undeclared prefix {prefix!r}")
        return prefixes[prefix] + _field(term, "localname")
    iri = str(term)
    return urljoin(base, iri) if base else iri


def _get(node, key: str):
    # CompValue.get returns the key itself for a missing key; dict.get gives None.
    return dict.get(node, key)


def _field(node, key: str) -> str:
    value = _get(node, key)
    return "" if value is None else str(value)


def _syntax_message(error: Exception) -> str:
    line, column = getattr(error, "lineno", None), getattr(error, "col", None)
    what = getattr(error, "msg", None) or str(error)
    where = f" at line {line}, column {column}" if line else ""
    return f"SPARQL syntax error{where}: {what}"
