"""The stored-query pages, the dataset page and the error pages of kzgraph serve, read over HTTP
from a real server on the bundled data and checked against the library and SPARQL."""

from __future__ import annotations

import re

import httpx
import pytest
import rdflib
from markupsafe import escape
from serving import running_server

from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATASET = rdflib.URIRef("https://w3id.org/kzgraph/dataset")


@pytest.fixture(scope="module")
def http(graph):
    with (
        running_server(make_app(graph, ServeSettings(timeout=10.0))) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


def labels_of(graph, iris: list[str]) -> dict[str, str]:
    values = " ".join(f"<{iri}>" for iri in iris)
    rows = graph.query(
        f"SELECT ?iri (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?iri {{ {values} }} ?iri skos:prefLabel ?l "
        'FILTER (LANG(?l) IN ("en", "")) } GROUP BY ?iri'
    )
    return {row["iri"]: row["label"] for row in rows}


def test_iri_columns_show_labels_linked_to_resource_pages(http, graph):
    page = http.get("/queries/election-results", params={"year": "2004"}, headers=BROWSER)
    assert page.status_code == 200
    parties = graph.run("election-results", year="2004").column("party")
    labels = labels_of(graph, parties)
    assert len(parties) >= 2 and set(labels) == set(parties)
    for iri in parties:
        path = "/id/" + iri.removeprefix("https://w3id.org/kzgraph/id/")
        assert f'<a href="{path}" title="{iri}">{escape(labels[iri])}</a>' in page.text


def test_parameter_choices_come_from_the_graph(http, graph):
    page = http.get("/queries/election-results", headers=BROWSER).text
    years = sorted({row["date"][:4] for row in graph.run("elections") if row["date"]})
    offered = re.findall(r"<option(?: selected)?>(\d{4})</option>", page)
    assert offered == years
    names = graph.query(
        "SELECT DISTINCT ?name WHERE { VALUES ?kind { kz:PoliticalParty kz:PoliticalMovement kz:ElectoralBloc"
        " kz:CampaignHeadquarters } ?o a ?kind ; skos:prefLabel|skos:altLabel ?name }"
    ).column("name")
    datalist = http.get("/queries/predecessors", headers=BROWSER).text
    options = set(re.findall(r'<option value="([^"]*)"></option>', datalist))
    assert {str(escape(n)) for n in names} == options


def test_objects_shape_is_datasettes(http, graph):
    body = http.get("/queries/election-results.json", params={"year": "2004", "_shape": "objects"}).json()
    expected = graph.run("election-results", year="2004")
    assert body["ok"] is True and body["truncated"] is False
    assert body["columns"] == expected.columns
    assert [row["label"] for row in body["rows"]] == expected.column("label")
    assert all(isinstance(row["vote_share"], float) for row in body["rows"])
    assert http.get("/queries/parties.csv", params={"_shape": "objects"}).status_code == 400


def test_query_page_links_downloads_curl_and_the_editor(http):
    page = http.get("/queries/election-results", params={"year": "1999"}, headers=BROWSER).text
    for href in (
        "election-results.csv?year=1999",
        "election-results.tsv?year=1999",
        "election-results.json?year=1999",
        "election-results.json?year=1999&amp;_shape=objects",
        "/editor?stored=election-results&amp;year=1999",
    ):
        assert href in page
    curl = re.search(r'<code id="curl-command">curl &#39;(.*?)&#39;</code>', page).group(1)
    assert httpx.get(curl).text == http.get("/queries/election-results.csv?year=1999").text


def test_editor_opens_a_stored_query_with_its_parameters_bound(http):
    page = http.get("/editor", params={"stored": "election-results", "year": "1999"}, headers=BROWSER).text
    assert '<option value="election-results" selected>' in page
    assert 'VALUES ?year { \\"1999\\"^^\\u003chttp://www.w3.org/2001/XMLSchema#gYear\\u003e }' in page or (
        "1999" in re.search(r'id="kzgraph-initial">(.*?)</script>', page).group(1)
    )
    vis = http.get("/static/vis-network/vis-network.min.js")
    assert vis.status_code == 200 and "vis-network" in vis.text[:2000]


@pytest.mark.parametrize(
    "path",
    ["/queries/no-such-query", "/no/such/page", "/queries/parties.yaml", "/download/kzgraph.yaml"],
)
def test_errors_are_pages_for_browsers_and_json_for_clients(http, path):
    page = http.get(path, headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert '<p class="error" role="alert">' in page.text and "<h1>Not Found</h1>" in page.text
    client = http.get(path)
    assert client.status_code == 404 and client.headers["content-type"] == "application/json"
    assert client.json()["message"]
    assert re.sub(r"\s+", " ", str(escape(client.json()["message"]))) in re.sub(r"\s+", " ", page.text)


def test_an_unknown_resource_is_a_page_for_browsers_and_json_for_clients(http):
    page = http.get("/id/party/no-such-party", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    client = http.get("/id/party/no-such-party")
    assert client.status_code == 404 and "no-such-party" in client.json()["message"]


def test_a_bad_query_is_a_page_for_browsers(http):
    page = http.get("/sparql", params={"query": "SELEC"}, headers=BROWSER)
    assert page.status_code == 400 and "SPARQL syntax error" in page.text and "<html" in page.text
    assert http.get("/sparql", params={"query": "SELEC"}).json()["message"].startswith("SPARQL syntax error")


def test_dataset_page_reads_the_description(http):
    turtle = http.get("/dataset", headers={"accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    description = rdflib.Graph().parse(data=turtle.text, format="turtle")
    triples = description.value(DATASET, VOID.triples)
    page = http.get("/dataset", headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    assert f'<th scope="row">Triples</th><td class="number">{triples}</td>' in page.text
    for graph_name in description.objects(
        None, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#name")
    ):
        assert f"<code>{graph_name}</code>" in page.text
    assert http.get("/dataset", params={"format": "nt"}).headers["content-type"] == "application/n-triples"
    # /.well-known/void stays RDF for any client, a browser too
    assert http.get("/.well-known/void", headers=BROWSER).headers["content-type"].startswith("text/turtle")
