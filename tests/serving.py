"""Real servers for tests, on free loopback ports: `kzgraph serve`'s app on uvicorn in a thread
(with the options `kzgraph serve` gives it),
and the Oxigraph server (`oxigraph serve`) in a process.

with running_server(make_app(graph)) as base_url:
    httpx.get(base_url + "/sparql", params={"query": "ASK {}"})
with running_oxigraph(tmp_path) as base_url:
    httpx.get(base_url + "/query", params={"query": "ASK {}"})
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from kzgraph.web.server import server_options


@contextmanager
def running_server(app, start_seconds: float = 60.0) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a port the OS picks) until the block ends; yield its base URL."""
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it every keep-alive answer waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options = server_options(app.state.web.settings)
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
def running_oxigraph(location: Path, start_seconds: float = 30.0) -> Iterator[str]:
    """`oxigraph serve` on a store at `location`, its default graph the union of the named
    graphs, on 127.0.0.1 until the block ends; yield its base URL. Fails if it is not installed."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server is not installed: pip install -e '.[test]'")
    url = f"http://127.0.0.1:{free_port()}"
    command = [binary, "serve", "--location", str(location), "--bind", url.removeprefix("http://")]
    process = subprocess.Popen(
        [*command, "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + start_seconds
    while True:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"oxigraph serve did not start: {process.stderr.read().decode()}")
        time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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
