"""`kzgraph viz`: the lineage page, written offline-safe and checked in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import DRAWN, SCREEN_POSITION, launch_chromium
from click.testing import CliRunner

import kzgraph
from kzgraph.cli import cli
from kzgraph.lineage.model import iso_year
from kzgraph.lineage.viz import VIS_JS, build_network, lineage_page

ARTIFACTS = Path(__file__).parent / "artifacts"
PAYLOAD = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">\'"&amp;'
EXPECTED_NODES = """
SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {
  VALUES ?class { kz:PoliticalParty kz:PoliticalMovement kz:ElectoralBloc kz:CampaignHeadquarters }
  ?o a ?class
}"""
EXPECTED_EDGES = """
SELECT (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?event ?a ?b WHERE {
      ?event a ?class ; org:originalOrganization ?a ; org:resultingOrganization ?b .
      ?class kz:lineageRelation ?link . FILTER (?a != ?b) } }
  UNION
  { SELECT DISTINCT ?a ?b WHERE { ?b a kz:ElectoralBloc ; org:hasMember ?a } }
}"""
COUNTS = "[window.kzgraph.network.body.nodeIndices.length, window.kzgraph.network.body.edgeIndices.length]"


def count(graph, sparql: str) -> int:
    return int(graph.query(sparql).column("n")[0])


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kz-data">(.*?)</script>', html, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def external_links(html: str) -> list[str]:
    """src/href attributes (and CSS urls) that point at another host."""
    attributes = re.findall(r"""\b(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", html, re.I)
    css = re.findall(r"""url\(\s*["']?((?:https?:)?//[^"')]+)""", html, re.I)
    imports = re.findall(r"""@import\s+["']?((?:https?:)?//[^"';]+)""", html, re.I)
    return attributes + css + imports


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("viz") / "lineage.html"
    result = CliRunner().invoke(cli, ["viz", "-o", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A graph with an organisation whose label is markup, written as a page."""
    directory = tmp_path_factory.mktemp("hostile")
    ttl = directory / "hostile.ttl"
    escaped = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')
    ttl.write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f'<https://example.org/party/hostile> a kz:PoliticalParty ; skos:prefLabel "{escaped}"@en ;\n'
        '  skos:altLabel "Quote \\"party\\" </title><b>bold</b>"@en .\n',
        encoding="utf-8",
    )
    path = directory / "hostile.html"
    result = CliRunner().invoke(cli, ["viz", "--load", str(ttl), "-o", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


# -- the file ---------------------------------------------------------------------------------


def test_page_holds_every_organisation_and_link(graph, page):
    data = page_data(page.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == count(graph, EXPECTED_NODES)
    assert len(data["edges"]) == count(graph, EXPECTED_EDGES)


def test_page_is_self_contained(page):
    html = page.read_text(encoding="utf-8")
    assert external_links(html) == []
    assert VIS_JS.read_text(encoding="utf-8") in html  # vis-network inlined, unchanged
    for host in ("jsdelivr", "cdnjs", "unpkg", "bootstrapcdn", "googleapis"):  # what pyvis links
        assert host not in html


def test_external_links_finds_cdn_tags():
    # the check above can fail: it recognises what pyvis' own in_line template writes
    html = (
        '<link rel="stylesheet" href="https://cdn.jsdelivr.net/x.css">'
        '<script src="//cdn.example/x.js"></script>'
    )
    assert len(external_links(html)) == 2


def test_labels_are_escaped_in_the_file(hostile):
    html = hostile.read_text(encoding="utf-8")
    assert PAYLOAD not in html
    assert "<img src=x" not in html
    assert "</title><b>" not in html
    assert any(n["info"]["labels"][0] == PAYLOAD for n in page_data(html)["nodes"])


def test_party_draws_only_its_ancestors_and_descendants(graph, tmp_path):
    path = tmp_path / "nur-otan.html"
    result = CliRunner().invoke(cli, ["viz", "--party", "Nur Otan", "-o", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    nur_otan = graph.resolve_organisation("Nur Otan")
    related = graph.query(
        "SELECT DISTINCT ?o ?party WHERE { { ?o (kz:predecessorOf|^org:hasMember)+ ?party }"
        " UNION { ?party (kz:predecessorOf|^org:hasMember)+ ?o } }",
        {"party": nur_otan},
    ).column("o")
    data = page_data(path.read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == {nur_otan.value, *related}
    assert data["focus"] == nur_otan.value
    assert data["title"].startswith("Lineage of People's Democratic Party Nur Otan")


def test_from_to_keeps_the_organisations_active_in_those_years(graph):
    page = lineage_page(graph, start=1990, end=1995)
    drawn = {n["id"] for n in page.nodes}
    for row in graph.run("parties"):
        year = iso_year(row["founded"])
        if year is not None and year <= 1995:
            assert row["party"] in drawn, row
        if year is not None and year > 1995:
            assert row["party"] not in drawn, row
    assert page.page["axis"]["first"] == 1990 and page.page["axis"]["last"] == 1995


def test_from_after_a_merger_leaves_the_merged_party_out(graph):
    drawn = {n["id"] for n in lineage_page(graph, start=2007).nodes}
    assert graph.resolve_organisation("Nur Otan").value in drawn
    assert graph.resolve_organisation("Otan").value not in drawn


def test_viz_errors_are_one_line(tmp_path):
    runner = CliRunner()
    unknown = runner.invoke(cli, ["viz", "--party", "Party of Nobody", "-o", str(tmp_path / "x.html")])
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: No organisation is labelled")
    backwards = runner.invoke(cli, ["viz", "--from", "2010", "--to", "2000", "-o", str(tmp_path / "x.html")])
    assert backwards.exit_code == 2 and "--from 2010 is after --to 2000" in backwards.output
    nowhere = runner.invoke(cli, ["viz", "-o", str(tmp_path / "missing" / "x.html")])
    assert nowhere.exit_code == 1 and nowhere.output.startswith("Error: cannot write")
    assert not (tmp_path / "x.html").exists()


def test_build_network_is_a_pyvis_network_with_positions_and_physics_off(graph):
    from pyvis.network import Network

    from kzgraph.lineage.read import read_lineage

    network = build_network(read_lineage(graph))
    assert isinstance(network, Network)
    assert network.options["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in network.nodes)
    positions = {(n["x"], n["y"]) for n in network.nodes}
    assert len(positions) == len(network.nodes)  # no two organisations on one spot


# -- in the browser ---------------------------------------------------------------------------


def test_page_renders_offline_in_chromium(graph, page, tmp_path):
    with launch_chromium(tmp_path / "profile") as browser:
        tab = browser.open(page.as_uri())
        tab.wait_for_function(DRAWN, timeout=15000)
        nodes, edges = tab.evaluate(COUNTS)
        assert nodes == count(graph, EXPECTED_NODES)
        assert edges == count(graph, EXPECTED_EDGES)
        assert tab.evaluate("typeof vis") == "object"
        assert tab.evaluate("document.scripts.length") == 3  # data, vis-network, page script
        assert tab.evaluate("[...document.scripts].every(s => !s.src)")
        ARTIFACTS.mkdir(exist_ok=True)
        screenshot = ARTIFACTS / "lineage.png"
        tab.screenshot(path=str(screenshot))
        print(f"screenshot: {screenshot}")
        assert screenshot.stat().st_size > 20_000
        assert browser.external_requests == []
        assert [r for r in browser.requests if not r.startswith("file:")] == []
        assert browser.console_errors == []


def test_hover_shows_names_dates_and_elections(graph, page, tmp_path):
    nur_otan = graph.resolve_organisation("Nur Otan").value
    with launch_chromium(tmp_path / "profile") as browser:
        tab = browser.open(page.as_uri())
        tab.wait_for_function(DRAWN, timeout=15000)
        x, y = tab.evaluate(SCREEN_POSITION, nur_otan)
        tab.mouse.move(x, y)
        tooltip = tab.locator(".vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5000)
        text = tooltip.inner_text()
        for row in graph.run("organisation-results"):
            if row["organisation"] == nur_otan:
                assert row["vote_share"] in text
        assert "Founded: 2006" in text and "Nur Otan PDP" in text


def test_click_highlights_the_lineage(graph, page, tmp_path):
    otan = graph.resolve_organisation("Otan")
    related = graph.query(
        "SELECT DISTINCT ?o ?party WHERE { { ?o (kz:predecessorOf|^org:hasMember)+ ?party }"
        " UNION { ?party (kz:predecessorOf|^org:hasMember)+ ?o } }",
        {"party": otan},
    )
    with launch_chromium(tmp_path / "profile") as browser:
        tab = browser.open(page.as_uri())
        tab.wait_for_function(DRAWN, timeout=15000)
        x, y = tab.evaluate(SCREEN_POSITION, otan.value)
        tab.mouse.click(x, y)
        tab.wait_for_function("window.kzgraph.selected !== null", timeout=5000)
        assert tab.evaluate("window.kzgraph.selected") == otan.value
        assert tab.evaluate("window.kzgraph.highlighted") == 1 + len(related)
        assert "Republican Political Party Otan" in tab.locator("#details").inner_text()


def test_hostile_labels_stay_text_in_chromium(hostile, tmp_path):
    with launch_chromium(tmp_path / "profile") as browser:
        tab = browser.open(hostile.as_uri())
        tab.wait_for_function(DRAWN, timeout=15000)
        node = tab.evaluate(
            "window.kzgraph.nodes.get().find(n => n.id === 'https://example.org/party/hostile').info.name"
        )
        assert node == PAYLOAD
        x, y = tab.evaluate(SCREEN_POSITION, "https://example.org/party/hostile")
        tab.mouse.move(x, y)
        tab.locator(".vis-tooltip").wait_for(state="visible", timeout=5000)
        assert PAYLOAD in tab.locator(".vis-tooltip").inner_text()
        assert tab.evaluate("window.__xss") is None
        assert tab.evaluate("document.querySelectorAll('img, b').length") == 0
        assert tab.title().startswith("Party lineage in Kazakhstan")
        assert browser.external_requests == []


def test_library_write_html(tmp_path):
    graph = kzgraph.load().restrict("paper")
    path = lineage_page(graph, party="Asar").write_html(tmp_path / "asar.html")
    data = page_data(path.read_text(encoding="utf-8"))
    assert {n["info"]["name"] for n in data["nodes"]} >= {
        "Republican Party Asar",
        "People's Democratic Party Nur Otan",
    }


def test_election_charts_are_on_the_page_unless_left_out(page, graph, tmp_path, runner):
    """One chart of the party system over time and one per party-list election with seats,
    drawn as inline SVG from the graph (no image file, no link)."""
    from kzgraph.elections.charts import election_charts

    html = page.read_text(encoding="utf-8")
    expected = [title for title, _ in election_charts(graph)]
    assert expected[0] == "Party system over time" and "Votes and seats, 2004" in expected
    assert re.findall(r'<figure class="chart"><figcaption>([^<]*)</figcaption><svg', html) == expected
    assert external_links(html) == []
    bare = tmp_path / "bare.html"
    result = runner.invoke(cli, ["viz", "--no-charts", "-o", str(bare)])
    assert result.exit_code == 0, result.output
    assert 'class="chart"' not in bare.read_text(encoding="utf-8")
