"""Query results as plain Python objects: a table of RDF terms, a boolean, or triples."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class SelectResult:
    """Rows of a SELECT query. Each row is a tuple of terms (None where unbound)."""

    columns: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        return iter(self.dicts())

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as dicts of column name to the term's lexical value (IRI or literal text)."""
        return [
            {c: (None if t is None else term_value(t)) for c, t in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]

    def column(self, name: str) -> list[str | None]:
        """All values of one column, in row order."""
        i = self.columns.index(name)
        return [None if row[i] is None else term_value(row[i]) for row in self.rows]


@dataclass
class AskResult:
    value: bool

    def __bool__(self) -> bool:
        return self.value


@dataclass
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[ox.Triple]

    def __len__(self) -> int:
        return len(self.triples)


QueryResult = SelectResult | AskResult | GraphResult


def term_value(term: Term) -> str:
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def from_oxigraph(raw: object, limit: int | None = None) -> QueryResult:
    """Drain a pyoxigraph result into a QueryResult, keeping at most `limit` rows."""
    if isinstance(raw, ox.QueryBoolean):
        return AskResult(bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        columns = [v.value for v in raw.variables]
        rows: list[tuple[Term | None, ...]] = []
        truncated = False
        for solution in raw:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(solution[i] for i in range(len(columns))))
        return SelectResult(columns, rows, truncated)
    triples = []
    for triple in raw:  # QueryTriples
        if limit is not None and len(triples) >= limit:
            break
        triples.append(triple)
    return GraphResult(triples)
