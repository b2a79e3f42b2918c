"""Running a stored query on other SPARQL engines and comparing the answers with the embedded
engine's: as multisets of RDF terms, numbers by value at the precision the query's front matter
declares (`#+ precision: N`, decimal places), the parts of a GROUP_CONCAT in any order.

Used by tests/test_interop.py (embedded, oxigraph serve, Virtuoso, rdflib) and bench/interop.py
(the same, plus Jena and Comunica where installed)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import yaml

import kzgraph
from kzgraph.graph.catalog import StoredQuery
from kzgraph.graph.params import bind
from kzgraph.graph.sparql_text import bind_values, with_prefixes

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t
    for t in (
        *("integer", "decimal", "double", "float", "int", "long", "short", "byte"),
        *("nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger"),
        *("unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
    )
}
# lists an engine may join in another order: rdflib drops an ordered sub-select's order in a join,
# which the "\n"-joined quotes and notes of resource-summary and organisation-facts read
_LIST_SEPARATORS = re.compile(r" \| |; |\n")

Row = tuple[object, ...]
Runner = Callable[[StoredQuery, dict[str, str]], tuple[Sequence[str], Iterable[Sequence[object]]]]


def front_matter(query: StoredQuery) -> dict:
    lines = [line[2:] for line in query.sparql.splitlines() if line.startswith("#+")]
    return yaml.safe_load("\n".join(lines)) or {}


def example_params(query: StoredQuery) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.required and p.example is not None}


def term_key(term: object, precision: int | None) -> object:
    """A hashable form of one answer term (a pyoxigraph or rdflib term, or None) for comparing."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("blank",)  # blank node labels are the engine's own
    if isinstance(term, ox.Literal):
        return _literal_key(term.value, term.datatype.value, term.language, precision)
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    if isinstance(term, rdflib.BNode):
        return ("blank",)
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype else XSD + "string"
        if term.language:
            datatype = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
        return _literal_key(str(term), datatype, term.language, precision)
    raise TypeError(f"not an RDF term: {term!r}")


def _literal_key(lexical: str, datatype: str, language: str | None, precision: int | None) -> object:
    if datatype in NUMERIC:
        try:
            number = Decimal(lexical)
        except InvalidOperation:
            return ("number", lexical)
        if precision is not None:
            number = round(number, precision)
        return ("number", number.normalize() if number else Decimal(0))
    if _LIST_SEPARATORS.search(lexical):
        separator = next(sep for sep in (" | ", "\n", "; ") if sep in lexical)
        lexical = separator.join(sorted(lexical.split(separator)))
    return ("literal", lexical, datatype, language)


def multiset(rows: Iterable[Sequence[object]], precision: int | None) -> Counter:
    return Counter(tuple(term_key(t, precision) for t in row) for row in rows)


def difference(expected: Counter, got: Counter) -> str:
    """'same', or how the rows differ."""
    if expected == got:
        return "same"
    missing, extra = sum((expected - got).values()), sum((got - expected).values())
    return f"{sum(got.values())} vs {sum(expected.values())} rows ({missing} missing, {extra} extra)"


def compare(query: StoredQuery, expected: Runner, engine: Runner) -> str:
    """'same', or what differs between the engine's answer and the expected one, or its error."""
    params = example_params(query)
    precision = front_matter(query).get("precision")
    want_columns, want_rows = expected(query, params)
    try:
        columns, rows = engine(query, params)
        rows = list(rows)
    except Exception as e:  # any engine's failure is a finding to print, not a crash
        return "error: " + " ".join(str(e).split())[:160]
    if list(columns) != list(want_columns):
        return f"columns {list(columns)}"
    return difference(multiset(want_rows, precision), multiset(rows, precision))


def graph_runner(graph: kzgraph.Graph) -> Runner:
    """A stored query on a kzgraph Graph (embedded or RemoteGraph), as kzgraph runs it."""

    def run(query: StoredQuery, params: dict[str, str]):
        result = graph.run(query, **params)
        return result.columns, result.rows

    return run


def query_text(query: StoredQuery, params: dict[str, str], resolver: kzgraph.Graph) -> str:
    """The text kzgraph sends for a stored query: parameters bound by VALUES blocks (labels
    resolved on `resolver`), prefixes declared."""
    substitutions = bind(query, params, resolver.resolve_organisation)
    return with_prefixes(bind_values(query.sparql, substitutions))


def rdflib_runner(quads: Path, resolver: kzgraph.Graph) -> Runner:
    """rdflib's SPARQL engine over an rdflib Dataset of the N-Quads (default graph = union)."""
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(quads, format="nquads")

    def run(query: StoredQuery, params: dict[str, str]):
        result = dataset.query(query_text(query, params, resolver))
        columns = [str(v) for v in result.vars or []]
        hidden = {p.name for p in query.params} - set(query.columns)
        keep = [i for i, c in enumerate(columns) if c not in hidden]
        rows = [tuple(row[i] for i in keep) for row in result]
        if len(keep) < len(columns):
            rows = list(dict.fromkeys(rows))
        return [columns[i] for i in keep], rows

    return run
