"""Real servers for tests, on free loopback ports: `kzgraph serve`'s app on uvicorn in a thread
(with the options `kzgraph serve` gives it), the Oxigraph server (`oxigraph serve`) and Virtuoso
(`virtuoso-t`, Debian's virtuoso-opensource) in a process of their own.

with running_server(make_app(graph)) as base_url:
    httpx.get(base_url + "/sparql", params={"query": "ASK {}"})
with running_oxigraph(tmp_path) as base_url:
    httpx.get(base_url + "/query", params={"query": "ASK {}"})
with running_virtuoso(tmp_path) as base_url:
    httpx.get(base_url + "/sparql", params={"query": "ASK {}"})
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from kzgraph.web.server import server_options

# Every four triples of the graph counted: no time limit a test server has lets it finish.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@contextmanager
def running_server(app, start_seconds: float = 60.0) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a port the OS picks) until the block ends; yield its base URL.
    kzgraph's app is served with the options `kzgraph serve` gives it, any other with the defaults."""
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it every keep-alive answer waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    web = getattr(app.state, "web", None)
    options = server_options(web.settings) if web is not None else {}
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_seconds
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_process(
    command: list[str],
    ready: httpx.URL | str,
    failure: Callable[[subprocess.Popen], str],
    start_seconds: float,
    stop_seconds: float = 10.0,
    **popen,
) -> Iterator[subprocess.Popen]:
    """Run a server `command` (`popen`: subprocess.Popen's arguments) until the block ends, from
    the moment a GET of `ready` answers 200. If it exits first, or has not answered within
    `start_seconds`, it is killed and the test fails with `failure(process)`. At the end it is
    asked to stop, and killed if it has not within `stop_seconds`."""
    process = subprocess.Popen(command, **popen)
    deadline = time.monotonic() + start_seconds
    while True:
        try:
            if httpx.get(ready, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(failure(process))
        time.sleep(0.1)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_oxigraph(
    location: Path, start_seconds: float = 30.0, union_default_graph: bool = True
) -> Iterator[str]:
    """`oxigraph serve` on a store at `location`, its default graph the union of the named
    graphs (unless not `union_default_graph`), on 127.0.0.1 until the block ends; yield its base
    URL. Fails if it is not installed."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server is not installed: pip install -e '.[test]'")
    url = f"http://127.0.0.1:{free_port()}"
    command = [binary, "serve", "--location", str(location), "--bind", url.removeprefix("http://")]
    with running_process(
        [*command, *(["--union-default-graph"] if union_default_graph else [])],
        httpx.URL(f"{url}/query", params={"query": "ASK {}"}),
        lambda process: f"oxigraph serve did not start: {process.stderr.read().decode()}",
        start_seconds,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ):
        yield url


VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"  # a fresh database's administrator
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CheckpointInterval = 0
DirsAllowed = .
TransactionAfterImageLimit = {after_image_limit}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_seconds}
"""


@contextmanager
def running_virtuoso(
    location: Path,
    start_seconds: float = 60.0,
    buffers: int = 10000,
    query_seconds: int = 60,
    after_image_limit: int = 50_000_000,
) -> Iterator[str]:
    """Virtuoso 7 (`virtuoso-t`) with a new database in `location` and its own virtuoso.ini, SQL
    and HTTP on free loopback ports, until the block ends; yield its base URL (/sparql queries,
    /sparql-graph-crud-auth and /sparql-auth take the administrator dba:dba by HTTP digest).
    `after_image_limit` is the bytes one transaction may change (Virtuoso's default, 50 MB).
    Fails if it is not installed (Debian: apt-get install virtuoso-opensource)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail("Virtuoso is not installed: apt-get install -y virtuoso-opensource")
    location.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = location / "virtuoso.ini"
    settings = {"dir": location, "sql_port": free_port(), "http_port": http_port, "buffers": buffers}
    settings["after_image_limit"] = after_image_limit
    ini.write_text(
        textwrap.dedent(_VIRTUOSO_INI).format(**settings, dirty=buffers * 3 // 4, query_seconds=query_seconds)
    )
    url = f"http://127.0.0.1:{http_port}"
    log = location / "virtuoso.log"
    with running_process(
        [binary, "+foreground", "+configfile", str(ini)],
        httpx.URL(f"{url}/sparql", params={"query": "ASK {}"}),
        lambda _: f"Virtuoso did not start: {log.read_text()[-2000:] if log.exists() else ''}",
        start_seconds,
        stop_seconds=30,
        cwd=location,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ):
        yield url


HOSTILE_LINKS = (
    "javascript:alert(document.domain)",
    "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
    "vbscript:msgbox",
)
HOSTILE_INCOMING = 3000
HOSTILE_COMMENT = '<script>window.pwned = 1; alert(1)</script><img src="x" onerror="window.pwned = 2">'


def hostile_graph(directory: Path):
    """The bundled graph plus what a hostile file could add: a party whose links are
    javascript:, data: and vbscript: IRIs and which HOSTILE_INCOMING resources point at, an
    ontology class with a script in its rdfs:comment,
    and a stored query (`links`) that lists the links. Built in `directory`."""
    import shutil as _shutil

    import kzgraph
    from kzgraph.graph.catalog import Catalog
    from kzgraph.graph.namespaces import ONTOLOGY_GRAPH
    from kzgraph.resources import QUERIES_DIR

    links = " , ".join(f"<{iri}>" for iri in HOSTILE_LINKS)
    data = directory / "hostile.ttl"
    spam = "".join(
        f"<https://w3id.org/kzgraph/id/spam/{i}> rdfs:seeAlso <https://w3id.org/kzgraph/id/party/hostile> .\n"
        for i in range(HOSTILE_INCOMING)
    )
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://w3id.org/kzgraph/id/party/hostile> rdfs:label "Hostile" ; rdfs:seeAlso {links} .\n' + spam,
        encoding="utf-8",
    )
    ontology = directory / "hostile-ontology.ttl"
    comment = HOSTILE_COMMENT.replace('"', '\\"')
    ontology.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/kzgraph/ontology#Hostile> a owl:Class ;\n"
        f'  rdfs:label "Hostile" ; rdfs:comment "{comment}" .\n',
        encoding="utf-8",
    )
    queries = directory / "queries"
    _shutil.copytree(QUERIES_DIR, queries)
    (queries / "links.rq").write_text(
        "#+ title: Links of the hostile party\n"
        "SELECT ?link WHERE { <https://w3id.org/kzgraph/id/party/hostile> rdfs:seeAlso ?link }\n"
        "ORDER BY ?link\n",
        encoding="utf-8",
    )
    graph = kzgraph.load([data, (ontology, ONTOLOGY_GRAPH)])
    graph.catalog = Catalog(queries)
    return graph
