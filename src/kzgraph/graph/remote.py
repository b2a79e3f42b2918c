"""Remote engines: run the same queries on any SPARQL 1.1 endpoint, and push the graph to one.

`RemoteGraph` is a `store.Graph` whose queries go over the SPARQL 1.1 Protocol, so `run`,
`query`, `resolve_organisation` and everything built on them (lineage, viz, stats) work the same
on an embedded store and on Oxigraph server, Virtuoso, Fuseki, GraphDB or QLever. Results come
back as the same SelectResult/AskResult/GraphResult of pyoxigraph terms.

`push` uploads named graphs with the SPARQL 1.1 Graph Store HTTP Protocol (PUT replaces a graph,
so pushing again doesn't duplicate anything), or with SPARQL Update (DROP SILENT GRAPH, then
INSERT DATA in chunks) where a server has no Graph Store endpoint.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from ..errors import DataLoadError, EndpointError, ParameterError, QueryError
from .catalog import Catalog
from .input_limits import CheckedXml
from .sparql_text import bind_values, with_prefixes
from .store import SOURCES, Graph

DEFAULT_TIMEOUT = 30.0
_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # older servers' N-Triples
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, */*;q=0.1"


class RemoteGraph(Graph):
    """The knowledge graph behind a SPARQL 1.1 query endpoint.

    Queries read the endpoint's default graph (on Virtuoso and GraphDB the union of all graphs;
    start Oxigraph with --union-default-graph, configure Fuseki with unionDefaultGraph), or, with
    `graphs`, the merge of those named graphs (the protocol's default-graph-uri).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        catalog: Catalog | None = None,
        graphs: Sequence[str] | None = None,
    ):
        super().__init__(None, catalog, graphs)  # type: ignore[arg-type]  # no local store
        self.endpoint, self.timeout = endpoint, timeout
        self._client = httpx.Client(timeout=timeout, follow_redirects=True)

    def restrict(self, source: str) -> RemoteGraph:
        if source not in SOURCES:
            raise ParameterError(f"Unknown source {source!r}: use one of {', '.join(SOURCES)}")
        return RemoteGraph(self.endpoint, timeout=self.timeout, catalog=self.catalog, graphs=SOURCES[source])

    def __len__(self) -> int:
        rows = self._execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(rows))["n"].value)

    def _execute(self, sparql: str, substitutions: Mapping[ox.Variable, ox.Term] | None = None):
        """Send the query (parameters bound by a VALUES block, prefixes declared) and parse the
        answer into pyoxigraph results: QuerySolutions, QueryBoolean, or a list of triples."""
        text = with_prefixes(bind_values(sparql, substitutions or {}))
        form: dict[str, str | list[str]] = {"query": text}
        if self.graphs is not None:
            form["default-graph-uri"] = list(self.graphs)
            form["named-graph-uri"] = list(self.graphs)
        headers = {"Accept": _ACCEPT}
        response = _send(self._client, "POST", self.endpoint, self.timeout, data=form, headers=headers)
        if response.status_code == 400:
            raise QueryError(f"The endpoint {self.endpoint} refused the query: {_snippet(response)}")
        _check(response, self.endpoint)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if media in _RESULT_TYPES:
                return ox.parse_query_results(response.content, format=_RESULT_TYPES[media])
            if media in _RDF_TYPES:
                fmt, content = _RDF_TYPES[media], response.content
                if fmt is ox.RdfFormat.RDF_XML:  # the same checks as a user's file (input_limits)
                    content = CheckedXml(io.BytesIO(content), self.endpoint)
                quads = ox.parse(content, format=fmt, base_iri=self.endpoint)
                return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        except (SyntaxError, DataLoadError) as e:
            raise EndpointError(f"{self.endpoint} sent results kzgraph cannot parse ({media}): {e}") from None
        raise EndpointError(f"{self.endpoint} answered with {media or 'no content type'}, not SPARQL results")


# Push


@dataclass
class PushReport:
    """The graphs pushed (IRI -> triples) and how: "graph store" or "update"."""

    graphs: dict[str, int] = field(default_factory=dict)
    method: str = "graph store"


