"""Real servers for tests, on free loopback ports: `kzgraph serve`'s app on uvicorn in a thread,
the Oxigraph server (`oxigraph serve`) and Virtuoso (`virtuoso-t`, Debian's
virtuoso-opensource) in a process of their own.

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn


@contextmanager
def running_server(app, start_seconds: float = 60.0) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a port the OS picks) until the block ends; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_keep_alive=5))
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
    process = subprocess.Popen(
        [*command, *(["--union-default-graph"] if union_default_graph else [])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
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
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_seconds}
"""


@contextmanager
def running_virtuoso(
    location: Path, start_seconds: float = 60.0, buffers: int = 10000, query_seconds: int = 60
) -> Iterator[str]:
    """Virtuoso 7 (`virtuoso-t`) with a new database in `location` and its own virtuoso.ini, SQL
    and HTTP on free loopback ports, until the block ends; yield its base URL (/sparql queries,
    /sparql-graph-crud-auth and /sparql-auth take the administrator dba:dba by HTTP digest).
    Fails if it is not installed (Debian: apt-get install virtuoso-opensource)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail("Virtuoso is not installed: apt-get install -y virtuoso-opensource")
    location.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = location / "virtuoso.ini"
    settings = {"dir": location, "sql_port": free_port(), "http_port": http_port, "buffers": buffers}
    ini.write_text(
        textwrap.dedent(_VIRTUOSO_INI).format(**settings, dirty=buffers * 3 // 4, query_seconds=query_seconds)
    )
    url = f"http://127.0.0.1:{http_port}"
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=location,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + start_seconds
    while True:
        try:
            if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = location / "virtuoso.log"
            pytest.fail(f"Virtuoso did not start: {log.read_text()[-2000:] if log.exists() else ''}")
        time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
