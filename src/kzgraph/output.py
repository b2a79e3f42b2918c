"""Write query results: an aligned table for terminals, or the W3C result formats."""

from __future__ import annotations

import json

import pyoxigraph as ox

from .graph.namespaces import PREFIXES
from .graph.results import AskResult, GraphResult, QueryResult, SelectResult, Term, term_value

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_XSD_STRING = PREFIXES["xsd"] + "string"


def sparql_json(result: SelectResult | AskResult) -> dict:
    """The result as a W3C SPARQL 1.1 Query Results JSON document."""
    if isinstance(result, AskResult):
        return {"head": {}, "boolean": result.value}
    bindings = [
        {c: _json_term(t) for c, t in zip(result.columns, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return {"head": {"vars": result.columns}, "results": {"bindings": bindings}}


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def render(result: QueryResult, fmt: str = "table") -> str:
    """The result as text in `fmt`: table, json, csv, tsv or xml for SELECT/ASK; an RDF
    format (ttl, nt, jsonld, rdfxml) for CONSTRUCT/DESCRIBE."""
    if isinstance(result, GraphResult):
        rdf = GRAPH_FORMATS.get("ttl" if fmt == "table" else fmt)
        if rdf is None:
            raise ValueError(f"format {fmt!r} is not an RDF format ({', '.join(GRAPH_FORMATS)})")
        prefixes = PREFIXES if rdf in (ox.RdfFormat.TURTLE,) else None
        return ox.serialize(result.triples, format=rdf, prefixes=prefixes).decode("utf-8")
    if fmt == "table":
        return _table(result)
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"format {fmt!r} is not a results format (table, {', '.join(RESULT_FORMATS)})")
    document = json.dumps(sparql_json(result), ensure_ascii=False)
    if fmt == "json":
        return document + "\n"
    parsed = ox.parse_query_results(document.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")


def _table(result: SelectResult | AskResult) -> str:
    if isinstance(result, AskResult):
        return ("true" if result.value else "false") + "\n"
    header = result.columns
    cells = [["" if t is None else _short(t) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    footer = f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    footer += ", truncated by --limit)" if result.truncated else ")"
    return "\n".join([*lines, footer]) + "\n"


def _short(term: Term) -> str:
    """IRIs as prefixed names where a known prefix fits, literals as their text."""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and "/" not in term.value[len(iri) :]:
                return f"{prefix}:{term.value[len(iri) :]}"
    return term_value(term).replace("\n", " ")
