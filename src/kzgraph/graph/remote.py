"""Remote engines: run the same queries on any SPARQL 1.1 endpoint, and push the graph to one.

`RemoteGraph` is a `store.Graph` whose queries go over the SPARQL 1.1 Protocol, so `run`,
`query`, `resolve_organisation` and everything built on them (lineage, viz, stats) work the same
on an embedded store and on Oxigraph server, Virtuoso, Fuseki, GraphDB or QLever. Results come
back as the same SelectResult/AskResult/GraphResult of pyoxigraph terms.

`push` uploads named graphs with the SPARQL 1.1 Graph Store HTTP Protocol (one PUT per graph
replaces it in one request, so pushing again doesn't duplicate anything), or with SPARQL Update
where a server has no Graph Store endpoint: INSERT DATA chunks into a temporary graph, then one
MOVE onto the graph, so a push that fails midway leaves the server's graph as it was. `derive`
runs the load-time rules on a server as SPARQL Update, for data its own bulk loader loaded.

Endpoints that want HTTP authentication (Virtuoso's /sparql-auth and /sparql-graph-crud-auth,
digest; Fuseki, basic) get the user and password from KZGRAPH_USER and KZGRAPH_PASSWORD, or from
the netrc file (~/.netrc, or $NETRC) entry for the endpoint's host: never from the command line.
"""

from __future__ import annotations

import contextlib
import io
import json
import netrc
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from ..errors import DataLoadError, EndpointError, LabelNotFound, ParameterError, QueryError
from ..resources import ENTAILMENT_RULES_DIR, RULES_DIR
from .catalog import Catalog
from .input_limits import CheckedXml
from .namespaces import DERIVED_PREFIX, KZ
from .rules import Rule, load_rules
from .sparql_text import bind_values, with_dataset, with_prefixes
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
    `graphs`, the merge of those named graphs (FROM and FROM NAMED clauses added to each query,
    and the protocol's default-graph-uri and named-graph-uri, so that an endpoint whose default
    graph is empty works as it is).
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
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, auth=credentials(endpoint))

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
        text = bind_values(sparql, substitutions or {})
        form: dict[str, str | list[str]] = {}
        if self.graphs is not None:
            # Both: `oxigraph serve --union-default-graph` ignores FROM, some servers the parameters.
            text = with_dataset(text, self.graphs)
            form["default-graph-uri"] = form["named-graph-uri"] = list(self.graphs)
        form["query"] = with_prefixes(text)
        headers = {"Accept": _ACCEPT}
        response = _send(self._client, "POST", self.endpoint, self.timeout, data=form, headers=headers)
        if response.status_code == 400:
            raise QueryError(f"The endpoint {self.endpoint} refused the query: {_snippet(response)}")
        _check(response, self.endpoint)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if media in _RESULT_TYPES:
                content = response.content
                if media == "application/sparql-results+json" and b"__ASK_RETVAL" in content:
                    content = _ask_answer(content)
                elif media == "application/sparql-results+json" and _BOOLEAN.encode() in content:
                    content = _canonical_booleans(content)
                return ox.parse_query_results(content, format=_RESULT_TYPES[media])
            if media in _RDF_TYPES:
                fmt, content = _RDF_TYPES[media], response.content
                if fmt is ox.RdfFormat.RDF_XML:  # the same checks as a user's file (input_limits)
                    content = CheckedXml(io.BytesIO(content), self.endpoint)
                quads = ox.parse(content, format=fmt, base_iri=self.endpoint)
                return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        except (SyntaxError, DataLoadError) as e:
            raise EndpointError(f"{self.endpoint} sent results kzgraph cannot parse ({media}): {e}") from None
        raise EndpointError(f"{self.endpoint} answered with {media or 'no content type'}, not SPARQL results")

    def resolve_organisation(self, value: str) -> ox.NamedNode:
        """As Graph.resolve_organisation; where nothing matches because the graphs the queries
        read hold no kzgraph data at all, the error says so and how to fix it."""
        try:
            return super().resolve_organisation(value)
        except LabelNotFound:
            if not self.holds_kzgraph_data():
                raise EndpointError(self._no_data_message()) from None
            raise

    def holds_kzgraph_data(self) -> bool:
        """Whether the graphs the queries read state anything in kzgraph's vocabulary."""
        return bool(self._execute(f'ASK {{ ?s a ?type FILTER (STRSTARTS(STR(?type), "{KZ}")) }}'))

    def _no_data_message(self) -> str:
        if self.graphs is not None:
            listing = ", ".join(f"<{g}>" for g in self.graphs)
            return f"The graphs {listing} at {self.endpoint} hold no kzgraph data: were they pushed there?"
        return (
            f"The default graph of {self.endpoint} holds no kzgraph data. If it is in named graphs, "
            "make the default graph their union (oxigraph serve --union-default-graph; Fuseki: "
            "unionDefaultGraph) or name them with --graph IRI (repeatable). Otherwise: kzgraph push."
        )


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _canonical_booleans(content: bytes) -> bytes:
    """SPARQL JSON results with xsd:boolean values in their canonical form: Virtuoso sends
    "1"/"0" (the same values as "true"/"false"), which would print differently elsewhere."""
    results = json.loads(content)
    for row in results.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("datatype") == _BOOLEAN and value.get("value") in ("0", "1"):
                value["value"] = "true" if value["value"] == "1" else "false"
    return json.dumps(results).encode()


