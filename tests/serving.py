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
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
