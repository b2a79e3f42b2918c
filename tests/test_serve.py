"""kzgraph serve against real clients (SPARQLWrapper, httpx, raw sockets) on a real uvicorn server."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import socket
import threading
import time
from pathlib import Path
from unittest.mock import patch

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from markupsafe import escape
from rdflib.compare import isomorphic
from serving import SLOW, running_server
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph.namespaces import ID, PAPER_GRAPH
from kzgraph.output import render, sparql_json
from kzgraph.publish.export import export
from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

SETTINGS = ServeSettings(timeout=3.0, max_rows=1000, max_body=64 * 1024, workers=2, memory_mb=1024)
PARTIES = "SELECT ?party ?label WHERE { ?party a kz:PoliticalParty ; skos:prefLabel ?label } ORDER BY ?party"
PARTY_GRAPH = (
    "CONSTRUCT { ?party a kz:PoliticalParty ; skos:prefLabel ?label }"
    " WHERE { ?party a kz:PoliticalParty ; skos:prefLabel ?label }"
)
OTAN = "party/otan-1999"
NUR_OTAN = "People's Democratic Party Nur Otan"


@pytest.fixture(scope="module")
def base_url(graph):
    with running_server(make_app(graph, SETTINGS)) as url:
        yield url


@pytest.fixture(scope="module")
def http(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def rows_of(result) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if v is not None} for row in result]


def wrapper(base_url: str, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(base_url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == "form":
        client.setMethod(POST)
    elif method == "direct":
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    return client


# -- SPARQLWrapper ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", [None, "form", "direct"])
def test_sparqlwrapper_select_as_json(base_url, graph, method):
    result = wrapper(base_url, PARTIES, JSON, method).queryAndConvert()
    assert result == json.loads(json.dumps(sparql_json(graph.query(PARTIES))))
    assert len(result["results"]["bindings"]) > 10


def test_sparqlwrapper_select_as_xml_csv_and_tsv(base_url, graph):
    expected = graph.query(PARTIES)
    document = wrapper(base_url, PARTIES, XML).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == expected.column("party")
    table = wrapper(base_url, PARTIES, CSV).queryAndConvert()
    assert list(csv.DictReader(io.StringIO(table.decode("utf-8")))) == rows_of(expected)
    tsv = wrapper(base_url, PARTIES, TSV).queryAndConvert().decode("utf-8")
    assert tsv == render(expected, "tsv")


def test_sparqlwrapper_ask(base_url):
    assert wrapper(base_url, "ASK { ?p a kz:PoliticalParty }", JSON).queryAndConvert()["boolean"] is True
    assert wrapper(base_url, "ASK { ?p a kz:Nothing }", JSON).queryAndConvert()["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD])
def test_sparqlwrapper_construct(base_url, graph, fmt):
    expected = rdflib.Graph().parse(data=render(graph.query(PARTY_GRAPH), "nt"), format="nt")
    result = wrapper(base_url, PARTY_GRAPH, fmt).queryAndConvert()
    got = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(data=result, format="turtle")
    assert len(got) == len(expected) > 20
    assert isomorphic(got, expected)


# -- content negotiation with httpx ----------------------------------------------------------


@pytest.mark.parametrize(
    "accept, media_type, fmt",
    [
        (None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv", "text/csv", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        (
            "text/csv;q=0.5, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/*", "text/csv", ox.QueryResultsFormat.CSV),
    ],
)
def test_select_in_every_results_format(http, graph, accept, media_type, fmt):
    response = http.get("/sparql", params={"query": PARTIES}, headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    if fmt == ox.QueryResultsFormat.CSV:  # lossy by design: oxigraph won't parse it back
        parties = [row["party"] for row in csv.DictReader(io.StringIO(response.text))]
    else:
        parties = [s["party"].value for s in ox.parse_query_results(response.content, format=fmt)]
    assert parties == graph.query(PARTIES).column("party")


@pytest.mark.parametrize(
    "accept, media_type, rdflib_format",
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/plain", "application/n-triples", "nt"),
    ],
)
def test_construct_and_describe_in_every_rdf_format(http, graph, accept, media_type, rdflib_format):
    expected = rdflib.Graph().parse(data=render(graph.query(PARTY_GRAPH), "nt"), format="nt")
    for query in (PARTY_GRAPH, f"DESCRIBE <{ID}{OTAN}>"):
        response = http.post("/sparql", data={"query": query}, headers={"accept": accept} if accept else {})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media_type
        got = rdflib.Graph().parse(data=response.content, format=rdflib_format)
        if query == PARTY_GRAPH:
            assert isomorphic(got, expected)
        else:
            assert (
                rdflib.URIRef(ID + OTAN),
                rdflib.RDF.type,
                rdflib.URIRef(kzgraph.graph.namespaces.KZ + "PoliticalParty"),
            ) in got


def test_graph_results_use_the_kzgraph_prefixes_and_context(http):
    turtle = http.post("/sparql", data={"query": PARTY_GRAPH}, headers={"accept": "text/turtle"}).text
    assert "@prefix party: <https://w3id.org/kzgraph/id/party/> ." in turtle and "party:otan-1999" in turtle
    document = http.post(
        "/sparql", data={"query": PARTY_GRAPH}, headers={"accept": "application/ld+json"}
    ).json()
    assert document["@context"]["kz"] == "https://w3id.org/kzgraph/ontology#"


def test_the_protocol_dataset_and_from_choose_graphs_of_the_dataset(http, graph):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    paper = sum(1 for _ in graph.store.quads_for_pattern(None, None, None, ox.NamedNode(PAPER_GRAPH)))

    def number(response) -> int:
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert number(http.get("/sparql", params={"query": count, "default-graph-uri": PAPER_GRAPH})) == paper
    from_paper = f"SELECT (COUNT(*) AS ?n) FROM <{PAPER_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert number(http.get("/sparql", params={"query": from_paper})) == paper
    assert number(http.get("/sparql", params={"query": count})) > paper  # the union of every graph
    refused = http.get("/sparql", params={"query": count, "named-graph-uri": "file:///etc/passwd"})
    assert refused.status_code == 400 and "file:///etc/passwd" in refused.json()["message"]


# -- status codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_args, status, message",
    [
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "SPARQL syntax error"),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "one query"),
        ({"method": "POST", "data": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 403, "read-only"),
        (
            {
                "method": "POST",
                "content": "CLEAR ALL",
                "headers": {"content-type": "application/sparql-update"},
            },
            403,
            "read-only",
        ),
        (
            {"method": "GET", "params": {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}},
            403,
            "Update",
        ),
        ({"method": "PUT", "params": {"query": "ASK {}"}}, 405, "GET or POST"),
        ({"method": "DELETE"}, 405, "GET or POST"),
        (
            {"method": "GET", "params": {"query": "ASK {}"}, "headers": {"accept": "text/csv"}},
            406,
            "ASK result",
        ),
        (
            {
                "method": "GET",
                "params": {"query": PARTY_GRAPH},
                "headers": {"accept": "application/sparql-results+json"},
            },
            406,
            "CONSTRUCT result",
        ),
        (
            {"method": "GET", "params": {"query": PARTIES}, "headers": {"accept": "image/png"}},
            406,
            "SELECT result",
        ),
        (
            {"method": "POST", "content": "ASK {}", "headers": {"content-type": "text/plain"}},
            415,
            "text/plain",
        ),
        ({"method": "POST", "content": "query=ASK%20%7B%7D"}, 415, "without Content-Type"),
        (
            {
                "method": "POST",
                "content": "ASK {}".encode("utf-16"),
                "headers": {"content-type": "application/sparql-query; charset=UTF-16"},
            },
            415,
            "UTF-8",
        ),
        (
            {
                "method": "POST",
                "content": "ASK {}".encode("utf-16"),
                "headers": {"content-type": "application/sparql-query"},
            },
            400,
            "not UTF-8",
        ),
        (
            {
                "method": "POST",
                "content": "x" * (64 * 1024 + 1),
                "headers": {"content-type": "application/sparql-query"},
            },
            413,
            "byte limit",
        ),
    ],
)
def test_errors_have_the_right_status_and_a_clear_json_message(http, request_args, status, message):
    response = http.request(url="/sparql", **request_args)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert message in response.json()["message"]
    assert "Traceback" not in response.text
    if status == 405:
        assert response.headers["allow"] == "GET, POST, OPTIONS"


def test_cors_allows_any_origin_to_read(http):
    response = http.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = http.options(
        "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_result_rows_are_capped_and_the_cut_is_announced(http):
    response = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == SETTINGS.max_rows
    assert response.headers["kzgraph-truncated"] == f"max-rows={SETTINGS.max_rows}"
    triples = http.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"accept": "application/n-triples"},
    )
    assert len(triples.text.splitlines()) == SETTINGS.max_rows and "kzgraph-truncated" in triples.headers
    small = http.get("/sparql", params={"query": PARTIES})
    assert "kzgraph-truncated" not in small.headers


def test_get_sparql_without_a_query_describes_the_service(http, base_url):
    response = http.get("/sparql", headers={"accept": "text/turtle"})
    described = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = described.value(predicate=sd.endpoint, object=rdflib.URIRef(base_url + "/sparql"))
    assert (service, rdflib.RDF.type, sd.Service) in described
    browser = http.get("/sparql", headers={"accept": "text/html,*/*;q=0.8"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/editor"


def test_an_internal_error_shows_no_traceback(graph):
    with (
        patch("kzgraph.web.resolve.negotiate", side_effect=RuntimeError("secret detail")),
        running_server(make_app(graph, SETTINGS)) as url,
    ):
        response = httpx.get(url + f"/id/{OTAN}", headers={"accept": "text/html"})
    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error"}


# -- stored queries --------------------------------------------------------------------------


def test_stored_query_as_csv_and_json_match_the_library(http, graph):
    expected = graph.run("predecessors", party="Nur Otan")
    response = http.get("/queries/predecessors.csv", params={"party": "Nur Otan"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text == render(expected, "csv")
    assert http.get("/queries/predecessors.json", params={"party": "Nur Otan"}).json() == sparql_json(
        expected
    )
    assert len(expected) > 3


def test_stored_query_page_has_a_form_results_and_downloads(http, graph):
    page = http.get("/queries/predecessors", params={"party": "Nur Otan"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'name="party" value="Nur Otan"' in page.text
    for label in graph.run("predecessors", party="Nur Otan").column("label"):
        assert escape(label) in page.text
    assert "/queries/predecessors.csv?party=Nur+Otan" in page.text
    form_only = http.get("/queries/predecessors")
    assert form_only.status_code == 200 and "Give party to run this query" in form_only.text


def test_stored_query_errors(http):
    missing = http.get("/queries/predecessors.json")
    assert missing.status_code == 400 and 'Missing parameter "party"' in missing.json()["message"]
    unknown = http.get("/queries/predecesors.json", params={"party": "Otan"})
    assert unknown.status_code == 404 and "Did you mean: predecessors" in unknown.json()["message"]
    extra = http.get("/queries/parties.json", params={"limit": "5"})
    assert extra.status_code == 400 and "Unknown parameter limit" in extra.json()["message"]
    twice = http.get("/queries/predecessors.json", params=[("party", "Otan"), ("party", "Asar")])
    assert twice.status_code == 400 and "once" in twice.json()["message"]
    assert http.get("/queries/parties.yaml").status_code == 404
    listing = http.get("/queries", headers={"accept": "application/json"}).json()
    assert {q["name"] for q in listing} == set(kzgraph.Catalog().names())


@pytest.mark.parametrize(
    "name, param, value",
    [
        ("predecessors", "party", 'Nur Otan" } UNION { ?ancestor ?p ?o } #'),
        ("predecessors", "party", "<https://w3id.org/kzgraph/id/party/otan-1999> } UNION { ?a ?b ?c"),
        ("election-results", "year", "2004 } UNION { ?s ?p ?o } #"),
        ("election-results", "year", '2004"^^xsd:gYear) } #'),
    ],
)
def test_parameter_injection_into_stored_queries_is_refused(http, name, param, value):
    response = http.get(f"/queries/{name}.json", params={param: value})
    assert response.status_code == 400
    assert param in response.json()["message"] or "organisation" in response.json()["message"]


def test_a_string_parameter_is_bound_as_a_literal_never_as_sparql(graph, tmp_path: Path):
    (tmp_path / "by-label.rq").write_text(
        "#+ title: By label\n#+ params:\n#+   - name: label\n#+     type: string\n"
        "SELECT ?org ?label WHERE { ?org skos:prefLabel ?l FILTER (STR(?l) = ?label) }\n",
        encoding="utf-8",
    )
    custom = kzgraph.Graph(graph.store, kzgraph.Catalog(tmp_path))
    with running_server(make_app(custom, SETTINGS)) as url:
        plain = httpx.get(url + "/queries/by-label.json", params={"label": NUR_OTAN}).json()
        hostile = httpx.get(
            url + "/queries/by-label.json",
            params={"label": NUR_OTAN + '") || true) } UNION { ?org ?p ?label } #'},
        )
    assert [b["org"]["value"] for b in plain["results"]["bindings"]] == [ID + "party/nur-otan-2006"]
    assert hostile.status_code == 200 and hostile.json()["results"]["bindings"] == []


# -- resource pages, ontology, description, downloads ----------------------------------------


def test_resource_page_for_browsers_links_to_other_resources(http, graph):
    page = http.get(f"/id/{OTAN}", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Republican Political Party Otan</h1>" in page.text
    links = {part.split('"')[0] for part in page.text.split('href="')[1:]}
    assert f"/id/{OTAN}.ttl" in links and f"/id/{OTAN}.jsonld" in links
    targets = {link for link in links if link.startswith("/id/") and "?" not in link}
    assert len(targets) > 5
    for target in sorted(targets)[:10]:
        assert http.get(target, headers={"accept": "text/html"}).status_code == 200, target


@pytest.mark.parametrize(
    "accept, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        (None, "turtle"),
    ],
)
def test_resource_iris_resolve_to_rdf(http, graph, accept, rdflib_format):
    response = http.get(f"/id/{OTAN}", headers={"accept": accept} if accept else {})
    assert response.status_code == 200 and "Accept" in response.headers["vary"]
    got = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    node = ox.NamedNode(ID + OTAN)
    statements = {(q.subject, q.predicate, q.object) for q in graph.store.quads_for_pattern(node, None, None)}
    statements |= {
        (q.subject, q.predicate, q.object) for q in graph.store.quads_for_pattern(None, None, node)
    }
    assert len(got) == len(statements) > 10


def test_unknown_resources_are_404_and_formats_are_checked(http):
    assert http.get("/id/party/no-such-party", headers={"accept": "text/html"}).status_code == 404
    assert http.get("/id/party/no-such-party", headers={"accept": "text/turtle"}).status_code == 404
    assert http.get(f"/id/{OTAN}", headers={"accept": "image/png"}).status_code == 406
    assert http.get(f"/id/{OTAN}", params={"format": "ttl"}).headers["content-type"].startswith("text/turtle")
    assert http.get(f"/id/{OTAN}", params={"format": "yaml"}).status_code == 400


def test_ontology_description_context_and_downloads(http, graph):
    html = http.get("/ontology", headers={"accept": "text/html"})
    assert html.status_code == 200 and "PoliticalParty" in html.text
    turtle = http.get("/ontology", headers={"accept": "text/turtle"})
    assert turtle.content == export(graph.store, "ttl", "ontology")
    void = rdflib.Graph().parse(data=http.get("/.well-known/void").text, format="turtle")
    assert (
        rdflib.URIRef("https://w3id.org/kzgraph/dataset"),
        rdflib.RDF.type,
        rdflib.URIRef("http://rdfs.org/ns/void#Dataset"),
    ) in void
    assert http.get("/context.jsonld").json()["@context"]["party"] == ID + "party/"
    dump = http.get("/download/kzgraph.nq")
    assert dump.content == export(graph.store, "nq", "all")
    assert dump.headers["content-disposition"] == 'attachment; filename="kzgraph.nq"'


# -- hostile requests ------------------------------------------------------------------------


class Listener:
    """A TCP port on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        time.sleep(0.5)  # time for a late connection to arrive
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    port = Listener()
    yield port
    port.close()


