"""The ParlGov importer on the committed fixture (Italy and Germany) and on the full tables."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.importers.parlgov import TABLES, import_tables
from kzgraph.resources import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "parlgov"
FULL = ROOT.parent / "shared" / "datasets" / "parlgov"
PG = "https://w3id.org/kzgraph/id/parlgov/"


def table(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / TABLES[name], encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def fixture_ttl(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("parlgov") / "parlgov.ttl"
    result = CliRunner().invoke(cli, ["import", "parlgov", str(FIXTURE), "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def fixture_graph(fixture_ttl) -> kzgraph.Graph:
    return kzgraph.load([fixture_ttl])


def test_import_counts_reconcile_with_the_tables(runner, tmp_path):
    result = runner.invoke(cli, ["import", "parlgov", str(FIXTURE), "-o", str(tmp_path / "pg.ttl")])
    assert result.exit_code == 0, result.output
    for name, what in (
        ("parties", "parties"),
        ("elections", "elections"),
        ("results", "results"),
        ("changes", "party changes"),
        ("name_changes", "name changes"),
    ):
        rows = len(table(FIXTURE, name))
        assert f"{what}: {rows} rows, {rows} imported, 0 left out" in result.output


def test_reimport_mints_the_same_triples(tmp_path):
    triples_a, _ = import_tables(FIXTURE)
    triples_b, _ = import_tables(FIXTURE)
    assert {str(t) for t in triples_a} == {str(t) for t in triples_b}
    assert any(str(t.subject) == f"<{PG}party/382>" for t in triples_a)


def test_a_row_that_cannot_be_imported_is_listed_with_why(runner, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    for name in TABLES.values():
        (folder / name).write_bytes((FIXTURE / name).read_bytes())
    with open(folder / TABLES["results"], "a", encoding="utf-8") as f:
        f.write("999999,118,999999,,,1,0.5,100,,,,,\n")
    result = runner.invoke(cli, ["import", "parlgov", str(folder), "-o", str(tmp_path / "pg.ttl")])
    assert result.exit_code == 0, result.output
    assert (
        "left out: 32__elections__ElectionResult.csv id 999999: party '999999' is not an imported party"
        in result.output
    )
    assert "1 left out" in result.output


def test_missing_table_is_a_one_line_error(runner, tmp_path):
    result = runner.invoke(cli, ["import", "parlgov", str(tmp_path), "-o", str(tmp_path / "pg.ttl")])
    assert result.exit_code == 1
    assert "no 01__datacore__Code.csv" in result.output
    assert "Traceback" not in result.output


def test_seat_sums_are_reported_not_fixed(fixture_graph):
    _, report = import_tables(FIXTURE)
    elections = {row["id"]: row for row in table(FIXTURE, "elections")}
    for mismatch in report.seat_mismatches:
        election = elections[mismatch.election.rsplit("/", 1)[1]]
        assert mismatch.seats_total == int(election["seats_total"])
        assert mismatch.result_seats != mismatch.seats_total
    assert all(m.election != PG + "election/118" for m in report.seat_mismatches)


def test_italy_democratic_party_merger_and_ancestry(fixture_graph):
    mergers = fixture_graph.run("mergers").dicts()
    into_pd = {row["original"] for row in mergers if row["resulting"] == PG + "party/382"}
    assert into_pd == {PG + "party/809", PG + "party/1005"}
    assert {row["date"] for row in mergers if row["resulting"] == PG + "party/382"} == {"2007-10-14"}
    ancestors = fixture_graph.in_country("ITA").run("predecessors", party="Democratic Party").dicts()
    communist = [row for row in ancestors if row["ancestor"] == PG + "party/1088"]
    assert [(row["relation"], row["date"]) for row in communist] == [("divided into", "1991-02-03")]


def test_germany_2005(fixture_graph):
    rows = fixture_graph.query(
        f"SELECT ?label ?share ?seats WHERE {{ ?r kz:election <{PG}election/118> ; kz:party ?p ;"
        " kz:voteShare ?share ; kz:seatsWon ?seats . ?p skos:prefLabel ?label }"
    ).dicts()
    by_party = {row["label"]: (row["share"], row["seats"]) for row in rows}
    assert by_party["Social Democratic Party of Germany"] == ("34.2", "222")
    assert by_party["Christian Democratic Union"] == ("27.8", "180")
    elections = {row["election"]: row for row in fixture_graph.run("elections").dicts()}
    assert elections[PG + "election/118"]["seats_total"] == "614"


def test_ambiguous_label_lists_countries_and_country_resolves(runner, fixture_ttl):
    result = runner.invoke(cli, ["lineage", "Democratic Party", "--load", str(fixture_ttl)])
    assert result.exit_code == 1
    assert "Italy" in result.output and "--country" in result.output
    result = runner.invoke(
        cli, ["lineage", "Democratic Party", "--country", "ITA", "--load", str(fixture_ttl)]
    )
    assert result.exit_code == 0, result.output
    assert "Democrats of the Left" in result.output
    result = runner.invoke(cli, ["lineage", "Nur Otan", "--country", "KAZ", "--load", str(fixture_ttl)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["lineage", "Nur Otan", "--country", "ZZZ", "--load", str(fixture_ttl)])
    assert result.exit_code == 1 and "No country has the code 'ZZZ'" in result.output


def test_name_changes_are_renamings_of_the_same_party(fixture_graph):
    names = table(FIXTURE, "name_changes")
    row = names[0]
    found = fixture_graph.query(
        "SELECT ?party ?date WHERE { ?e a kz:Renaming ; org:originalOrganization ?party ;"
        f" org:resultingOrganization ?party ; kz:isoDate ?date ; kz:parlgovId {row['id']} }}"
    ).dicts()
    assert found == [{"party": PG + "party/" + row["party"], "date": row["date"]}]
    resolved = fixture_graph.resolve_organisation(row["name_english"] or row["name"])
    assert resolved.value == PG + "party/" + row["party"] or row["name_english"] == ""


def test_viz_country(runner, fixture_ttl, tmp_path):
    page = tmp_path / "deu.html"
    result = runner.invoke(cli, ["viz", "--country", "DEU", "--load", str(fixture_ttl), "-o", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "Party lineage in Germany" in text
    germany = sum(1 for row in table(FIXTURE, "parties") if row["country"] == "54")
    assert f"({germany} organisations," in result.output
    assert "Democrats of the Left" not in text and "Social Democratic Party of Germany" in text


def test_comparison_against_the_decade(fixture_graph):
    indices = fixture_graph.run("election-indices").dicts()
    rows = fixture_graph.run("kazakhstan-comparison").dicts()
    assert {row["election"].rsplit("/", 1)[1] for row in rows} >= {
        "majilis-2004",
        "majilis-2007",
        "majilis-2012",
    }
    for row in rows:
        decade = [i for i in indices if i["system"] != "KAZ" and i["decade"] == row["decade"]]
        assert int(row["parlgov_elections"]) == len(decade) > 0
        below = sum(1 for i in decade if float(i["enp_seats"]) <= float(row["enp_seats"]))
        assert int(row["enp_seats_at_or_below"]) == below
        assert float(row["gallagher_min"]) == pytest.approx(min(float(i["gallagher"]) for i in decade))


def test_validate_passes_on_the_import(runner, fixture_ttl):
    result = runner.invoke(cli, ["validate", "--load", str(fixture_ttl)])
    assert result.exit_code == 0, result.output


def test_import_into_a_store(runner, tmp_path):
    store = tmp_path / "kz.db"
    result = runner.invoke(cli, ["import", "parlgov", str(FIXTURE), "--store", str(store)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["run", "mergers", "--store", str(store), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert PG + "party/382" in result.output


def test_full_tables():
    if not FULL.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the ParlGov tables are not at {FULL}")
        pytest.skip(f"the ParlGov tables are not at {FULL} (CI fails here)")
    triples, report = import_tables(FULL)
    for name in ("parties", "elections", "results", "changes", "name_changes"):
        rows = len(table(FULL, name))
        skipped = sum(1 for s in report.skipped if s.table == name)
        assert report.rows[name] == rows
        assert report.imported[name] == rows - skipped
    assert report.triples == len(triples)
    countries = {
        str(t.subject)
        for t in triples
        if str(t.subject).startswith(f"<{PG}country/") and "/parliament" not in str(t.subject)
    }
    assert len(countries) == len(table(FULL, "countries"))
    graph = kzgraph.load([(_write(triples), "https://w3id.org/kzgraph/graph/parlgov")])
    runs = graph.run("predominant-party-systems").dicts()
    systems = {row["system"] for row in runs}
    assert "KAZ" in systems and len(systems) > 1
    comparison = graph.run("kazakhstan-comparison").dicts()
    assert all(int(row["parlgov_elections"]) > 0 for row in comparison)


def _write(triples) -> Path:
    import tempfile

    from kzgraph.importers.parlgov import serialize

    path = Path(tempfile.mkdtemp()) / "parlgov.nt"
    serialize(triples, path)
    return path


def test_predominant_party_runs(fixture_graph):
    rows = fixture_graph.run("predominant-party-systems").dicts()
    kazakhstan = [row for row in rows if row["system"] == "KAZ"]
    assert len(kazakhstan) >= 3
    assert all(2 * int(row["seats"]) > int(row["seats_total"]) for row in rows)
    indices = {row["election"]: row for row in fixture_graph.run("election-indices").dicts()}
    kazakh_elections = sorted(i["date"] for i in indices.values() if i["system"] == "KAZ")
    listed = [row["date"] for row in kazakhstan]
    start = kazakh_elections.index(listed[0])
    assert listed == kazakh_elections[start : start + len(listed)]  # consecutive


def test_serve_resolves_imported_iris(fixture_graph):
    import httpx
    from serving import running_server

    from kzgraph.web.app import ServeSettings, make_app

    settings = ServeSettings(timeout=10.0, max_rows=1000, max_body=64 * 1024, workers=1, memory_mb=1024)
    with running_server(make_app(fixture_graph.entail(), settings)) as url:
        page = httpx.get(f"{url}/id/parlgov/party/382", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "Democratic Party" in page.text
        data = httpx.get(f"{url}/id/parlgov/election/118", headers={"Accept": "text/turtle"}, timeout=30)
        assert data.status_code == 200 and "614" in data.text


def test_compare_prints_the_comparison_and_draws_it(runner, fixture_ttl, tmp_path):
    chart = tmp_path / "comparison.svg"
    result = runner.invoke(cli, ["compare", "--load", str(fixture_ttl), "--chart", str(chart), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "majilis-2012" in result.output
    svg = chart.read_text(encoding="utf-8")
    assert "Gallagher index" in svg and "2012" in svg
    result = runner.invoke(cli, ["compare", "--chart", str(tmp_path / "none.svg")])
    assert result.exit_code == 1 and "kzgraph import parlgov" in result.output
