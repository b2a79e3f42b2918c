"""The data of the reader pages, gathered inside a query worker (querypool.py) from stored
queries, so that it falls under the worker's time limit: `PageDataJob("party", iri)` answers
with a JSON document the page's template shows.

Each builder takes the worker's graph and returns plain JSON-ready data. The lineage (three
whole-graph stored queries) is read once per worker and graph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import KzgraphError, LabelNotFound
from .protocol import Reply, error_reply
from .querypool import PAGES

# The page each kind of resource gets, most specific first.
PAGE_TYPES = (
    ("party", "kz:PoliticalOrganisation"),
    ("election", "kz:Election"),
    ("law", "kz:Law"),
    ("stage", "kz:Stage"),
    ("event", "kz:LineageEvent"),
    ("event", "kz:PoliticalEvent"),
    ("event", "kz:PolicyDocument"),
    ("source", "kz:Reference"),
    ("source", "kz:SourceWork"),
)
_PAGE_TYPE = (
    "SELECT ?page WHERE { VALUES (?order ?page ?class) { "
    + " ".join(f'({n} "{page}" {cls})' for n, (page, cls) in enumerate(PAGE_TYPES))
    + " } ?resource a/rdfs:subClassOf* ?class } ORDER BY ?order LIMIT 1"
)
_TABLE_I = """SELECT ?row ?number ?printed ?text ?attribution ?note WHERE {
  VALUES (?property ?attribution) { (kz:party "labelled") (kz:candidateParty "candidate") }
  ?row a kz:ValueGuideline ; ?property ?party ; kz:tableRow ?number ; kz:guidelineText ?text .
  OPTIONAL { ?row kz:labelAsPrinted ?printed }
  OPTIONAL { ?row skos:editorialNote ?note }
} ORDER BY ?number"""
_LAW_RULES = """SELECT ?law ?threshold ?list_seats ?majilis_size ?identifier WHERE {
  OPTIONAL { ?law kz:setsThreshold ?threshold }
  OPTIONAL { ?law kz:setsListSeats ?list_seats }
  OPTIONAL { ?law kz:setsMajilisSize ?majilis_size }
  OPTIONAL { ?law eli:id_local ?identifier }
}"""
_SAME_BODY_ELECTIONS = """SELECT ?election ?label ?date WHERE {
  ?this kz:electedBody ?body .
  ?election a kz:Election ; kz:electedBody ?body ; skos:prefLabel ?label .
  OPTIONAL { ?election kz:isoDate ?date }
} ORDER BY ?date ?election"""
_LIST_ELECTIONS_OF_YEAR = """SELECT (COUNT(DISTINCT ?election) AS ?n) WHERE {
  ?result a kz:ElectionResult ; kz:election ?election ; kz:voteShare ?share .
  ?election kz:isoDate ?date FILTER (STRSTARTS(?date, ?year))
}"""
_ELECTION_LIST = """SELECT ?election ?label ?date WHERE {
  ?election a kz:Election ; skos:prefLabel ?label . OPTIONAL { ?election kz:isoDate ?date }
} ORDER BY ?date ?election"""
_lineages: dict[int, tuple[object, object]] = {}


@dataclass(frozen=True)
class PageDataJob:
    """The data of one reader page: `page` names the builder, `args` are its string arguments."""

    page: str
    args: tuple[str, ...] = ()
    lane = PAGES

    def run(self, graph) -> Reply:
        try:
            data = BUILDERS[self.page](graph, *self.args)
        except LabelNotFound as e:
            return error_reply(404, str(e))
        except KzgraphError as e:
            return error_reply(400, str(e))
        return Reply(200, "application/json", json.dumps(data, ensure_ascii=False).encode("utf-8"))


def lineage_of(graph):
    """The graph's lineage (lineage.read), read once per graph."""
    from ..lineage.read import read_lineage

    if id(graph) not in _lineages:
        _lineages[id(graph)] = (graph, read_lineage(graph))  # the graph is kept so its id stays unique
    return _lineages[id(graph)][1]


def rows(graph, name: str, **params: str) -> list[dict[str, str | None]]:
    return graph.run(name, **params).dicts()


def resource_data(graph, iri: str) -> dict:
    """The page type of `iri` and its data; {"type": None} for a resource without a reader page."""
    found = graph.query(_PAGE_TYPE, {"resource": ox.NamedNode(iri)}).column("page")
    if not found:
        return {"type": None}
    page = found[0]
    summary = rows(graph, "resource-summary", resource=iri)
    data = {
        "type": page,
        "iri": iri,
        "summary": summary[0] if summary else {},
        "links": rows(graph, "resource-links", resource=iri),
    }
    data.update(EXTRAS[page](graph, iri))
    return data