def push(
    graph: Graph,
    endpoint: str | None = None,
    *,
    update_endpoint: str | None = None,
    target: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    chunk_size: int = 5000,
) -> PushReport:
    """Upload the graph's named graphs (with every entailment materialised: Graph.entail), each
    to the same IRI, or all of them into `target`.

    `endpoint` is a Graph Store Protocol endpoint (Oxigraph /store, Fuseki /DATASET/data,
    Virtuoso /sparql-graph-crud-auth, GraphDB /repositories/ID/rdf-graphs/service); each graph is
    PUT there, replacing what the server had under that IRI. Where the server answers that it has
    no such endpoint (404, 405, 415, 501) or only `update_endpoint` is given, each graph is
    replaced with SPARQL Update instead: DROP SILENT GRAPH, then INSERT DATA in chunks of
    `chunk_size` triples (the triples that share a blank node stay in one chunk).
    """
    if endpoint is None and update_endpoint is None:
        raise ParameterError("push needs a Graph Store endpoint or an update endpoint")
    if graph.store is None:
        raise ParameterError("push reads a local graph (bundled data, --load or --store), not an endpoint")
    graph.entail()  # the server gets the entailments too: it may do no reasoning
    names = _graph_names(graph)
    plan = {target: names} if target else {name: [name] for name in names}
    report = PushReport(method="graph store" if endpoint is not None else "update")
    with httpx.Client(timeout=timeout, follow_redirects=True) as client, tempfile.TemporaryDirectory() as tmp:
        for destination, sources in plan.items():
            path = Path(tmp) / "graph.nt"
            with open(path, "wb") as out:
                for source in sources:
                    graph.store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(source))
            report.graphs[destination] = _count_lines(path)
            fallback = update_endpoint is not None
            if (
                report.method == "graph store"
                and endpoint is not None
                and _put_graph(client, endpoint, destination, path, timeout, fallback)
            ):
                continue
            report.method = "update"
            _update_graph(client, update_endpoint or "", destination, path, timeout, chunk_size)
    return report


def _graph_names(graph: Graph) -> list[str]:
    if graph.graphs is not None:
        wanted = set(graph.graphs)
        return [g for g in graph.graphs if graph.store.contains_named_graph(ox.NamedNode(g)) and g in wanted]
    return sorted(g.value for g in graph.store.named_graphs() if isinstance(g, ox.NamedNode))


def _put_graph(
    client: httpx.Client, endpoint: str, iri: str, path: Path, timeout: float, fallback: bool
) -> bool:
    """PUT one graph; False if the server has no Graph Store endpoint there and `fallback`."""
    with open(path, "rb") as body:
        response = _send(
            client,
            "PUT",
            endpoint,
            timeout,
            params={"graph": iri},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        )
    if fallback and response.status_code in (404, 405, 415, 501):
        return False
    _check(response, endpoint)
    return True


def _update_graph(
    client: httpx.Client, endpoint: str, iri: str, path: Path, timeout: float, chunk_size: int
) -> None:
    """Replace one graph with SPARQL Update: DROP SILENT GRAPH, then INSERT DATA chunks.
    Not atomic across chunks; pushing again replaces whatever a failed push left."""
    updates = [f"DROP SILENT GRAPH <{iri}>"]
    lines = path.read_text(encoding="utf-8").splitlines()
    updates += [f"INSERT DATA {{ GRAPH <{iri}> {{\n{chunk}\n}} }}" for chunk in _chunks(lines, chunk_size)]
    for update in updates:
        response = _send(
            client,
            "POST",
            endpoint,
            timeout,
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )
        _check(response, endpoint)


_BLANK = re.compile(r"(?:^|\s)(_:\S+)")


def _chunks(lines: Iterable[str], size: int) -> Iterator[str]:
    """N-Triples lines in chunks of about `size`; lines sharing a blank node (directly or through
    others) stay in one chunk, since a blank node label means one node only within one request."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    plain: list[str] = []
    linked: list[tuple[str, str]] = []
    for line in lines:
        labels = _BLANK.findall(line)
        if not labels:
            plain.append(line)
            continue
        for label in labels[1:]:
            parent[root(label)] = root(labels[0])
        linked.append((labels[0], line))
    groups: dict[str, list[str]] = {}
    for label, line in linked:
        groups.setdefault(root(label), []).append(line)
    chunk: list[str] = []
    for group in [[line] for line in plain] + list(groups.values()):
        if chunk and len(chunk) + len(group) > size:
            yield "\n".join(chunk)
            chunk = []
        chunk.extend(group)
    if chunk:
        yield "\n".join(chunk)


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


# HTTP


def _send(client: httpx.Client, method: str, url: str, timeout: float, **kwargs) -> httpx.Response:
    try:
        return client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise EndpointError(f"{url} did not answer within {timeout:g} s (a longer --timeout?)") from None
    except httpx.ConnectError as e:
        raise EndpointError(f"Cannot reach {url}: {e}. Is the server running and the URL right?") from None
    except (httpx.HTTPError, httpx.InvalidURL) as e:
        raise EndpointError(f"{url}: {e}") from None


def _check(response: httpx.Response, url: str) -> None:
    if response.status_code >= 400:
        status = f"HTTP {response.status_code} {response.reason_phrase}"
        raise EndpointError(f"{url} answered {status}: {_snippet(response)}")


def _snippet(response: httpx.Response, limit: int = 500) -> str:
    text = " ".join(response.text.split())
    return (text[:limit] + "…") if len(text) > limit else text or "(no message)"
