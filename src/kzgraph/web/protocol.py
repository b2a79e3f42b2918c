"""The SPARQL 1.1 Protocol's answers, independent of any web framework: check a request, pick
the result format the client accepts, run the query, serialise the result.

`answer_query` and `answer_stored` run inside the query worker processes (querypool.py), so
that parsing, running and serialising all fall under the per-query time limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import KzgraphError, ParameterError, QueryError, QueryNotFound
from ..graph.namespaces import PREFIXES
from ..graph.results import GraphResult, QueryResult, SelectResult, from_oxigraph
from ..graph.sparql_errors import explain_query, explain_syntax_error
from .guard import RefusedQuery, SyntaxRefused, UpdateRefused, check_dataset_parameters, check_query

# Result media types in the server's order of preference, with the output.render format of each.
TABLE_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
BOOLEAN_TYPES = {k: v for k, v in TABLE_TYPES.items() if v in ("json", "xml")}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "text/plain": "nt",
}
FORMAT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
TRUNCATED_HEADER = "Kzgraph-Truncated"
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


@dataclass
class Reply:
    """An HTTP answer: status, media type, body and extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def error_reply(status: int, message: str) -> Reply:
    """A JSON error document: {"message": ...}, with <, > and & escaped, so that no browser can
    read it as HTML even if it ignores the media type."""
    body = json.dumps({"message": message}).replace("<", "\\u003c").replace(">", "\\u003e")
    return Reply(status, "application/json", body.replace("&", "\\u0026").encode("utf-8"))


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the Accept header prefers (RFC 9110 section 12.5.1), or None if it
    accepts none of them. Ties go to the earlier offer; no header accepts anything."""
    ranges = _accept_ranges(accept or "*/*")
    best, best_q = None, 0.0
    for offer in offers:
        kind, _, _ = offer.partition("/")
        matches = [
            (specificity, q)
            for media_range, q, specificity in ranges
            if media_range in (offer, f"{kind}/*", "*/*")
        ]
        if not matches:
            continue
        q = max(matches)[1]  # the most specific matching range decides
        if q > best_q:
            best, best_q = offer, q
    return best


def _accept_ranges(accept: str) -> list[tuple[str, float, int]]:
    ranges = []
    for part in accept.split(","):
        media_range, *params = (p.strip() for p in part.split(";"))
        if not media_range:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        media_range = media_range.lower()
        specificity = 0 if media_range == "*/*" else 1 if media_range.endswith("/*") else 2
        ranges.append((media_range, q, specificity))
    return ranges


def answer_query(
    store: ox.Store,
    text: str,
    accept: str | None,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    max_rows: int | None = None,
    base_iri: str | None = None,
    max_bytes: int | None = None,
) -> Reply:
    """Answer one SPARQL query request.

    400 for a malformed or refused query, 403 for an update, 406 if no acceptable format fits
    the query form; otherwise 200 with the result, at most `max_rows` rows or triples and
    `max_bytes` bytes (the `Kzgraph-Truncated` header says when more were cut). Relative IRIs
    resolve against `base_iri` (the endpoint's URL, as the protocol suggests) unless the query
    has a BASE.
    """
    dataset_graphs = {g.value for g in store.named_graphs()}
    try:
        plan = check_query(text, dataset_graphs, PREFIXES, base_iri)
        check_dataset_parameters([*default_graph_uris, *named_graph_uris], dataset_graphs)
    except UpdateRefused as e:
        return error_reply(403, str(e))
    except RefusedQuery as e:
        return error_reply(400, str(e))
    except SyntaxRefused as e:
        return error_reply(400, explain_query(text, PREFIXES, base_iri) or str(e))
    offers = (
        GRAPH_TYPES if plan.form in GRAPH_FORMS else (BOOLEAN_TYPES if plan.form == "ASK" else TABLE_TYPES)
    )
    media_type = negotiate(accept, list(offers))
    if media_type is None:
        return error_reply(406, f"A {plan.form} result can be sent as: {', '.join(offers)}")
    if default_graph_uris or named_graph_uris:
        # The protocol's dataset replaces the query's FROM / FROM NAMED (SPARQL 1.1 Protocol 2.1.4).
        scope = {
            "default_graph": [ox.NamedNode(g) for g in default_graph_uris],
            "named_graphs": [ox.NamedNode(g) for g in named_graph_uris],
        }
    elif plan.default_graphs or plan.named_graphs:
        scope = {
            "default_graph": [ox.NamedNode(g) for g in plan.default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in plan.named_graphs],
        }
    else:
        scope = {"use_default_graph_as_union": True}
    try:
        raw = store.query(plan.text, prefixes=PREFIXES, base_iri=base_iri, **scope)
        # One triple more than the cap tells whether a graph result was cut (rows carry a flag).
        result = from_oxigraph(raw, None if max_rows is None else max_rows + (plan.form in GRAPH_FORMS))
    except SyntaxError as e:
        return error_reply(400, explain_syntax_error(text, str(e), PREFIXES))
    except (OSError, ValueError, RuntimeError) as e:
        return error_reply(500, f"Error executing the SPARQL query: {e}")
    return render_reply(result, offers[media_type], max_rows, max_bytes)


def answer_stored(
    graph, name: str, params: dict[str, str], fmt: str, max_rows: int | None, max_bytes: int | None = None
) -> Reply:
    """Run the stored query `name` with `params` (bound as RDF terms, never pasted into SPARQL)."""
    result = run_stored(graph, name, params, max_rows)
    if isinstance(result, Reply):
        return result
    if isinstance(result, GraphResult) and fmt not in GRAPH_TYPES.values():
        fmt = "ttl"
    return render_reply(result, fmt, max_rows, max_bytes)


def run_stored(graph, name: str, params: dict[str, str], max_rows: int | None) -> QueryResult | Reply:
    """The result of the stored query `name` with `params`, or the error reply that says why not."""
    try:
        stored = graph.catalog.get(name)
        unknown = sorted(set(params) - {p.name for p in stored.params})
        if unknown:
            declared = ", ".join(p.name for p in stored.params) or "none"
            names = ", ".join(unknown)
            raise ParameterError(f"Unknown parameter {names} for query {name} (declared: {declared})")
        result = graph.run(stored, limit=max_rows, **params)
    except QueryNotFound as e:
        return error_reply(404, str(e))
    except ParameterError as e:
        return error_reply(400, str(e))
    except QueryError as e:
        return error_reply(500, str(e))
    except KzgraphError as e:
        return error_reply(400, str(e))
    return result


def render_reply(result: QueryResult, fmt: str, max_rows: int | None, max_bytes: int | None = None) -> Reply:
    """A 200 reply with the result in `fmt`; graphs are written as `kzgraph export` writes them
    (sorted, with the kzgraph prefixes; JSON-LD with the published context). At most `max_rows`
    rows or triples, and as many of them as fit in `max_bytes`; the `Kzgraph-Truncated` header
    names the limit that cut the answer."""
    from ..output import render
    from ..publish.export import serialize

    cut = []
    if isinstance(result, GraphResult):
        items = result.triples
        if max_rows is not None and len(items) > max_rows:
            items = items[:max_rows]
            cut.append(f"max-rows={max_rows}")

        def encode(triples: list) -> bytes:
            return serialize((ox.Quad(t.subject, t.predicate, t.object) for t in triples), fmt)

    elif isinstance(result, SelectResult):
        items = result.rows
        if result.truncated:
            cut.append(f"max-rows={max_rows}")

        def encode(rows: list) -> bytes:
            return render(SelectResult(result.columns, rows), fmt).encode("utf-8")

    else:
        return Reply(200, FORMAT_TYPES[fmt], render(result, fmt).encode("utf-8"))
    body, kept = fit_bytes(items, encode, max_bytes)
    if kept < len(items):
        cut.append(f"max-bytes={max_bytes}")
    return Reply(200, FORMAT_TYPES[fmt], body, {TRUNCATED_HEADER: ", ".join(cut)} if cut else {})


def fit_bytes(items: list, encode: Callable[[list], bytes], max_bytes: int | None) -> tuple[bytes, int]:
    """`encode(items[:k])` for the largest k whose document stays within `max_bytes`, and k.

    k is first estimated from the lengths of the terms, so an answer over the cap is never
    written whole; each try that is still too long shrinks k in proportion."""
    if max_bytes is None:
        return encode(items), len(items)
    kept, size = 0, 0
    for item in items:
        size += 16 * len(item) + sum(len(term.value) for term in item if term is not None)
        if size > max_bytes:
            break
        kept += 1
    while True:
        body = encode(items[:kept])
        if len(body) <= max_bytes or kept == 0:
            return body, kept
        kept = min(kept - 1, int(kept * max_bytes / len(body) * 0.95))
