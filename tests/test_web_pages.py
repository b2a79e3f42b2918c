"""The reader pages of kzgraph serve over HTTP on a real server: home and search, the lineage
graph, a page per kind of resource, and every resource as RDF by suffix and by negotiation.
Expected values are read from the graph with the stored queries, never written here."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import rdflib
from markupsafe import escape
from serving import running_server

from kzgraph.graph.namespaces import ID
from kzgraph.lineage.read import read_lineage
from kzgraph.web.app import make_app
from kzgraph.web.display import human_date
from kzgraph.web.home import fold
from kzgraph.web.lineage_page import NONCE_PLACEHOLDER
from kzgraph.web.settings import ServeSettings

# Cold pages draw charts with matplotlib: give the workers time on a busy machine.
SETTINGS = ServeSettings(timeout=60.0, workers=2)
HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PAGES = {
    "party": "party/otan-1999",
    "election": "election/majilis-2004",
    "law": "law/law-on-political-parties-2002",
    "stage": "stage/third",
    "event": "event/merger-nur-otan-2006",
    "source": "source/zhankuliyeva-2012-ref-10",
}
GENERIC = "result/majilis-2004-otan"  # an election result has no reader page of its own
RDF_FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
}


@pytest.fixture(scope="module")
def http(graph):
    with running_server(make_app(graph, SETTINGS)) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


def text_of(html: str) -> str:
    """The page's text, tags dropped, white space folded, entities decoded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class StartTags(HTMLParser):
    """The attributes of each element named `tag` (script contents are not parsed as markup)."""

    def __init__(self, tag: str):
        super().__init__()
        self.tag, self.found = tag, []

    def handle_starttag(self, tag, attrs):
        if tag == self.tag:
            self.found.append(dict(attrs))


def hrefs(html: str) -> set[str]:
    return {h for h in re.findall(r'href="([^"]*)"', html)}


def path_of(iri: str) -> str:
    return "/id/" + iri.removeprefix(ID)


# -- home and search ---------------------------------------------------------------------------