def party_extras(graph, iri: str) -> dict:
    from ..lineage.model import KIND_NAMES, MEMBERSHIP
    from ..lineage.tree import lineage_branches

    lineage = lineage_of(graph)
    org = lineage.find(iri)
    labels = lineage.labels()
    own = graph.query(graph.catalog.get("organisations").sparql, {"organisation": ox.NamedNode(iri)})
    events = next(iter(own.dicts()), {})
    blocs = [link.target for link in lineage.links if link.source == iri and link.relation == MEMBERSHIP]
    results = [{**_result(r), "as": None} for r in org.results]
    for bloc in blocs:
        results += [{**_result(r), "as": bloc, "as_label": labels[bloc]} for r in lineage.find(bloc).results]
    results.sort(key=lambda r: (r["date"] or "", r["election_label"]))

    def branch(b) -> dict:
        return {
            "iri": b.iri,
            "label": labels[b.iri],
            "repeat": b.repeat,
            "links": [_link(link, labels) for link in b.links],
            "branches": [branch(child) for child in b.branches],
        }

    return {
        "organisation": {
            "label": org.label,
            "name": org.name,
            "kind": KIND_NAMES.get(org.kind, org.kind),
            "other_labels": list(org.other_labels),
            "founded": org.founded,
            "ended": org.ended,
            "has_end": org.has_end,
            "stance": org.stance,
            "stance_year": lineage.present_year if org.stance else None,
            "status": org.status,
        },
        "founding": _event_summary(graph, events.get("founding_event")),
        "ending": _event_summary(graph, events.get("end_event")),
        "names": _name_eras(lineage, iri),
        "results": results,
        "ancestors": [branch(b) for b in lineage_branches(lineage, iri, upwards=True)],
        "descendants": [branch(b) for b in lineage_branches(lineage, iri, upwards=False)],
        "counts": {"ancestors": len(lineage.ancestors(iri)), "descendants": len(lineage.descendants(iri))},
        "table_i": graph.query(_TABLE_I, {"party": ox.NamedNode(iri)}).dicts(),
        "identifiers": rows(graph, "identifiers", party=iri),
        "facts": rows(graph, "organisation-facts", party=iri),
    }


def election_extras(graph, iri: str) -> dict:
    from ..elections.charts import inline_svg, seats_votes_chart
    from ..elections.report import seat_document, seat_verdict
    from ..elections.seats import compare_seats

    node = {"election": ox.NamedNode(iri)}
    rules = bound_rows(graph, "election-rules", node)
    seats, chart, verdict = None, None, None
    # compare_seats takes a year: only where this is the year's one election with list results
    if rules and rules[0]["list_seats"] is not None and _alone_in_its_year(graph, rules[0]["year"]):
        comparison = compare_seats(graph, rules[0]["year"])
        seats = seat_document(comparison)
        chart = inline_svg(seats_votes_chart(comparison))
        verdict = seat_verdict(comparison)
    indices = bound_rows(graph, "party-system-indices", node)
    overview = bound_rows(graph, "elections", node)
    return {
        "lists": rows(graph, "election-lists", election=iri),
        "rules": rules[0] if rules else None,
        "overview": overview[0] if overview else None,
        "seats": seats,
        "seat_verdict": verdict,
        "chart": chart,
        "indices": indices[0] if indices else None,
        "elections": graph.query(_SAME_BODY_ELECTIONS, {"this": ox.NamedNode(iri)}).dicts(),
    }


def _alone_in_its_year(graph, year: str) -> bool:
    found = graph.query(_LIST_ELECTIONS_OF_YEAR, {"year": ox.Literal(year)}).column("n")
    return int(found[0]) == 1


def bound_rows(graph, name: str, bindings: dict) -> list[dict[str, str | None]]:
    """A stored query's rows with some of its variables bound (VALUES in each group that uses
    them), for one resource's rows of a query that has no parameter for it."""
    return graph.query(graph.catalog.get(name).sparql, bindings).dicts()


def stage_extras(graph, iri: str) -> dict:
    return {"timeline": rows(graph, "stage-timeline", stage=iri), "stages": rows(graph, "stages")}


def law_extras(graph, iri: str) -> dict:
    found = graph.query(_LAW_RULES, {"law": ox.NamedNode(iri)}).dicts()
    return {"rules": found[0] if found else {}}


