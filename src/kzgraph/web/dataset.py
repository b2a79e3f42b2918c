"""The dataset page (`/dataset`): the VoID/DCAT description of publish/describe.py as a page for
people, and as Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation or `?format=`.
(`/.well-known/void` stays RDF by default: endpoint.description.)"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..graph.namespaces import PREFIXES
from ..publish.export import serialize
from .protocol import FORMAT_TYPES, negotiate
from .resource_pages import compact, local_path
from .responses import RDF_OFFERS, error_response
from .state import web_state

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCT = PREFIXES["dct"]
# The dataset's figures in the order the page lists them.
FIGURES = {
    "triples": "Triples",
    "entities": "Resources (kzgraph IRIs)",
    "distinctSubjects": "Distinct subjects",
    "distinctObjects": "Distinct objects",
    "properties": "Properties",
    "classes": "Classes",
}


@dataclass
class Link:
    text: str
    href: str | None


@dataclass
class DatasetView:
    title: str
    description: str
    version: str
    figures: list[tuple[str, str]]
    links: list[tuple[str, list[Link]]]
    graphs: list[tuple[str, str]]
    classes: list[tuple[Link, str]]
    properties: list[tuple[Link, str, str, str]]


async def dataset_page(request: Request) -> Response:
    web = web_state(request)
    fmt = request.query_params.get("format")
    if fmt is not None and fmt not in RDF_OFFERS.values():
        return error_response(400, f"format must be one of {', '.join(RDF_OFFERS.values())}")
    media_type = None if fmt else negotiate(request.headers.get("accept"), [*RDF_OFFERS, "text/html"])
    if fmt is None and media_type is None:
        return error_response(406, f"The description is available as: text/html, {', '.join(RDF_OFFERS)}")
    quads = await description_quads(request)
    if media_type == "text/html":
        alternates = {f: f"/dataset?format={f}" for f in RDF_OFFERS.values()}
        return web.templates.TemplateResponse(
            request,
            "dataset.html",
            {"page": dataset_view(quads), "alternates": alternates},
            headers={"Vary": "Accept"},
        )
    fmt = fmt or RDF_OFFERS[media_type]
    body = await run_in_threadpool(serialize, quads, fmt)
    return Response(body, media_type=FORMAT_TYPES[fmt], headers={"Vary": "Accept"})


async def description_quads(request: Request) -> list[ox.Quad]:
    """The description for this request: where the server answers, or where `kzgraph site` puts
    the published site (which has no SPARQL endpoint); computed once for each."""
    from ..publish.describe import describe

    web = web_state(request)
    base, endpoint = (web.site.base_url, False) if web.site is not None else (web.base_url(request), True)
    return await web.cached(
        f"description quads {base} {endpoint}", lambda: describe(web.graph.store, base, endpoint=endpoint)
    )


def dataset_view(quads: list[ox.Quad]) -> DatasetView:
    """What the page shows of the description: figures, links, graphs and partitions."""
    from ..publish.describe import DATASET

    about: dict[str, dict[str, list]] = {}
    for quad in quads:
        about.setdefault(str(quad.subject), {}).setdefault(quad.predicate.value, []).append(quad.object)

    def values(subject, predicate: str) -> list:
        return sorted(about.get(str(subject), {}).get(predicate, []), key=str)

    def one(subject, predicate: str) -> str:
        found = values(subject, predicate)
        return found[0].value if found else ""

    dataset = ox.NamedNode(DATASET)
    figures = [(label, one(dataset, VOID + k)) for k, label in FIGURES.items() if one(dataset, VOID + k)]
    links = [
        (label, [link(term) for term in values(dataset, predicate)])
        for label, predicate in (
            ("Source", DCT + "source"),
            ("Licence", DCT + "license"),
            ("SPARQL endpoint", VOID + "sparqlEndpoint"),
            ("Downloads", VOID + "dataDump"),
            ("Example resources", VOID + "exampleResource"),
            ("Vocabularies", VOID + "vocabulary"),
        )
    ]
    graphs = [
        (one(named, SD + "name"), one(ox.NamedNode(one(named, SD + "graph")), VOID + "triples"))
        for named in values(dataset, SD + "namedGraph")
    ]
    classes = sorted(
        (
            (link(ox.NamedNode(one(p, VOID + "class"))), one(p, VOID + "entities"))
            for p in values(dataset, VOID + "classPartition")
        ),
        key=lambda row: row[0].text.lower(),
    )
    properties = sorted(
        (
            (
                link(ox.NamedNode(one(p, VOID + "property"))),
                one(p, VOID + "triples"),
                one(p, VOID + "distinctSubjects"),
                one(p, VOID + "distinctObjects"),
            )
            for p in values(dataset, VOID + "propertyPartition")
        ),
        key=lambda row: row[0].text.lower(),
    )
    return DatasetView(
        one(dataset, DCT + "title"),
        one(dataset, DCT + "description"),
        one(dataset, DCAT + "version"),
        figures,
        [(label, found) for label, found in links if found],
        graphs,
        classes,
        properties,
    )


def link(term) -> Link:
    if isinstance(term, ox.NamedNode):
        return Link(compact(term.value), local_path(term.value) or term.value)
    return Link(str(getattr(term, "value", term)), None)