def test_the_listener_sees_a_connection(listener):
    # The control: the same kind of request that SERVICE would make does arrive when sent.
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{listener.port}/sparql", timeout=2)
    time.sleep(0.3)
    assert listener.connections == 1


def test_service_is_refused_and_never_connects(http, listener):
    endpoint = f"<http://127.0.0.1:{listener.port}/sparql>"
    queries = [
        f"SELECT * WHERE {{ SERVICE {endpoint} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT {endpoint} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND({endpoint} AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE {endpoint} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE {endpoint} {{ ?x ?p ?o }} }} }} LIMIT 1",
    ]
    for query in queries:
        response = http.post("/sparql", data={"query": query})
        assert response.status_code == 400, query
        assert "SERVICE is not allowed" in response.json()["message"]
    # Oxigraph alone would run this one's SERVICE (it does not replace \u escapes first).
    differential = (
        f'SELECT * WHERE {{ BIND("a\\u005C" AS ?x) SERVICE {endpoint} {{ ?s ?p ?o }} }} #" AS ?y) }}'
    )
    assert http.post("/sparql", data={"query": differential}).status_code == 200
    time.sleep(0.5)
    assert listener.connections == 0


def test_from_a_file_or_url_is_refused_and_nothing_is_read(http, listener):
    for query in (
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        f"SELECT * FROM <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    ):
        response = http.get("/sparql", params={"query": query})
        assert response.status_code == 400
        assert "may only name graphs of this dataset" in response.json()["message"]
        assert "root:" not in response.text
    time.sleep(0.3)
    assert listener.connections == 0


def test_load_and_insert_data_are_refused_and_change_nothing(http, listener):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = http.get("/sparql", params={"query": count}).json()
    for update in (
        f"LOAD <http://127.0.0.1:{listener.port}/x.ttl>",
        "LOAD <file:///etc/passwd> INTO GRAPH <http://g>",
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
        "DROP ALL",
    ):
        for response in (
            http.post("/sparql", data={"update": update}),
            http.post("/sparql", content=update, headers={"content-type": "application/sparql-update"}),
            http.post("/sparql", data={"query": update}),
        ):
            assert response.status_code == 403, update
    assert http.get("/sparql", params={"query": count}).json() == before
    time.sleep(0.3)
    assert listener.connections == 0


def test_a_runaway_query_is_stopped_and_the_server_stays_responsive(http, base_url):
    outcome = {}

    def slow():
        started = time.monotonic()
        with httpx.Client(base_url=base_url, timeout=60) as client:
            outcome["response"] = client.get("/sparql", params={"query": SLOW})
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    for _ in range(5):  # answered by the other worker while the slow query runs
        started = time.monotonic()
        assert http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        assert time.monotonic() - started < 1.5
    assert http.get("/").status_code == 200
    thread.join(30)
    response = outcome["response"]
    assert response.status_code == 503
    assert f"longer than the {SETTINGS.timeout:g} s limit" in response.json()["message"]
    assert SETTINGS.timeout <= outcome["seconds"] < SETTINGS.timeout + 3
    for _ in range(4):  # the stopped worker is replaced: both workers answer again
        assert http.get("/sparql", params={"query": PARTIES}).status_code == 200


def test_a_query_over_the_memory_limit_stops_its_worker_only(http):
    blowup = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
    response = http.get("/sparql", params={"query": blowup})
    assert response.status_code in (500, 503)
    assert "Traceback" not in response.text
    time.sleep(1.5)
    assert http.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def read_reply(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_a_100_mb_body_is_refused_before_it_is_read(base_url):
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 104857600\r\n\r\n" + b"#" * 65536
        )
        reply = read_reply(sock)
        assert time.monotonic() - started < 2
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"byte limit" in reply


def test_a_100_mb_chunked_body_is_cut_off_early(base_url):
    host, port = base_url.removeprefix("http://").split(":")
    chunk = b"%x\r\n%s\r\n" % (1 << 20, b"#" * (1 << 20))
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunk
        )
        # One MiB of the announced hundred is sent; the answer comes without the rest.
        reply = read_reply(sock)
        assert time.monotonic() - started < 2
        assert reply.startswith(b"HTTP/1.1 413")
        assert b"connection: close" in reply.lower() and b"byte limit" in reply
        sent = 0
        with contextlib.suppress(OSError):  # the server has closed: more data is refused
            for _ in range(99):
                sock.sendall(chunk)
                sent += 1
        assert sent < 99
    assert httpx.get(base_url + "/sparql", params={"query": "ASK {}"}).status_code == 200


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_serve_starts_uvicorn_with_the_options(runner):
    with patch("kzgraph.web.server.uvicorn.run") as run:
        result = runner.invoke(cli, ["serve", "--port", "8123", "--timeout", "2.5", "--max-rows", "50"])
    assert result.exit_code == 0, result.output
    (app,), options = run.call_args
    assert options["host"] == "127.0.0.1" and options["port"] == 8123
    assert type(app).__name__ == "Starlette"
    assert result.stderr == ""


def test_cli_serve_warns_when_listening_beyond_loopback(runner):
    with patch("kzgraph.web.server.uvicorn.run") as run:
        result = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert run.call_args.kwargs["host"] == "0.0.0.0"
    assert "Warning: listening on 0.0.0.0" in result.stderr


def test_stored_query_parameters_refuse_non_ascii_digits(http):
    assert http.get("/queries/election-results.json", params={"year": "2004"}).json()["results"]["bindings"]
    refused = http.get("/queries/election-results.json", params={"year": "\uff12\uff10\uff10\uff14"})
    assert refused.status_code == 400 and "digits 0-9" in refused.json()["message"]


def test_deeply_nested_queries_run_and_too_deep_ones_are_refused(http):
    from kzgraph.web.guard import MAX_NESTING

    deep = "ASK WHERE " + "{ " * 200 + "?s a kz:PoliticalParty" + " }" * 200
    answer = http.post("/sparql", data={"query": deep}, headers={"accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    too_deep = "ASK WHERE " + "{ " * (MAX_NESTING + 1) + "?s ?p ?o" + " }" * (MAX_NESTING + 1)
    refused = http.post("/sparql", data={"query": too_deep})
    assert refused.status_code == 400 and "deeper than" in refused.json()["message"]
