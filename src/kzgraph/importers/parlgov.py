"""Import the ParlGov database tables (CSV) into the kzgraph ontology (docs/parlgov.md).

Each table row becomes one sourced fact node whose IRI is minted from its ParlGov id, so that a
re-import mints the same IRIs. Rows that cannot be imported are left out and listed with why;
elections whose result seats do not add up to their seats_total are reported, not fixed.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import KzgraphError
from ..graph.namespaces import ID, PARLGOV_GRAPH, PARLGOV_RELEASE, PREFIXES

BASE = ID + "parlgov/"
RELEASE = PARLGOV_RELEASE
SNAPSHOT_COMMIT = "edd6f2d148057b5582a50d4e5e09ccb751423bc0"
SNAPSHOT = f"https://github.com/hdigital/parlgov-web/blob/{SNAPSHOT_COMMIT}/scripts/migrate_parlgov-db/import-data-legacy/"
CITATION = (
    "Döring, Holger, and Philip Manow. 2024. Parliaments and governments database (ParlGov): Information on"
    " parties, elections and cabinets in established democracies. ParlGov 2024 Release."
    " doi:10.7910/DVN/2VZ5ZC"
)
TABLES = {
    "codes": "01__datacore__Code.csv",
    "countries": "02__datacore__Country.csv",
    "parties": "21__parties__Party.csv",
    "families": "22__parties__PartyFamily.csv",
    "name_changes": "23__parties__PartyNameChange.csv",
    "changes": "24__parties__PartyChange.csv",
    "elections": "31__elections__Election.csv",
    "results": "32__elections__ElectionResult.csv",
}
# The tables whose rows are counted in the report, with what a row is.
COUNTED = {
    "parties": "parties",
    "elections": "elections",
    "results": "results",
    "changes": "party changes",
    "name_changes": "name changes",
}
# ParlGov's party-change types (Code.csv, party_change_type) -> kzgraph event class.
CHANGE_CLASSES = {
    "31": "Split",  # splinter group: a new party splits off, the old one goes on
    "32": "Division",  # one party divides into new parties
    "33": "Merger",  # a new party formed by merging parties that cease to exist
    "34": "Accession",  # a party joins a larger group without forming a new party
    "35": "Succession",  # a successor formed by former activists of a party that ceased to exist
    "62": "Split",  # a new party formed by a single (prominent) politician of the old one
    "": "LineageLink",  # no type given: a link of unstated kind
}
ELECTION_KINDS = {"13": "ParliamentaryElection", "1": "EuropeanParliamentElection"}
FIRST_OF_MONTH_NOTE = (
    "ParlGov gives the date {date}. It puts a date whose day it does not know on the first of a month"
    " (1 July where only the year is known), so the day is not known to be exact."
)

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")


def _term(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


class ParlGovTablesError(KzgraphError):
    """The ParlGov tables are missing or malformed; nothing was imported."""


@dataclass(frozen=True)
class SkippedRow:
    table: str
    row_id: str
    reason: str

    def __str__(self) -> str:
        return f"{TABLES[self.table]} id {self.row_id}: {self.reason}"


@dataclass(frozen=True)
class SeatMismatch:
    election: str
    label: str
    seats_total: int
    result_seats: int

    def __str__(self) -> str:
        gap = self.result_seats - self.seats_total
        return (
            f"{self.label} <{self.election}>: results add up to {self.result_seats} seats,"
            f" seats_total is {self.seats_total} ({gap:+d})"
        )


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    imported: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedRow] = field(default_factory=list)
    seat_mismatches: list[SeatMismatch] = field(default_factory=list)
    triples: int = 0

    def lines(self) -> list[str]:
        """The counts (rows in the table, imported, left out), then each row left out and each
        election whose seats do not add up."""
        out = []
        for table, what in COUNTED.items():
            left = self.rows[table] - self.imported[table]
            out.append(f"{what}: {self.rows[table]} rows, {self.imported[table]} imported, {left} left out")
        out += [f"left out: {row}" for row in self.skipped]
        out += [f"seats do not add up: {m}" for m in self.seat_mismatches]
        return out


def read_tables(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Every ParlGov table in `folder` as rows of strings; ParlGovTablesError says which file is
    missing or lacks a column."""
    tables = {}
    needed = {
        "codes": {"id", "table_variable", "name"},
        "countries": {"id", "name", "name_short"},
        "parties": {"id", "country", "family", "name_short", "name_english", "name", "foundation_date"},
        "families": {"party", "family"},
        "name_changes": {"id", "party", "date", "name", "name_english"},
        "changes": {"id", "party", "party_new", "type", "date"},
        "elections": {"id", "type", "country", "date", "early", "seats_total"},
        "results": {"id", "election", "party", "alliance", "seats", "vote_share", "votes"},
    }
    for table, name in TABLES.items():
        path = folder / name
        try:
            with open(path, encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                missing = needed[table] - set(reader.fieldnames or ())
                if missing:
                    raise ParlGovTablesError(f"{path}:1:1: missing column(s) {', '.join(sorted(missing))}")
                tables[table] = list(reader)
        except FileNotFoundError:
            raise ParlGovTablesError(f"{folder}: no {name} (is this ParlGov's table folder?)") from None
        except (OSError, UnicodeDecodeError, csv.Error) as e:
            raise ParlGovTablesError(f"{path}: can't read: {e}") from None
    return tables


class _Writer:
    """Collects the triples of the import."""

    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.Term | None) -> None:
        if obj is not None:
            self.triples.append(ox.Triple(subject, predicate, obj))