def test_home_shows_the_counts_sources_and_ways_in(http, graph):
    page = http.get("/", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = text_of(page.text)
    for row in graph.run("dataset-counts"):
        assert f"{row['label']} {row['count']}" in text
    works = graph.run("source-works").dicts()
    paper = next(w for w in works if w["kind"] == "source work")
    assert paper["citation"] in text
    web_sources = [w for w in works if w["kind"] == "web source"]
    assert len(web_sources) > 5 and f"cite {len(web_sources)} further sources" in text
    links = hrefs(page.text)
    assert {"/lineage", "/queries", "/editor"} <= links
    assert 'data-index="/search-index.json"' in page.text
    for column, name in (("election", "elections"), ("law", "laws"), ("stage", "stages")):
        for iri in graph.run(name).column(column):
            assert path_of(iri) in links, iri
    assert '<form class="search" action="/search" method="get"' in page.text
    assert re.search(r'<label for="search-box">', page.text)


def test_the_search_index_holds_every_name_with_the_cli_keys(http, graph):
    index = http.get("/search-index.json").json()
    organisations = graph.run("organisations").dicts()
    assert {e["iri"] for e in index} == {row["organisation"] for row in organisations}
    names = graph.run("organisation-names").dicts()
    by_iri = {e["iri"]: e for e in index}
    for row in names:
        assert fold(row["name"]) == row["key"]  # the page's folding is the rule's
        assert row["key"] in by_iri[row["organisation"]]["keys"]
        # every key resolves, as the CLI resolves it, to the organisation (or to several)
        if sum(row["key"] in e["keys"] for e in index) == 1:
            assert graph.resolve_organisation(row["name"]).value == row["organisation"]
    assert all(e["href"] == path_of(e["iri"]) for e in index)


def test_search_without_javascript_finds_any_name_like_the_cli(http, graph):
    nur_otan = graph.resolve_organisation("Nur Otan").value
    for typed in ("Nur Otan", "  nur   OTAN ", "nur otan"):
        page = http.get("/search", params={"q": typed})
        assert page.status_code == 200
        first = re.search(r'<ul class="matches">\s*<li><a href="([^"]+)"', page.text)
        assert first and first.group(1) == path_of(nur_otan), typed
    hidden = graph.query(
        "SELECT ?org ?name WHERE { ?org skos:hiddenLabel ?name } ORDER BY ?name LIMIT 1"
    ).dicts()[0]
    found = http.get("/search", params={"q": hidden["name"]})
    assert path_of(graph.resolve_organisation(hidden["name"]).value) in hrefs(found.text)
    nothing = http.get("/search", params={"q": "no such party zzz"})
    assert "0 organisations" in text_of(nothing.text)
    assert http.get("/search", params={"q": "x" * 201}).status_code == 400


# -- reader pages ------------------------------------------------------------------------------


def test_party_page_shows_names_dates_lineage_results_identifiers_and_sources(http, graph):
    otan = graph.resolve_organisation("Otan")
    page = http.get(path_of(otan.value), headers=HTML)
    assert page.status_code == 200 and "Accept" in page.headers["vary"]
    text, links = text_of(page.text), hrefs(page.text)
    row = next(r for r in graph.run("organisations") if r["organisation"] == otan.value)
    assert f"<h1>{escape(row['label'])}</h1>" in page.text
    assert f"Founded {human_date(row['founded'])} (to the day)" in text
    assert f"Ended {human_date(row['ended'])}" in text
    for alt in (row["other_labels"] or "").split(" | "):
        assert escape(alt) in page.text
    # the lineage, both ways, every organisation linking to its page
    for name in ("predecessors", "successors"):
        found = graph.run(name, party=otan.value).dicts()
        assert found
        for r in found:
            assert path_of(r.get("ancestor") or r["descendant"]) in links
    graph_link = next(h for h in links if h.startswith("/lineage?"))
    assert parse_qs(urlsplit(unescape(graph_link)).query) == {"party": [otan.value]}
    # every election result with its vote share and seats
    results = [r for r in graph.run("organisation-results") if r["organisation"] == otan.value]
    assert len(results) >= 2
    for r in results:
        assert path_of(r["election"]) in links
        assert f"{r['vote_share']}%" in text and f"[{r['reference_number']}]" in text
        assert str(r["list_seats"]) in text
    # identifiers and the source of every fact, with its words and reference
    for r in graph.run("identifiers", party=otan.value):
        assert r["record"] in links
    facts = graph.run("organisation-facts", party=otan.value).dicts()
    assert len(facts) > 5
    for f in facts:
        for quote in (f["quote"] or "").split("\n"):
            assert escape(quote) in page.text
        if f["reference_number"]:
            assert f"[{f['reference_number']}]" in text
    # the full statement table, folded
    assert re.search(r'<details class="statements">\s*<summary>', page.text)
    assert 'table class="statements"' in page.text


def test_party_page_names_eras_bloc_results_and_table_i(http, graph):
    nur_otan = graph.resolve_organisation("Nur Otan")
    page = http.get(path_of(nur_otan.value), headers=HTML)
    renames = graph.run("renames").dicts()
    eras = [r for r in renames if nur_otan.value in (r["from"], r["to"])]
    assert eras
    for r in eras:
        assert escape(r["from_label"]) in page.text and escape(r["to_label"]) in page.text
    member = graph.query(
        "SELECT ?party ?bloc WHERE { ?bloc a kz:ElectoralBloc ; org:hasMember ?party ."
        " ?result kz:party ?bloc } LIMIT 1"
    ).dicts()[0]
    member_page = http.get(path_of(member["party"]), headers=HTML)
    assert f'as a member of <a href="{path_of(member["bloc"])}"' in member_page.text
    row = graph.query(
        "SELECT ?party ?text WHERE { ?row a kz:ValueGuideline ; kz:party ?party ; kz:guidelineText ?text }"
        " LIMIT 1"
    ).dicts()[0]
    assert escape(row["text"]) in http.get(path_of(row["party"]), headers=HTML).text


def test_election_page_shows_results_seats_chart_rules_and_indices(http, graph):
    page = http.get(f"/id/{PAGES['election']}", headers=HTML)
    assert page.status_code == 200
    text, links = text_of(page.text), hrefs(page.text)
    year = "2004"
    for r in graph.run("election-results", year=year):
        assert path_of(r["party"]) in links and f"{r['vote_share']}%" in text
    for r in graph.run("seat-allocation", year=year):
        assert escape(r["label"]) in page.text
    rules = next(r for r in graph.run("election-rules") if r["year"] == year)
    assert f"Threshold {rules['threshold']}%" in text and f"Party-list seats {rules['list_seats']}" in text
    chart = re.search(r'<figure class="chart" id="seats-chart".*?</figure>', page.text, re.S).group(0)
    assert "<svg" in chart and "<script" not in chart and "<figcaption" in chart
    assert "Gallagher least-squares index" in text and "Effective number of parties" in text


def test_stage_law_event_and_source_pages(http, graph):
    for kind in ("law", "stage", "event", "source"):
        iri = ID + PAGES[kind]
        page = http.get(path_of(iri), headers=HTML)
        assert page.status_code == 200, kind
        summary = graph.run("resource-summary", resource=iri).dicts()[0]
        assert f"<h1>{escape(summary['label'])}</h1>" in page.text
        assert f'class="reader reader-{kind}"' in page.text
        links = hrefs(page.text)
        for link in graph.run("resource-links", resource=iri):
            assert path_of(link["other"]) in links, (kind, link["other"])
    stage = http.get(f"/id/{PAGES['stage']}", headers=HTML).text
    timeline = graph.run("stage-timeline", stage=ID + PAGES["stage"]).dicts()
    assert len(timeline) > 5
    positions = [stage.index(f'href="{path_of(e["fact"])}"') for e in timeline]
    assert positions == sorted(positions)  # in time order
    law = text_of(http.get(f"/id/{PAGES['law']}", headers=HTML).text)
    assert "Number" in law or "Sets the" in law


def test_a_resource_without_a_reader_page_keeps_the_generic_table(http):
    page = http.get(f"/id/{GENERIC}", headers=HTML)
    assert page.status_code == 200
    assert 'table class="statements"' in page.text and "reader-" not in page.text
    assert http.get("/id/party/no-such-party", headers=HTML).status_code == 404


@pytest.mark.parametrize("kind", [*PAGES, "generic"])
@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_every_resource_path_takes_an_rdf_suffix_and_negotiates(http, kind, fmt):
    path = f"/id/{PAGES.get(kind, GENERIC)}"
    media_type, rdflib_format = RDF_FORMATS[fmt]
    by_suffix = http.get(f"{path}.{fmt}")
    negotiated = http.get(path, headers={"accept": media_type})
    assert by_suffix.status_code == negotiated.status_code == 200
    assert by_suffix.headers["content-type"].split(";")[0] == media_type
    assert by_suffix.content == negotiated.content
    assert len(rdflib.Graph().parse(data=by_suffix.content, format=rdflib_format)) > 3
    html = http.get(path, headers=HTML).text
    assert f'href="{path}.{fmt}"' in html


def test_suffix_errors_and_the_ontology_suffix(http):
    path = f"/id/{PAGES['party']}"
    assert http.get(f"{path}.ttl", params={"format": "nt"}).status_code == 400
    assert http.get(f"{path}.ttl", params={"format": "ttl"}).status_code == 200
    assert http.get(f"{path}.yaml").status_code == 404
    assert (
        http.get("/ontology.ttl").content == http.get("/ontology", headers={"accept": "text/turtle"}).content
    )
    assert http.get("/ontology.yaml").status_code == 404


# -- the lineage graph -------------------------------------------------------------------------


def kz_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kz-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_lineage_page_is_the_viz_page_with_links_to_party_pages(http, graph):
    nur_otan = graph.resolve_organisation("Nur Otan").value
    page = http.get("/lineage", params={"party": "Nur Otan"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    data = kz_data(page.text)
    around = read_lineage(graph).around(nur_otan)
    assert {n["id"] for n in data["nodes"]} == set(around.organisations)
    assert data["focus"] == nur_otan
    for node in data["nodes"]:
        assert node["info"]["href"] == path_of(node["id"])
    for node in data["nodes"][:3]:
        assert http.get(node["info"]["href"], headers=HTML).status_code == 200
    # every inline script and style carries this response's own CSP nonce, and no placeholder is left
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"]).group(1)
    assert NONCE_PLACEHOLDER not in page.text
    assert set(re.findall(r'nonce="([^"]*)"', page.text)) == {nonce}
    whole = kz_data(http.get("/lineage").text)
    assert len(whole["nodes"]) == len(read_lineage(graph).organisations)


def test_lineage_page_options_like_kzgraph_viz(http, graph):
    paper = kz_data(http.get("/lineage", params={"source": "paper"}).text)
    everything = kz_data(http.get("/lineage").text)
    assert len(paper["nodes"]) == len(read_lineage(graph.restrict("paper")).organisations)
    assert len(paper["nodes"]) < len(everything["nodes"])
    span = kz_data(http.get("/lineage", params={"from": "1999", "to": "2004"}).text)
    assert span["axis"]["first"] == 1999 and span["axis"]["last"] == 2004
    for params, status in [
        ({"from": "abc"}, 400),
        ({"from": "2007", "to": "1999"}, 400),
        ({"source": "web"}, 400),
        ({"colour": "red"}, 400),
        ({"party": "no such party zzz"}, 404),
    ]:
        response = http.get("/lineage", params=params)
        assert response.status_code == status, params
        assert response.json()["message"]


def test_lineage_page_scripts_carry_the_request_nonce(http):
    response = http.get("/lineage", params={"party": "Asar"})
    nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"]).group(1)
    html = response.text
    for tag in ("script", "style"):
        parser = StartTags(tag)
        parser.feed(html)
        code = [attrs for attrs in parser.found if attrs.get("type") != "application/json"]
        assert code and all(attrs.get("nonce") == nonce for attrs in code), tag
