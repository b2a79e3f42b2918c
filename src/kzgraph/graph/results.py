"""Query results as plain Python objects: a table of RDF terms, a boolean, or triples.

Plain classes rather than dataclasses: importing dataclasses costs a CLI start-up about 6 ms."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class SelectResult:
    """Rows of a SELECT query. Each row is a tuple of terms (None where unbound)."""

    __slots__ = ("columns", "rows", "truncated")

    def __init__(
        self, columns: list[str], rows: list[tuple[Term | None, ...]] | None = None, truncated: bool = False
    ):
        self.columns = columns
        self.rows = rows if rows is not None else []
        self.truncated = truncated

    def __repr__(self) -> str:
        return f"SelectResult(columns={self.columns!r}, rows=<{len(self.rows)}>, truncated={self.truncated})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SelectResult) and (self.columns, self.rows, self.truncated) == (
            other.columns,
            other.rows,
            other.truncated,
        )

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


class AskResult:
    """The answer of an ASK query."""

    __slots__ = ("value",)

    def __init__(self, value: bool):
        self.value = value

    def __repr__(self) -> str:
        return f"AskResult({self.value})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AskResult) and self.value == other.value

    def __bool__(self) -> bool:
        return self.value


class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE query."""

    __slots__ = ("triples",)

    def __init__(self, triples: list[ox.Triple]):
        self.triples = triples

    def __repr__(self) -> str:
        return f"GraphResult(<{len(self.triples)} triples>)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GraphResult) and self.triples == other.triples

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.triples)


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
