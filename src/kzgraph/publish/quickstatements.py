"""Lineage links as Wikidata QuickStatements (V1 commands), to contribute them back.

A link becomes two statements when both organisations are linked to Wikidata items
(skos:exactMatch or skos:closeMatch) and the items differ: the successor's item "replaces"
(P1365) the predecessor's, which is "replaced by" (P1366) it, each with "point in time" (P585)
at the precision the data gives and, as references, every web page the event is taken from
("reference URL" S854, "retrieved" S813). Only events with a web source are exported: the
paper has no address to cite. Links within one item (Nur Otan renamed Amanat: one item spans
both name eras) say nothing Wikidata can hold and are left out. Whether Wikidata already has a
statement is not checked (kzgraph works offline); QuickStatements skips exact duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph.store import Graph

WIKIDATA = "http://www.wikidata.org/entity/"
REPLACES, REPLACED_BY, POINT_IN_TIME = "P1365", "P1366", "P585"
REFERENCE_URL, RETRIEVED = "S854", "S813"

LINKS = """
SELECT ?event ?from ?to ?fromItem ?toItem ?date ?source ?accessed WHERE {
  ?link rdfs:subPropertyOf kz:predecessorOf .  # the links that read forwards: merged into, ...
  ?event org:originalOrganization ?from ; org:resultingOrganization ?to ;
         a/kz:lineageRelation ?link ;
         prov:hadPrimarySource ?source .
  FILTER (?from != ?to)
  ?source a kz:WebSource ; kz:accessDate ?accessed .
  OPTIONAL { ?event dct:date ?date }
  ?from skos:exactMatch|skos:closeMatch ?fromItem .
  ?to skos:exactMatch|skos:closeMatch ?toItem .
  FILTER (STRSTARTS(STR(?fromItem), "http://www.wikidata.org/entity/")
          && STRSTARTS(STR(?toItem), "http://www.wikidata.org/entity/") && ?fromItem != ?toItem)
}
ORDER BY ?date ?event ?source
"""


@dataclass(frozen=True)
class Command:
    """One QuickStatements V1 line: item, property, value, qualifiers, references."""

    item: str
    prop: str
    value: str
    qualifiers: tuple[tuple[str, str], ...] = ()
    references: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        extra = (x for pair in self.qualifiers + self.references for x in pair)
        return "\t".join([self.item, self.prop, self.value, *extra])


def wikidata_time(iso: str) -> str:
    """A QuickStatements time value for an ISO date, month or year (+2015-08-00T00:00:00Z/10)."""
    suffix = {10: "T00:00:00Z/11", 7: "-00T00:00:00Z/10", 4: "-00-00T00:00:00Z/9"}.get(len(iso))
    if suffix is None or not iso[:4].isdigit():
        raise ValueError(f"not an ISO date, month or year: {iso!r}")
    return f"+{iso}{suffix}"


def commands(graph: Graph) -> list[Command]:
    """The P1365/P1366 statements for every exportable lineage link of `graph`."""
    events: dict[tuple[str, str, str], dict] = {}
    for row in graph.query(LINKS):
        key = (row["event"], row["fromItem"], row["toItem"])
        entry = events.setdefault(key, {"date": row["date"], "refs": []})
        ref = (row["source"], row["accessed"])
        if ref not in entry["refs"]:
            entry["refs"].append(ref)
    out: list[Command] = []
    for (_, old, new), entry in events.items():
        qualifiers = ((POINT_IN_TIME, wikidata_time(entry["date"])),) if entry["date"] else ()
        references = tuple(
            pair
            for url, day in entry["refs"]
            for pair in ((REFERENCE_URL, f'"{url}"'), (RETRIEVED, wikidata_time(day)))
        )
        old_q, new_q = old.removeprefix(WIKIDATA), new.removeprefix(WIKIDATA)
        out.append(Command(new_q, REPLACES, old_q, qualifiers, references))
        out.append(Command(old_q, REPLACED_BY, new_q, qualifiers, references))
    return out


def render(graph: Graph) -> str:
    """The QuickStatements V1 batch for `graph`, one command a line."""
    return "".join(f"{command}\n" for command in commands(graph))