def _ask_answer(content: bytes) -> bytes:
    """Virtuoso answers an ASK that names its dataset (FROM, default-graph-uri) as a SELECT of one
    variable, __ASK_RETVAL, bound to 1 or with no row: the boolean result it means."""
    results = json.loads(content)
    if results.get("head", {}).get("vars") != ["__ASK_RETVAL"]:
        return content
    rows = results.get("results", {}).get("bindings", [])
    answer = any(row.get("__ASK_RETVAL", {}).get("value") not in (None, "0") for row in rows)
    return json.dumps({"head": {}, "boolean": answer}).encode()


# Push


@dataclass
class PushReport:
    """The graphs pushed (IRI -> triples), how ("graph store" or "update"), and how many update
    requests were sent (a chunk the server refused is split in two and sent again)."""

    graphs: dict[str, int] = field(default_factory=dict)
    method: str = "graph store"
    requests: int = 0


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
    to the same IRI, or all of them into `target`. A push that fails leaves each graph on the
    server either as it was or replaced whole.

    `endpoint` is a Graph Store Protocol endpoint (Oxigraph /store, Fuseki /DATASET/data,
    Virtuoso /sparql-graph-crud-auth, GraphDB /repositories/ID/rdf-graphs/service); each graph is
    PUT there in one request, replacing what the server had under that IRI. Where the server
    answers that it has no such endpoint (404, 405, 415, 501) or only `update_endpoint` is given,
    SPARQL Update is used instead: INSERT DATA in chunks of `chunk_size` triples (those sharing a
    blank node stay in one chunk) into a temporary graph, then `MOVE` onto the graph's IRI. A
    chunk the server refuses is split and sent again; a single triple it refuses ends the push
    and the temporary graph is dropped.
    """
    if endpoint is None and update_endpoint is None:
        raise ParameterError("push needs a Graph Store endpoint or an update endpoint")
    if graph.store is None:
        raise ParameterError("push reads a local graph (bundled data, --load or --store), not an endpoint")
    if chunk_size < 1:
        raise ParameterError("the chunk size must be at least one triple")
    graph.entail()  # the server gets the entailments too: it may do no reasoning
    names = _graph_names(graph)
    plan = {target: names} if target else {name: [name] for name in names}
    report = PushReport(method="graph store" if endpoint is not None else "update")
    auth = credentials(endpoint or update_endpoint or "")
    with (
        httpx.Client(timeout=timeout, follow_redirects=True, auth=auth) as client,
        tempfile.TemporaryDirectory() as tmp,
    ):
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
                report.requests += 1
                continue
            report.method = "update"
            updater = _Updater(client, update_endpoint or "", timeout)
            updater.replace_graph(destination, path.read_text(encoding="utf-8").splitlines(), chunk_size)
            report.requests += updater.requests
    return report


def _graph_names(graph: Graph) -> list[str]:
    if graph.graphs is not None:
        wanted = set(graph.graphs)
        return [g for g in graph.graphs if graph.store.contains_named_graph(ox.NamedNode(g)) and g in wanted]
    return sorted(g.value for g in graph.store.named_graphs() if isinstance(g, ox.NamedNode))


def _put_graph(
    client: httpx.Client, endpoint: str, iri: str, path: Path, timeout: float, fallback: bool
) -> bool:
    """PUT one graph; False if the server has no Graph Store endpoint there and `fallback`.
    The body is sent from memory, so that it can be sent again after an authentication challenge."""
    response = _send(
        client,
        "PUT",
        endpoint,
        timeout,
        params={"graph": iri},
        content=path.read_bytes(),
        headers={"Content-Type": "application/n-triples"},
    )
    if fallback and response.status_code in (404, 405, 415, 501):
        return False
    _check(response, endpoint)
    return True


# Statuses that say nothing about a request's size: sending it in smaller parts would not help.
_NOT_RETRIED = {401, 403, 404, 405, 407, 415, 501}


class _Updater:
    """SPARQL Update requests to one endpoint, counted."""

    def __init__(self, client: httpx.Client, endpoint: str, timeout: float):
        self.client, self.endpoint, self.timeout = client, endpoint, timeout
        self.requests = 0

    def send(self, update: str) -> httpx.Response:
        self.requests += 1
        return _send(
            self.client,
            "POST",
            self.endpoint,
            self.timeout,
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )

    def run(self, update: str) -> None:
        _check(self.send(update), self.endpoint)

    def replace_graph(self, iri: str, lines: list[str], chunk_size: int) -> None:
        """INSERT DATA into a temporary graph, then MOVE it onto `iri` (which the server first
        empties) in one request; on failure the temporary graph is dropped and `iri` untouched."""
        temporary = f"{iri}#kzgraph-push-{uuid.uuid4().hex}"
        try:
            self.run(f"DROP SILENT GRAPH <{temporary}>")
            for chunk in _chunks(lines, chunk_size):
                self._insert(temporary, chunk)
            response = self.send(f"MOVE SILENT GRAPH <{temporary}> TO GRAPH <{iri}>")
            if response.status_code >= 400 and "SR325" in response.text:
                raise EndpointError(
                    f"{self.endpoint}: Virtuoso refused to replace <{iri}> in one transaction (its "
                    "TransactionAfterImageLimit in virtuoso.ini [Parameters]); the graph there is "
                    "unchanged. Push through its Graph Store endpoint (/sparql-graph-crud-auth) or "
                    "raise that limit."
                )
            _check(response, self.endpoint)
        except BaseException:
            with contextlib.suppress(EndpointError):  # the first error is the one to report
                self.send(f"DROP SILENT GRAPH <{temporary}>")
            raise

    def _insert(self, graph: str, groups: list[list[str]]) -> None:
        """INSERT DATA one chunk (lines in groups that share blank nodes); if the server refuses
        it, the two halves, and so on down to one group."""
        lines = "\n".join(line for group in groups for line in group)
        response = self.send(f"INSERT DATA {{ GRAPH <{graph}> {{\n{lines}\n}} }}")
        if response.status_code < 400:
            return
        if len(groups) == 1 or response.status_code in _NOT_RETRIED:
            _check(response, self.endpoint)
        half = len(groups) // 2
        self._insert(graph, groups[:half])
        self._insert(graph, groups[half:])


_BLANK = re.compile(r"(?:^|\s)(_:\S+)")


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[list[str]]]:
    """N-Triples lines in chunks of about `size`, each a list of groups: lines sharing a blank
    node (directly or through others) form one group, since a blank node label means one node
    only within one request."""
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
    chunk: list[list[str]] = []
    lines_in_chunk = 0
    for group in [[line] for line in plain] + list(groups.values()):
        if chunk and lines_in_chunk + len(group) > size:
            yield chunk
            chunk, lines_in_chunk = [], 0
        chunk.append(group)
        lines_in_chunk += len(group)
    if chunk:
        yield chunk


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


# Derive


@dataclass
class DeriveReport:
    """Where the derived triples went, how many the server gained, and the rounds it took."""

    graph: str
    added: int
    rounds: int


SERVER_DERIVED_GRAPH = DERIVED_PREFIX + "server"


def derive(
    update_endpoint: str,
    query_endpoint: str | None = None,
    *,
    graph: str | None = None,
    entailments: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_rounds: int = 10,
) -> DeriveReport:
    """Run the load-time rules (ontology/rules/*.rq; with `entailments` also
    ontology/rules/entailment/*.rq) on the server as SPARQL Update, in order, until a round adds
    nothing: what `kzgraph.load()` derives, for data a server's own bulk loader loaded.

    With `graph`, the rules read that graph and write into it; without, they read the default
    graph and write into .../graph/derived/server. INSERT adds only what is missing, so running it
    again adds nothing. `query_endpoint` (default: `update_endpoint`) counts the triples."""
    rules = load_rules(RULES_DIR) + (load_rules(ENTAILMENT_RULES_DIR) if entailments else [])
    into = graph or SERVER_DERIVED_GRAPH
    counter = RemoteGraph(query_endpoint or update_endpoint, timeout=timeout, graphs=[into])
    with httpx.Client(timeout=timeout, follow_redirects=True, auth=credentials(update_endpoint)) as client:
        updater = _Updater(client, update_endpoint, timeout)
        before = count = len(counter)
        rounds = 0
        while rounds < max_rounds:
            rounds += 1
            for rule in rules:
                response = updater.send(with_prefixes(_rule_update(rule, into, graph)))
                if response.status_code >= 400:
                    refused = _snippet(response)
                    raise EndpointError(f"rule {rule.name}: {update_endpoint} refused it: {refused}")
            previous, count = count, len(counter)
            if count == previous:
                break
    return DeriveReport(into, count - before, rounds)


def _rule_update(rule: Rule, into: str, graph: str | None) -> str:
    """The rule as an INSERT into `into`, its pattern matched in `graph` (a GRAPH group: Oxigraph
    refuses USING when its default graph is the union) or in the default graph."""
    if graph is None:
        return rule.insert(into, [])
    head = f"{rule.prologue}INSERT {{ GRAPH <{into}> {{{rule.template}}} }}"
    return f"{head}\nWHERE {{ GRAPH <{graph}> {rule.pattern} }}"


# HTTP


def credentials(url: str) -> httpx.Auth | None:
    """The HTTP credentials for `url`: KZGRAPH_USER and KZGRAPH_PASSWORD, else the netrc entry
    for its host ($NETRC or ~/.netrc), else none. Sent only when the server asks (digest or basic)."""
    user, password = os.environ.get("KZGRAPH_USER"), os.environ.get("KZGRAPH_PASSWORD")
    if user is None or password is None:
        host = urlsplit(url).hostname or ""
        try:
            entry = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
        except (OSError, netrc.NetrcParseError):
            entry = None
        if entry is None:
            return None
        user, _, password = entry
    return _ChallengeAuth(user, password or "")


class _ChallengeAuth(httpx.Auth):
    """Answer an HTTP 401 challenge with digest or basic authentication, whichever it asks for."""

    requires_response_body = False

    def __init__(self, user: str, password: str):
        self.digest, self.basic = httpx.DigestAuth(user, password), httpx.BasicAuth(user, password)

    def auth_flow(self, request: httpx.Request):
        response = yield request
        if response.status_code != 401:
            return
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if scheme == "digest":
            flow = self.digest.auth_flow(request)
            next(flow)  # the first, unauthenticated request: already sent
            try:
                yield flow.send(response)
            except StopIteration:
                return
        elif scheme == "basic":
            yield next(self.basic.auth_flow(request))


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
