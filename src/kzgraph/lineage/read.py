"""The lineage of a graph, read with the stored queries `organisations`, `organisation-results`
and `lineage-edges` (so it works on every engine the catalog runs on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Lineage, Link, Organisation, Result, _other_names, iso_year, local_name

if TYPE_CHECKING:
    from ..graph.store import Graph


def read_lineage(graph: Graph) -> Lineage:
    """Organisations, links and election results of `graph`, from the stored queries."""
    results: dict[str, list[Result]] = {}
    for row in graph.run("organisation-results"):
        results.setdefault(row["organisation"], []).append(
            Result(
                election=row["election"],
                election_label=row["election_label"],
                date=row["date"],
                vote_share=row["vote_share"],
                list_seats=_int(row["list_seats"]),
                single_mandate_seats=_int(row["single_mandate_seats"]),
                reference_number=row["reference_number"],
            )
        )
    organisations = []
    present = None
    for row in graph.run("organisations"):
        organisations.append(
            Organisation(
                iri=row["organisation"],
                kind=row["kind"],
                label=row["label"],
                other_labels=_other_names(row["label"], (row["other_labels"] or "").split(" | ")),
                founded=row["founded"],
                ended=row["ended"],
                has_end=row["end_event"] is not None,
                stance=row["stance"],
                stance_number=_int(row["stance_number"]),
                results=tuple(results.get(row["organisation"], ())),
            )
        )
        present = (
            max(filter(None, (present, iso_year(row["stance_year"])))) if row["stance_year"] else present
        )
    links = [
        Link(
            source=row["source"],
            target=row["target"],
            relation=local_name(row["relation"]),
            relation_label=row["relation_label"],
            backwards=row["backwards"] == "true",
            event=row["event"],
            event_label=row["event_label"],
            date=row["date"],
            primary_source=row["primary_source"] or None,
            reference_number=row["reference_number"] or None,
            citation=row["citation"] or None,
            quote=row["quote"] or None,
        )
        for row in graph.run("lineage-edges")
    ]
    return Lineage(organisations, links, present)


def _int(value: str | None) -> int | None:
    return None if value in (None, "") else int(value)
