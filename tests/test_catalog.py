"""The stored-query catalog: every query file is well-formed, documented, parses and runs."""

from __future__ import annotations

import re

import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.errors import CatalogError
from kzgraph.graph.catalog import Catalog, parse_query_file

CATALOG = Catalog()
CONTRACT = {
    "parties": ["party", "label", "founded", "dissolved"],
    "predecessors": ["ancestor", "label", "relation", "date"],
    "successors": ["descendant", "label", "relation", "date"],
    "mergers": ["event", "date", "original", "original_label", "resulting", "resulting_label"],
    "renames": ["from", "from_label", "to", "to_label", "date"],
    "splits": ["party", "label", "parent", "parent_label", "date"],
    "elections": ["election", "date", "body", "seats_total", "threshold"],
    "election-results": ["party", "label", "vote_share", "seats"],
    "laws": ["law", "title", "date", "identifier"],
    "stages": ["stage", "number", "start_year", "end_year", "label"],
    "stance-groups": ["party", "label", "group"],
    "sources": ["fact", "reference", "citation"],
}


def example_params(query) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.required}


def test_contract_queries_exist():
    assert set(CONTRACT) <= set(CATALOG.names())


@pytest.mark.parametrize("name", CATALOG.names())
def test_front_matter_is_complete(name):
    query = CATALOG.get(name)
    assert query.title and query.description, f"{name}: needs a title and a description"
    assert query.columns, f"{name}: declare its output columns"
    for param in query.params:
        assert re.search(rf"\?{re.escape(param.name)}\b", query.sparql), f"{name}: ?{param.name} unused"
        assert param.example or not param.required, f"{name}: give {param.name} an example"


@pytest.mark.parametrize("name", CATALOG.names())
def test_query_runs_and_returns_its_declared_columns(graph, name):
    query = CATALOG.get(name)
    result = graph.run(name, **example_params(query))
    assert result.columns == list(query.columns)
    assert len(result) > 0, f"{name} returned no rows with its example parameters"


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_columns(graph, name):
    """The public columns stay, in order; new ones may follow them."""
    assert list(CATALOG.get(name).columns)[: len(CONTRACT[name])] == CONTRACT[name]


def test_broken_front_matter_names_the_file(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("#+ title: [unclosed\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad\.rq: invalid front matter"):
        parse_query_file(path)


@pytest.mark.parametrize("name", ["limit", "format", "source"])
def test_reserved_parameter_names_are_refused(tmp_path, name):
    path = tmp_path / "clash.rq"
    path.write_text(f"#+ title: Clash\n#+ params:\n#+   - name: {name}\nSELECT * {{}}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=f"param name '{name}' is reserved"):
        parse_query_file(path)


def test_unknown_query_lists_the_catalog(runner):
    result = runner.invoke(cli, ["run", "partys"])
    assert result.exit_code == 1
    assert 'Query "partys" not found. Did you mean: parties' in result.output
    for name in CONTRACT:
        assert name in result.output


def test_missing_parameter_says_which(graph, runner):
    with pytest.raises(kzgraph.ParameterError, match='Missing parameter "party" for query predecessors'):
        graph.run("predecessors")
    result = runner.invoke(cli, ["run", "predecessors"])
    assert result.exit_code == 1 and '"party"' in result.output


def test_unknown_parameter_is_refused(graph):
    with pytest.raises(kzgraph.ParameterError, match="Unknown parameter colour"):
        graph.run("parties", colour="red")


def test_queries_command_lists_and_shows(runner):
    listing = runner.invoke(cli, ["queries"])
    assert listing.exit_code == 0
    assert len(listing.output.strip().splitlines()) == len(CATALOG)
    assert "predecessors" in listing.output and "party=…" in listing.output
    shown = runner.invoke(cli, ["queries", "predecessors"])
    assert shown.exit_code == 0
    assert "SELECT DISTINCT ?ancestor ?label ?relation ?date" in shown.output
    assert "# param party=… (organisation, example Nur Otan)" in shown.output


def test_parsed_front_matter_is_cached_by_content(tmp_path, monkeypatch):
    """A stored query's parsed metadata comes back from the cache identical, and a change to the
    file is never served stale."""
    from kzgraph.graph import catalog

    monkeypatch.setenv("KZGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "q.rq"
    path.write_text("#+ title: First\n#+ params:\n#+   - name: year\n#+     type: year\nSELECT ?year {}\n")
    parsed = catalog._load(path)
    assert len(list((tmp_path / "cache").glob("query-*.json"))) == 1
    assert catalog._load(path) == parsed
    path.write_text("#+ title: Second\nSELECT * {}\n")
    changed = catalog._load(path)
    assert changed.title == "Second" and changed.params == ()