def _integer(value: str) -> ox.Literal | None:
    return ox.Literal(value, datatype=_term("xsd", "integer")) if value else None


def _text(value: str, language: str | None = None) -> ox.Literal | None:
    value = value.strip()
    if not value:
        return None
    return ox.Literal(value, language=language) if language else ox.Literal(value)


def _whole(value: str) -> bool:
    return value.isdigit()


def _decimal(value: str) -> bool:
    head, _, tail = value.partition(".")
    return head.isdigit() and (tail == "" or tail.isdigit())


def _iso_date(value: str) -> bool:
    parts = value.split("-")
    return len(parts) == 3 and [len(p) for p in parts] == [4, 2, 2] and all(p.isdigit() for p in parts)


class _Import:
    """One run of the import: tables in, triples and a report out."""

    def __init__(self, tables: dict[str, list[dict[str, str]]]):
        self.tables = tables
        self.out = _Writer()
        self.report = ImportReport(
            rows={t: len(tables[t]) for t in COUNTED}, imported=dict.fromkeys(COUNTED, 0)
        )
        self.codes = {row["id"]: row for row in tables["codes"]}
        self.countries = {row["id"]: row for row in tables["countries"]}
        self.parties = {row["id"]: row for row in tables["parties"]}
        self.elections = {row["id"]: row for row in tables["elections"]}
        self.labels: dict[str, str] = {}

    # --- IRIs and the triples every fact node carries ---------------------------------------

    @staticmethod
    def iri(kind: str, key: str) -> ox.NamedNode:
        return ox.NamedNode(f"{BASE}{kind}/{key}")

    def country_iri(self, country_id: str) -> ox.NamedNode:
        return self.iri("country", self.countries[country_id]["name_short"])

    def sourced(self, node: ox.NamedNode, table: str, row: dict[str, str]) -> None:
        """The release, the table file, ParlGov's own source key, comment, flags and description."""
        add = self.out.add
        add(node, _term("prov", "hadPrimarySource"), ox.NamedNode(RELEASE))
        add(node, _term("dct", "source"), ox.NamedNode(SNAPSHOT + TABLES[table]))
        add(node, _term("kz", "parlgovDataSource"), _text(row.get("data_source", "")))
        add(node, _term("kz", "parlgovComment"), _text(row.get("comment", "")))
        flags = row.get("data_json", "").strip()
        add(node, _term("kz", "parlgovData"), _text(flags) if flags not in ("", "{}", "null") else None)
        add(node, _term("dct", "description"), _text(row.get("description", ""), "en"))

    def dated(self, node: ox.NamedNode, row: dict[str, str], column: str = "date") -> bool:
        """dct:date as ParlGov gives it; kz:Day only where the day is known (not the first of a
        month, or ParlGov flags the date as exact), otherwise a note. False if the date is unusable."""
        value = row.get(column, "").strip()
        if not _iso_date(value):
            return False
        add = self.out.add
        add(node, _term("dct", "date"), ox.Literal(value, datatype=_term("xsd", "date")))
        if not value.endswith("-01") or _flags(row).get("date_as_is") is True:
            add(node, _term("kz", "datePrecision"), _term("kz", "Day"))
        else:
            add(node, _term("skos", "editorialNote"), ox.Literal(FIRST_OF_MONTH_NOTE.format(date=value)))
        return True

    def skip(self, table: str, row: dict[str, str], reason: str) -> None:
        self.report.skipped.append(SkippedRow(table, row.get("id", "?"), reason))

    # --- the tables --------------------------------------------------------------------------

    def run(self) -> tuple[list[ox.Triple], ImportReport]:
        self.source_nodes()
        self.code_concepts()
        self.country_nodes()
        self.party_nodes()
        self.family_links()
        self.name_change_events()
        self.change_events()
        self.election_nodes()
        self.result_nodes()
        self.report.triples = len(self.out.triples)
        return self.out.triples, self.report

    def source_nodes(self) -> None:
        add, release = self.out.add, ox.NamedNode(RELEASE)
        add(release, RDF_TYPE, _term("kz", "SourceWork"))
        add(release, _term("dct", "title"), ox.Literal("ParlGov 2024 Release", language="en"))
        add(release, _term("dct", "bibliographicCitation"), ox.Literal(CITATION))
        add(
            release,
            _term("dct", "license"),
            ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/"),
        )
        for name in TABLES.values():
            table = ox.NamedNode(SNAPSHOT + name)
            add(table, RDF_TYPE, _term("prov", "Entity"))
            add(table, _term("dct", "title"), ox.Literal(name))
            add(table, _term("dct", "isPartOf"), release)
            add(
                table,
                _term("dct", "bibliographicCitation"),
                ox.Literal(
                    f"ParlGov table {name}, repository hdigital/parlgov-web at commit {SNAPSHOT_COMMIT}"
                ),
            )

    def code_concepts(self) -> None:
        add = self.out.add
        for row in self.tables["codes"]:
            if row["table_variable"] not in ("party_family", "party_change_type", "election_type"):
                continue
            node = self.iri("code", row["id"])
            add(node, RDF_TYPE, _term("skos", "Concept"))
            add(node, _term("skos", "prefLabel"), _text(row["name"], "en"))
            add(node, _term("skos", "notation"), _text(row.get("short", "")))
            add(node, _term("skos", "definition"), _text(row.get("description", ""), "en"))
            add(node, _term("skos", "inScheme"), self.iri("code", row["table_variable"]))
            add(node, _term("prov", "hadPrimarySource"), ox.NamedNode(RELEASE))
            add(node, _term("dct", "source"), ox.NamedNode(SNAPSHOT + TABLES["codes"]))

    def country_nodes(self) -> None:
        add = self.out.add
        for row in self.tables["countries"]:
            node = self.country_iri(row["id"])
            add(node, RDF_TYPE, _term("schema", "Country"))
            add(node, _term("skos", "prefLabel"), _text(row["name"], "en"))
            add(node, _term("skos", "notation"), _text(row["name_short"]))
            self.sourced(node, "countries", row)
            body = self.iri("country", f"{row['name_short']}/parliament")
            add(body, RDF_TYPE, _term("kz", "StateBody"))
            add(body, _term("skos", "prefLabel"), ox.Literal(f"Parliament of {row['name']}", language="en"))
            add(body, _term("kz", "country"), node)
            add(body, _term("prov", "hadPrimarySource"), ox.NamedNode(RELEASE))
            add(body, _term("dct", "source"), ox.NamedNode(SNAPSHOT + TABLES["elections"]))
        european = self.iri("body", "european-parliament")
        add(european, RDF_TYPE, _term("kz", "StateBody"))
        add(european, _term("skos", "prefLabel"), ox.Literal("European Parliament", language="en"))
        add(european, _term("prov", "hadPrimarySource"), ox.NamedNode(RELEASE))
        add(european, _term("dct", "source"), ox.NamedNode(SNAPSHOT + TABLES["codes"]))

    def party_nodes(self) -> None:
        add = self.out.add
        for row in self.tables["parties"]:
            if row["country"] not in self.countries:
                self.skip("parties", row, f"country {row['country']!r} is not in {TABLES['countries']}")
                continue
            node = self.iri("party", row["id"])
            label = row["name_english"].strip() or row["name"].strip()
            self.labels[row["id"]] = label
            is_alliance = self.codes.get(row["family"], {}).get("short") == "all"
            add(node, RDF_TYPE, _term("kz", "ElectoralBloc" if is_alliance else "PoliticalParty"))
            add(node, _term("skos", "prefLabel"), ox.Literal(label, language="en"))
            others = dict.fromkeys(
                row.get(column, "").strip()
                for column in ("name_short", "name", "name_ascii", "name_nonlatin")
            )
            for other in others:
                if other and other != label:
                    add(node, _term("skos", "altLabel"), ox.Literal(other))
            add(node, _term("kz", "country"), self.country_iri(row["country"]))
            add(node, _term("kz", "parlgovId"), _integer(row["id"]))
            if row["family"] in self.codes:
                add(node, _term("org", "classification"), self.iri("code", row["family"]))
            wikipedia = row.get("wikipedia", "").strip()
            if wikipedia.startswith(("http://", "https://")) and " " not in wikipedia:
                add(node, _term("rdfs", "seeAlso"), ox.NamedNode(wikipedia))
            self.sourced(node, "parties", row)
            self.report.imported["parties"] += 1
            for column, kind, cls in (
                ("foundation_date", "founding", "Founding"),
                ("dissolution_date", "dissolution", "Dissolution"),
            ):
                if not row.get(column, "").strip():
                    continue
                event = self.iri("party", f"{row['id']}/{kind}")
                if not self.dated(event, row, column):
                    self.skip(
                        "parties", row, f"{column} {row[column]!r} is not a date (YYYY-MM-DD); left out"
                    )
                    continue
                add(event, RDF_TYPE, _term("kz", cls))
                link = "resultingOrganization" if cls == "Founding" else "originalOrganization"
                add(event, _term("org", link), node)
                add(
                    event, _term("skos", "prefLabel"), ox.Literal(f"{kind.title()} of {label}", language="en")
                )
                add(event, _term("prov", "hadPrimarySource"), ox.NamedNode(RELEASE))
                add(event, _term("dct", "source"), ox.NamedNode(SNAPSHOT + TABLES["parties"]))

    def family_links(self) -> None:
        for row in self.tables["families"]:
            if row["party"] in self.labels and row["family"] in self.codes:
                self.out.add(
                    self.iri("party", row["party"]),
                    _term("org", "classification"),
                    self.iri("code", row["family"]),
                )

    def name_change_events(self) -> None:
        add = self.out.add
        for row in self.tables["name_changes"]:
            if row["party"] not in self.labels:
                self.skip("name_changes", row, f"party {row['party']!r} is not an imported party")
                continue
            event, party = self.iri("name-change", row["id"]), self.iri("party", row["party"])
            if not self.dated(event, row):
                self.skip("name_changes", row, f"date {row['date']!r} is not a date (YYYY-MM-DD)")
                continue
            english = row["name_english"].strip() or row["name"].strip()
            add(event, RDF_TYPE, _term("kz", "Renaming"))
            add(event, _term("org", "originalOrganization"), party)
            add(event, _term("org", "resultingOrganization"), party)
            add(
                event,
                _term("skos", "prefLabel"),
                ox.Literal(f"{self.labels[row['party']]} named {english}", language="en"),
            )
            add(event, _term("kz", "nameAdopted"), ox.Literal(english, language="en"))
            names = dict.fromkeys(
                row.get(c, "").strip() for c in ("name", "name_short", "name_ascii", "name_nonlatin")
            )
            for name in names:
                add(event, _term("kz", "nameAdopted"), _text(name))
            for name in {english, *names} - {"", self.labels[row["party"]]}:
                add(party, _term("skos", "altLabel"), ox.Literal(name))
            add(event, _term("kz", "parlgovId"), _integer(row["id"]))
            self.sourced(event, "name_changes", row)
            self.report.imported["name_changes"] += 1

    def change_events(self) -> None:
        add = self.out.add
        for row in self.tables["changes"]:
            missing = [row[c] for c in ("party", "party_new") if row[c] not in self.labels]
            if missing:
                self.skip("changes", row, f"party {missing[0]!r} is not an imported party")
                continue
            if row["type"] not in CHANGE_CLASSES:
                self.skip("changes", row, f"type {row['type']!r} is not a party-change type")
                continue
            if row["party"] == row["party_new"]:
                self.skip("changes", row, "links a party to itself")
                continue
            event = self.iri("change", row["id"])
            if not self.dated(event, row):
                self.skip("changes", row, f"date {row['date']!r} is not a date (YYYY-MM-DD)")
                continue
            cls = CHANGE_CLASSES[row["type"]]
            kind = self.codes[row["type"]]["name"] if row["type"] in self.codes else "link of unstated kind"
            add(event, RDF_TYPE, _term("kz", cls))
            add(event, _term("org", "originalOrganization"), self.iri("party", row["party"]))
            add(event, _term("org", "resultingOrganization"), self.iri("party", row["party_new"]))
            if row["type"]:
                add(event, _term("kz", "changeType"), self.iri("code", row["type"]))
            old, new = self.labels[row["party"]], self.labels[row["party_new"]]
            add(event, _term("skos", "prefLabel"), ox.Literal(f"{old} to {new} ({kind})", language="en"))
            add(event, _term("kz", "parlgovId"), _integer(row["id"]))
            self.sourced(event, "changes", row)
            self.report.imported["changes"] += 1

    def election_nodes(self) -> None:
        add = self.out.add
        for row in self.elections.values():
            if row["country"] not in self.countries or row["type"] not in ELECTION_KINDS:
                what = "country" if row["country"] not in self.countries else "type"
                self.skip(
                    "elections",
                    row,
                    f"{what} {row[what]!r} is not in {TABLES['countries' if what == 'country' else 'codes']}",
                )
                continue
            node = self.iri("election", row["id"])
            if not self.dated(node, row):
                self.skip("elections", row, f"date {row['date']!r} is not a date (YYYY-MM-DD)")
                continue
            country = self.countries[row["country"]]
            kind = ELECTION_KINDS[row["type"]]
            add(node, RDF_TYPE, _term("kz", "Election"))
            words = (
                "parliamentary election"
                if kind == "ParliamentaryElection"
                else "European Parliament election"
            )
            add(
                node,
                _term("skos", "prefLabel"),
                ox.Literal(f"{country['name']} {words}, {row['date']}", language="en"),
            )
            add(node, _term("kz", "electionKind"), _term("kz", kind))
            body = (
                self.iri("country", f"{country['name_short']}/parliament")
                if kind == "ParliamentaryElection"
                else self.iri("body", "european-parliament")
            )
            add(node, _term("kz", "electedBody"), body)
            add(node, _term("kz", "country"), self.country_iri(row["country"]))
            if row["early"] in ("0", "1"):
                add(node, _term("kz", "early"), ox.Literal(row["early"] == "1"))
            for column, prop in (
                ("seats_total", "seatsTotal"),
                ("electorate", "electorate"),
                ("votes_cast", "votesCast"),
                ("votes_valid", "votesValid"),
            ):
                if _whole(row.get(column, "")):
                    add(node, _term("kz", prop), _integer(row[column]))
            previous = row.get(
                "previous_parliament_election" if kind == "ParliamentaryElection" else "previous_ep_election",
                "",
            )
            if previous in self.elections:
                add(node, _term("kz", "previousElection"), self.iri("election", previous))
            wikipedia = row.get("wikipedia", "").strip()
            if wikipedia.startswith(("http://", "https://")) and " " not in wikipedia:
                add(node, _term("rdfs", "seeAlso"), ox.NamedNode(wikipedia))
            add(node, _term("kz", "parlgovId"), _integer(row["id"]))
            self.sourced(node, "elections", row)
            self.report.imported["elections"] += 1

    def result_nodes(self) -> None:
        add = self.out.add
        imported_elections = {
            row["id"]
            for row in self.elections.values()
            if row["country"] in self.countries and row["type"] in ELECTION_KINDS and _iso_date(row["date"])
        }
        results = {row["id"]: row for row in self.tables["results"]}
        seats: dict[str, dict[str, int]] = defaultdict(dict)  # election -> result -> seats
        members: dict[str, list[str]] = defaultdict(list)  # alliance result -> member results
        for row in results.values():
            problem = self.result_problem(row, results, imported_elections)
            if problem:
                self.skip("results", row, problem)
                continue
            node = self.iri("result", row["id"])
            party = self.iri("party", row["party"])
            add(node, RDF_TYPE, _term("kz", "ElectionResult"))
            add(node, _term("kz", "election"), self.iri("election", row["election"]))
            add(node, _term("kz", "party"), party)
            if row["vote_share"]:
                add(
                    node,
                    _term("kz", "voteShare"),
                    ox.Literal(row["vote_share"], datatype=_term("xsd", "decimal")),
                )
            add(node, _term("kz", "votes"), _integer(row["votes"]))
            add(node, _term("kz", "seatsWon"), _integer(row["seats"]))
            if row["alliance"]:
                add(node, _term("kz", "inAlliance"), self.iri("result", row["alliance"]))
                members[row["alliance"]].append(row["id"])
                alliance_party = results[row["alliance"]]["party"]
                if self.codes.get(self.parties[alliance_party]["family"], {}).get("short") == "all":
                    add(self.iri("party", alliance_party), _term("org", "hasMember"), party)
            add(node, _term("kz", "parlgovId"), _integer(row["id"]))
            self.sourced(node, "results", row)
            self.report.imported["results"] += 1
            if row["seats"]:
                seats[row["election"]][row["id"]] = int(row["seats"])
        self.check_seats(seats, members)

    def result_problem(self, row: dict[str, str], results: dict, elections: set[str]) -> str | None:
        if row["election"] not in elections:
            return f"election {row['election']!r} is not an imported election"
        if row["party"] not in self.labels:
            return f"party {row['party']!r} is not an imported party"
        for column, valid in (("seats", _whole), ("votes", _whole), ("vote_share", _decimal)):
            if row[column] and not valid(row[column]):
                return f"{column} {row[column]!r} is not a number"
        if row["vote_share"] and float(row["vote_share"]) > 100:
            return f"vote_share {row['vote_share']} is over 100"
        alliance = row["alliance"]
        if alliance and (alliance not in results or results[alliance]["election"] != row["election"]):
            return f"alliance {alliance!r} is not a result of the same election"
        return None

    def check_seats(self, seats: dict[str, dict[str, int]], members: dict[str, list[str]]) -> None:
        """Report each election whose result seats (an alliance counted once: its members' seats
        where they have any, else its own) differ from seats_total."""
        for election, by_result in seats.items():
            total = self.elections[election].get("seats_total", "")
            if not _whole(total):
                continue
            counted = sum(
                won
                for result, won in by_result.items()
                if not any(member in by_result for member in members.get(result, []))
            )
            if counted != int(total):
                row = self.elections[election]
                label = (
                    f"{self.countries[row['country']]['name']} {row['date']} (ParlGov election {election})"
                )
                self.report.seat_mismatches.append(
                    SeatMismatch(self.iri("election", election).value, label, int(total), counted)
                )


