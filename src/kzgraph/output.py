"""Write query results: an aligned table for terminals, or the W3C result formats."""

from __future__ import annotations

import json
import os
import re
import sys

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
_DECIMALS = {PREFIXES["xsd"] + t for t in ("decimal", "double", "float")}
# ISO 8601-2 / EDTF open intervals: "1999/.." (1999 or later), "../1999" (1999 or earlier)
_OPEN_INTERVAL = re.compile(r"^(?:(\d{4}(?:-\d\d){0,2})/\.\.|\.\./(\d{4}(?:-\d\d){0,2}))$")


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


def render(result: QueryResult, fmt: str = "table", width: int | None = None) -> str:
    """The result as text in `fmt`: table, json, csv, tsv or xml for SELECT/ASK; an RDF
    format (ttl, nt, jsonld, rdfxml) for CONSTRUCT/DESCRIBE. A table is fitted to `width`
    characters (None: as wide as its cells); the other formats keep every value exactly."""
    if isinstance(result, GraphResult):
        rdf = GRAPH_FORMATS.get("ttl" if fmt == "table" else fmt)
        if rdf is None:
            raise ValueError(f"format {fmt!r} is not an RDF format ({', '.join(GRAPH_FORMATS)})")
        prefixes = PREFIXES if rdf in (ox.RdfFormat.TURTLE,) else None
        return ox.serialize(result.triples, format=rdf, prefixes=prefixes).decode("utf-8")
    if fmt == "table":
        return _table(result, width)
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"format {fmt!r} is not a results format (table, {', '.join(RESULT_FORMATS)})")
    document = json.dumps(sparql_json(result), ensure_ascii=False)
    if fmt == "json":
        return document + "\n"
    parsed = ox.parse_query_results(document.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")


def table_width(option: int | None = None) -> int | None:
    """The width a table is fitted to: `option` (0: no limit), else $COLUMNS, else the terminal's
    width when standard output is one; None (no limit) when it is piped."""
    if option is not None:
        return option or None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return None


def _table(result: SelectResult | AskResult, width: int | None = None) -> str:
    if isinstance(result, AskResult):
        return ("true" if result.value else "false") + "\n"
    header = result.columns
    cells = [["" if t is None else _cell(t) for t in row] for row in result.rows]
    natural = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    widths = _fit(natural, width, header) if width else natural
    cut = widths != natural

    def line(values: list[str]) -> str:
        return "  ".join(_clip(v, w).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in cells)]
    footer = f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    footer += ", truncated by --limit" if result.truncated else ""
    footer += (
        f"; long cells cut to fit {width} columns: --width 0 or --format csv shows them whole)"
        if cut
        else ")"
    )
    return "\n".join([*lines, footer]) + "\n"


def _fit(natural: list[int], width: int, header: list[str]) -> list[int]:
    """Column widths that fit `width` characters with two-space gaps: the widest columns are
    narrowed to a common cap, so short ones (dates, numbers) stay whole. A column keeps its
    header's width where they all fit so, else three characters (very many columns may still
    overflow)."""
    budget = width - 2 * (len(natural) - 1)
    if sum(natural) <= budget:
        return natural
    floors = [min(w, max(len(h), 5)) for w, h in zip(natural, header, strict=True)]
    if sum(floors) > budget:
        floors = [min(w, 3) for w in natural]

    def capped(cap: int) -> list[int]:
        return [max(min(w, cap), f) for w, f in zip(natural, floors, strict=True)]

    cap = max(natural)
    while cap > 3 and sum(capped(cap)) > budget:
        cap -= 1
    return capped(cap)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(term: Term) -> str:
    """A term as a reader wants it in a table: IRIs as prefixed names where a known prefix fits,
    computed decimals to two places, open-ended dates in words, other literals as their text."""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and "/" not in term.value[len(iri) :]:
                return f"{prefix}:{term.value[len(iri) :]}"
        return term.value
    if isinstance(term, ox.Literal) and term.datatype.value in _DECIMALS:
        return _rounded(term.value)
    text = term_value(term).replace("\n", " ")
    if isinstance(term, ox.Literal) and "/" in text:
        open_end = _OPEN_INTERVAL.match(text)
        if open_end:
            start, end = open_end.groups()
            return f"{start} or later" if start else f"{end} or earlier"
    return text


def _rounded(value: str) -> str:
    """A decimal with more than two places (computed, not stated) rounded to two."""
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite() or number.as_tuple().exponent >= -2:
        return value
    return f"{number:.2f}"
