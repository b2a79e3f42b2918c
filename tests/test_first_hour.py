"""What a new user meets in the first hour: readable tables, columns that say what they hold,
names found however they are typed, hints where a result is empty, one result per problem."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kzgraph.cli import cli
from kzgraph.errors import LabelNotFound
from kzgraph.graph.namespaces import PREFIXES
from kzgraph.graph.store import label_key
from kzgraph.resources import ROOT


def csv_rows(text: str) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text)))


# --- tables -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lineage-edges", "notes", "organisations"])
def test_tables_fit_the_width_asked_for(runner, name):
    for args, env in ((["--width", "80"], {}), ([], {"COLUMNS": "100"})):
        result = runner.invoke(cli, ["run", name, *args], env=env)
        width = int(args[1]) if args else int(env["COLUMNS"])
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines[:-1]) <= width, name
        assert "…" in result.stdout and f"cut to fit {width} columns" in lines[-1]


def test_width_0_and_csv_keep_every_cell_whole(runner, graph):
    whole = runner.invoke(cli, ["run", "notes", "--width", "0"], env={"COLUMNS": "60"}).stdout
    csv = runner.invoke(cli, ["run", "notes", "--format", "csv"], env={"COLUMNS": "60"}).stdout
    notes = graph.run("notes").column("note")
    assert "cut to fit" not in whole and all(note.replace("\n", " ") in whole for note in notes)
    assert [row["note"] for row in csv_rows(csv)] == notes


def test_tables_show_prefixed_names_rounded_decimals_and_dates_in_words(runner, graph):
    table = runner.invoke(cli, ["run", "party-system-indices", "--width", "0"]).stdout
    exact = csv_rows(runner.invoke(cli, ["run", "party-system-indices", "--format", "csv"]).stdout)
    long = [row["enp_votes_listed"] for row in exact if len(row["enp_votes_listed"].split(".")[-1]) > 2]
    assert long, "some computed decimals have many places"
    for value in long:
        assert value not in table and f"{Decimal(value):.2f}" in table
    assert "election:majilis-" in table and PREFIXES["election"] not in table

    dates = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otan", "--width", "0"]).stdout
    csv = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otan", "--format", "csv"]).stdout
    open_ended = set(re.findall(r"\b(\d{4})/\.\.", csv))
    assert open_ended, "the data has open-ended dates"
    assert "/.." not in dates and all(f"{year} or later" in dates for year in open_ended)


def test_the_dates_notation_is_explained_in_help_and_readme(runner):
    help_text = runner.invoke(cli, ["run", "--help"]).stdout
    assert "1999/.." in help_text and "1999 or later" in help_text
    assert "1999/.." in (ROOT / "README.md").read_text(encoding="utf-8")


# --- columns that say what they hold ------------------------------------------------------------

SEATS = """SELECT ?party ?list ?single WHERE {
  ?result kz:election ?election ; kz:party ?party .
  ?election kz:isoDate ?date FILTER (STRSTARTS(?date, "2004"))
  OPTIONAL { ?result kz:listSeats ?list } OPTIONAL { ?result kz:singleMandateSeats ?single } }"""


def test_election_results_name_list_and_single_mandate_seats(graph):
    rows = graph.run("election-results", year="2004").dicts()
    stated = {r["party"]: (r["list"], r["single"]) for r in graph.query(SEATS).dicts()}
    assert {r["party"]: (r["list_seats"], r["single_mandate_seats"]) for r in rows} == stated
    assert all(r["seats"] == r["list_seats"] for r in rows), "seats stays the list seats"
    assert any(r["single_mandate_seats"] for r in rows)


def test_predecessors_name_the_other_end_of_each_link(graph):
    rows = graph.run("predecessors", party="Amanat").rows
    assert rows and all(row[4] is not None and row[5] is not None for row in rows)
    for ancestor, _, _, _, into, _ in rows:
        link = "ASK { ?e org:originalOrganization ?a ; org:resultingOrganization ?i }"
        assert graph.query(link, {"a": ancestor, "i": into}), (ancestor, into)


# --- names and hints ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["Nur-Otan", "Nurotan", "nur  otan", "NUR OTAN", "Peoples Democratic Party Nur Otan"]
)
def test_a_name_is_found_however_it_is_spelt(graph, typed):
    assert graph.resolve_organisation(typed) == graph.resolve_organisation("Nur Otan")


def test_the_rule_and_the_lookup_fold_labels_alike(graph):
    rows = graph.query(
        """SELECT ?org ?label ?key WHERE { ?org kz:labelKey ?key ;
             skos:prefLabel|skos:altLabel|skos:hiddenLabel ?label }"""
    ).dicts()
    derived: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    for row in rows:
        derived.setdefault(row["org"], set()).add(row["key"])
        folded.setdefault(row["org"], set()).add(label_key(row["label"]))
    assert len(derived) > 40 and derived == folded


def test_close_matches_name_each_organisation_once_with_the_name_that_matched(graph):
    with pytest.raises(LabelNotFound) as error:
        graph.resolve_organisation("Nur Otn")
    message = str(error.value)
    listed = re.findall(r'"([^"]+)" \(([^)]+)\)', message.split("Close matches:")[1])
    assert listed and len({org for _, org in listed}) == len(listed)
    assert ("Nur Otan", graph._pref_label(graph.resolve_organisation("Nur Otan"))) in listed


def test_a_mistyped_command_gets_a_suggestion(runner):
    result = runner.invoke(cli, ["linage", "Nur Otan"])
    assert result.exit_code == 2 and "Did you mean: lineage?" in result.stderr


def test_no_rows_for_a_year_lists_the_years_with_elections(runner, graph):
    result = runner.invoke(cli, ["run", "election-results", "-p", "year=2005"])
    years = sorted({d[:4] for d in graph.run("elections").column("date") if d})
    with_results = [y for y in years if len(graph.run("election-results", year=y))]
    assert result.exit_code == 0 and "(0 rows)" in result.stdout
    assert f"Years with election results: {', '.join(with_results)}" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["viz", "--from", "99"], ["viz", "--to", "20071"], ["seats", "--year", "2004", "--seats", "0"]],
)
def test_bad_numbers_are_refused(runner, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and result.stderr.startswith("Error: Invalid value")


def test_viz_open_says_when_there_is_no_browser(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env |= {"BROWSER": str(tmp_path / "no-such-browser"), "PYTHONPATH": str(ROOT / "src")}
    page = tmp_path / "page.html"
    args = [sys.executable, "-m", "kzgraph", "viz", "--no-charts", "--open", "-o", str(page)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and page.is_file()
    assert f"No web browser found to open the page: open {page.resolve().as_uri()} yourself" in done.stderr


# --- Python API and validation ------------------------------------------------------------------


def test_a_graph_result_iterates_over_its_triples(graph):
    result = graph.query("CONSTRUCT { ?p a kz:PoliticalParty } WHERE { ?p a kz:PoliticalParty }")
    triples = list(result)
    assert triples == result.triples and len(triples) == len(result) > 30
    assert all(isinstance(t, ox.Triple) for t in result)


def test_validate_lists_each_problem_once(runner, tiny_ttl):
    result = runner.invoke(cli, ["validate", "--load", str(tiny_ttl)])
    lines = [line for line in result.stdout.splitlines() if line.startswith("Violation")]
    assert result.exit_code == 1 and len(lines) == 2, result.output
    assert {line.split()[2] for line in lines} == {"kz:quote:", "prov:hadPrimarySource:"}
    assert "2 SHACL results;" in result.stderr


# --- small things -------------------------------------------------------------------------------


def test_counts_are_singular_for_one(runner, tmp_path: Path):
    one = tmp_path / "one.nt"
    one.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    result = runner.invoke(cli, ["load", "--store", str(tmp_path / "db"), "--no-bundled", str(one)])
    assert result.exit_code == 0, result.output
    assert "Loaded 1 triple from" in result.stderr
    # a count of one is never plural (a rate such as "9,161 triples/s" is another number)
    assert not re.search(r"(?<![\d,.])1 (triples|graphs)\b", result.stderr), result.stderr


def test_quickstatements_says_why_there_is_nothing(runner):
    result = runner.invoke(cli, ["quickstatements", "--source", "paper"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "No lineage link to write" in result.stderr and "--source paper" in result.stderr


def test_the_missing_extra_hint_matches_the_readme(runner, monkeypatch):
    for module in ("kzgraph.web.app", "kzgraph.web.server"):  # as if starlette were not installed
        monkeypatch.setitem(sys.modules, module, None)
    result = runner.invoke(cli, ["serve"])
    hint = re.search(r"pip install '[^']+'", result.stderr)
    assert result.exit_code == 1 and hint
    assert hint.group(0).replace("[serve]", "[serve,docs]") in (ROOT / "README.md").read_text(
        encoding="utf-8"
    )


def test_the_docs_page_has_one_title(graph):
    from kzgraph.publish.docs import ontology_html

    heading = re.search(r"<h1>(.*?)</h1>", ontology_html(graph.store), re.S).group(1)
    titles = graph.query("SELECT ?t WHERE { ?o a owl:Ontology ; dct:title ?t }").column("t")
    assert heading in titles


def test_the_lineage_page_of_readme_line_1_is_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", "-q", "lineage.html"], cwd=ROOT, check=False)
    assert done.returncode == 0


def test_seats_without_a_threshold_say_where_the_paper_last_states_one(runner, graph):
    result = runner.invoke(cli, ["seats", "--year", "2012", "--source", "paper"])
    assert result.exit_code == 0, result.output
    note = next(line for line in result.stdout.splitlines() if "threshold for this election" in line)
    laws = graph.restrict("paper").query(
        """SELECT ?law WHERE { ?law kz:setsThreshold ?t ; dct:date ?d FILTER (STR(?d) < "2012") }
           ORDER BY DESC(STR(?d)) LIMIT 1"""
    )
    law = laws.column("law")[0].replace(PREFIXES["law"], "law:")
    assert note.startswith("Note: The paper states no threshold for this election; it last states one in")
    assert law in note and "election:majilis-2007" in note and "failed to overcome 7% vote threshold" in note


# --- a fresh clone ------------------------------------------------------------------------------


@pytest.mark.parametrize("required", [False, True])
def test_without_the_paper_its_tests_are_reported_or_required(tmp_path: Path, required):
    env = {k: v for k, v in os.environ.items() if k != "KZGRAPH_REQUIRE_PAPER"}
    env |= {"KZGRAPH_PAPER": str(tmp_path / "absent.txt"), "PYTHONPATH": str(ROOT / "src")}
    if required:
        env["KZGRAPH_REQUIRE_PAPER"] = "1"
    test = "tests/test_data.py::test_every_quote_is_in_the_paper"
    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", test]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    if required:
        assert done.returncode == 1 and "KZGRAPH_REQUIRE_PAPER=1 requires it" in done.stdout
    else:
        assert done.returncode == 0 and "1 skipped" in done.stdout
        assert "1 test(s) checking the data against the source paper did NOT run" in done.stdout