def convert(tables: dict[str, list[dict[str, str]]]) -> tuple[list[ox.Triple], ImportReport]:
    """The triples of the import and its report."""
    return _Import(tables).run()


def import_tables(folder: Path) -> tuple[list[ox.Triple], ImportReport]:
    """Read the tables in `folder` and convert them."""
    return convert(read_tables(folder))


OUTPUT_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}


def serialize(triples: list[ox.Triple], path: Path) -> None:
    """Write the triples to `path` in the format its suffix names: Turtle or N-Triples (the file's
    default graph), TriG or N-Quads (the named graph PARLGOV_GRAPH)."""
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParlGovTablesError(f"{path}: write .ttl, .nt, .trig or .nq")
    graph = ox.NamedNode(PARLGOV_GRAPH)
    data: Iterator = iter(triples)
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        data = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    prefixes = {**PREFIXES, "pg": BASE} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    try:
        ox.serialize(data, str(path), format=fmt, prefixes=prefixes)
    except OSError as e:
        raise ParlGovTablesError(f"{path}: can't write: {e.strerror or e}") from None


def _flags(row: dict[str, str]) -> dict:
    """ParlGov's data_json flags of a row ({} where it gives none, or no JSON object)."""
    try:
        value = json.loads(row.get("data_json") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
