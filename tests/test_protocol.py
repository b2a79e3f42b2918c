"""The W3C SPARQL 1.1 Protocol test suite (tests/fixtures/w3c-sparql11-protocol) against kzgraph serve.

Each manifest entry is a list of HTTP requests with the status, format and boolean expected.
The server holds the suite's data (data1-3.nt) in the named graphs the entries name, plus the
empty graph data0.rdf that several of them use as a protocol default graph. The read-only
endpoint runs every query case and every update case that expects an error; the update cases
that expect success are checked to be refused with 403 instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from serving import running_server

import kzgraph
from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

SUITE = Path(__file__).parent / "fixtures" / "w3c-sparql11-protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
KASEI = "http://kasei.us/2009/09/sparql/data/"
RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class Case:
    name: str
    title: str
    steps: list[Step]

    @property
    def is_update(self) -> bool:
        return self.name.startswith("update_")


def load_cases() -> list[Case]:
    manifest = rdflib.Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=str(SUITE) + "/")
    root = next(manifest.subjects(rdflib.RDF.type, MF.Manifest))
    cases = []
    for entry in rdflib.collection.Collection(manifest, manifest.value(root, MF.entries)):
        action = manifest.value(entry, MF.action)
        steps = [
            _step(manifest, request)
            for request in rdflib.collection.Collection(manifest, manifest.value(action, HT.requests))
        ]
        cases.append(Case(str(entry).rsplit("#", 1)[1], str(manifest.value(entry, MF.name)), steps))
    return cases


def _step(manifest: rdflib.Graph, request) -> Step:
    headers = {}
    header_list = manifest.value(request, HT.headers)
    if header_list is not None:
        for header in rdflib.collection.Collection(manifest, header_list):
            headers[str(manifest.value(header, HT.fieldName))] = str(manifest.value(header, HT.fieldValue))
    body = None
    content = manifest.value(request, HT.body)
    if content is not None:
        encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8").lower()
        # UTF-16 bodies carry a byte order mark, as the suite's notes say.
        body = str(manifest.value(content, CNT.chars)).encode("utf-16" if encoding == "utf-16" else encoding)
    response = manifest.value(request, HT.resp)
    statuses = {str(s).rsplit("StatusCode", 1)[1] for s in manifest.objects(response, MF.expectedStatus)}
    boolean = manifest.value(response, MF.expectedBoolean)
    fmt = manifest.value(response, MF.expectedFormat)
    # The suite's paths start with /sparql/ and say to replace it with the endpoint's path.
    path = str(manifest.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    return Step(
        str(manifest.value(request, HT.methodName)),
        path,
        headers,
        body,
        statuses,
        None if fmt is None else str(fmt),
        None if boolean is None else boolean.toPython(),
    )


CASES = load_cases()
QUERY_CASES = [c for c in CASES if not (c.is_update and "2xx" in c.steps[0].statuses)]
UPDATE_CASES = [c for c in CASES if c.is_update and "2xx" in c.steps[0].statuses]


@pytest.fixture(scope="module")
def endpoint():
    store = ox.Store()
    for number in (1, 2, 3):
        graph = ox.NamedNode(f"{KASEI}data{number}.rdf")
        store.load(path=str(SUITE / f"data{number}.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    store.add_graph(ox.NamedNode(KASEI + "data0.rdf"))
    app = make_app(kzgraph.Graph(store), ServeSettings(timeout=5.0, workers=1))
    with running_server(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def send(client: httpx.Client, step: Step) -> httpx.Response:
    return client.request(step.method, step.path, headers=step.headers, content=step.body)


def test_the_suite_is_all_here():
    assert len(CASES) == 34
    assert {c.name for c in UPDATE_CASES} == {
        "update_dataset_default_graph",
        "update_dataset_default_graphs",
        "update_dataset_named_graphs",
        "update_dataset_full",
        "update_post_form",
        "update_post_direct",
        "update_base_uri",
    }


@pytest.mark.parametrize("case", QUERY_CASES, ids=lambda c: c.name)
def test_w3c_protocol_case(endpoint, case):
    for step in case.steps:
        response = send(endpoint, step)
        status = f"{response.status_code // 100}xx"
        assert status in step.statuses, f"{case.title}: {response.status_code} {response.text[:200]}"
        media_type = response.headers.get("content-type", "").split(";")[0]
        if step.expected_format in ("boolean", "tabular"):
            assert media_type in RESULT_TYPES
        if step.expected_boolean is not None:
            assert json.loads(response.content)["boolean"] is step.expected_boolean
        if step.expected_format == "RDF":
            assert media_type in RDF_TYPES
            rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type])
        if status == "4xx":
            assert "message" in response.json()


@pytest.mark.parametrize("case", UPDATE_CASES, ids=lambda c: c.name)
def test_w3c_update_case_is_refused_by_the_read_only_endpoint(endpoint, case):
    response = send(endpoint, case.steps[0])
    assert response.status_code == 403
    assert "read-only" in response.json()["message"]