def no_extras(graph, iri: str) -> dict:
    return {}


def home_data(graph) -> dict:
    """What the home page shows: counts, works, stages, elections and laws."""
    return {
        "counts": rows(graph, "dataset-counts"),
        "works": rows(graph, "source-works"),
        "stages": rows(graph, "stages"),
        "elections": graph.query(_ELECTION_LIST).dicts(),
        "laws": rows(graph, "laws"),
    }


def search_index(graph) -> list[dict]:
    """Every organisation with all its names and their look-up keys, for the search box."""
    from .resource_pages import local_path

    found: dict[str, dict] = {}
    for row in rows(graph, "organisations"):
        years = "\u2013".join(filter(None, (_year(row["founded"]), _year(row["ended"]))))
        found[row["organisation"]] = {
            "iri": row["organisation"],
            "href": local_path(row["organisation"]),
            "label": row["label"],
            "kind": row["kind"],
            "years": years,
            "names": [],
            "keys": [],
        }
    for row in rows(graph, "organisation-names"):
        entry = found.get(row["organisation"])
        if entry is None:
            continue
        if row["name_kind"] != "hidden" and row["name"] not in entry["names"]:
            entry["names"].append(row["name"])
        if row["key"] not in entry["keys"]:
            entry["keys"].append(row["key"])
    return sorted(found.values(), key=lambda e: (e["label"].casefold(), e["iri"]))


def lineage_html(graph, party: str, start: str, end: str, source: str, nonce: str) -> dict:
    """The interactive lineage page (lineage.viz), each organisation linking to its page; without
    the election charts, which take matplotlib seconds and are on each election's page."""
    from ..lineage.viz import lineage_page
    from .resource_pages import local_path

    chosen = graph if source == "all" else graph.restrict(source)
    network = lineage_page(
        chosen,
        party=party or None,
        start=int(start) if start else None,
        end=int(end) if end else None,
        charts=False,
        href_of=local_path,
        nonce=nonce,
    )
    network.page["home"] = "/"
    return {"html": network.generate_html(), "nodes": len(network.nodes)}


def _year(iso: str | None) -> str | None:
    return iso[:4] if iso else None


def _result(result) -> dict:
    return {
        "election": result.election,
        "election_label": result.election_label,
        "date": result.date,
        "vote_share": result.vote_share,
        "list_seats": result.list_seats,
        "single_mandate_seats": result.single_mandate_seats,
        "reference_number": result.reference_number,
    }


def _link(link, labels: dict[str, str]) -> dict:
    return {
        "sentence": link.sentence(labels),
        "relation": link.relation_label,
        "date": link.date,
        "event": link.event,
        "reference_number": link.reference_number,
    }


def _event_summary(graph, event: str | None) -> dict | None:
    if not event:
        return None
    found = rows(graph, "resource-summary", resource=event)
    return found[0] if found else {"resource": event}


def _name_eras(lineage, iri: str) -> list[dict]:
    """The organisation's names and those of the eras it continues or is continued by (renamed
    to, re-founded as), each with the years it was used, oldest first."""
    from ..lineage.model import CONTINUATIONS

    continuations = [link for link in lineage.links if link.relation in CONTINUATIONS]
    chain = [iri]
    while True:  # back to the first name
        before = [link.source for link in continuations if link.target == chain[0]]
        if not before or before[0] in chain:
            break
        chain.insert(0, before[0])
    while True:  # on to the latest name
        after = [link.target for link in continuations if link.source == chain[-1]]
        if not after or after[0] in chain:
            break
        chain.append(after[0])
    eras = []
    for member in chain:
        org = lineage.find(member)
        eras.append(
            {
                "iri": member,
                "label": org.label,
                "other_labels": list(org.other_labels),
                "founded": org.founded,
                "ended": org.ended,
                "has_end": org.has_end,
                "current": member == iri,
            }
        )
    return eras


EXTRAS = {
    "party": party_extras,
    "election": election_extras,
    "stage": stage_extras,
    "law": law_extras,
    "event": no_extras,
    "source": no_extras,
}


def ontology_page(graph) -> dict:
    """pyLODE's documentation of the ontology, sanitised (web/safety.py), as title, CSS and body."""
    from ..publish.docs import ontology_html
    from .safety import sanitise_ontology_page

    title, css, body = sanitise_ontology_page(ontology_html(graph.store))
    return {"title": title, "css": css, "body": body}


BUILDERS = {
    "resource": resource_data,
    "ontology": ontology_page,
    "home": home_data,
    "search-index": search_index,
    "lineage": lineage_html,
}
