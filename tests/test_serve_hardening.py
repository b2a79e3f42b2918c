"""kzgraph serve against hostile clients (issue 13): idle and slow sockets, oversized request
lines, script from loaded data, unbounded answers, clients that never read, floods of slow
queries. Loopback only; every count and time is bounded."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import select
import socket
import statistics
import threading
import time
from unittest.mock import patch
from urllib.parse import urlencode

import httpx
import pytest
from markupsafe import escape
from serving import HOSTILE_INCOMING, HOSTILE_LINKS, SLOW, hostile_graph, running_server

from kzgraph.cli import cli
from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

SETTINGS = ServeSettings(
    timeout=2.0,
    max_rows=1000,
    max_bytes=1_000_000,
    workers=2,
    memory_mb=1024,
    header_timeout=2.0,
    page_size=500,
)
CHEAP = "/queries/parties.json"


@pytest.fixture(scope="module")
def base_url(graph):
    with running_server(make_app(graph, SETTINGS)) as url:
        yield url


def address(base_url: str) -> tuple[str, int]:
    host, port = base_url.removeprefix("http://").split(":")
    return host, int(port)


def cheap_latencies(base_url: str, seconds: float) -> list[tuple[int, float]]:
    """A normal client asking a cheap stored query in turn for `seconds`: (status, latency)."""
    measured = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base_url, timeout=10) as http:
        while time.monotonic() < deadline:
            started = time.monotonic()
            status = http.get(CHEAP).status_code
            measured.append((status, time.monotonic() - started))
            time.sleep(0.05)
    return measured


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else latencies[0]


def test_idle_and_slow_header_sockets_do_not_starve_other_clients(base_url):
    """300 sockets that send nothing and 100 that send a header line a second, held for 8 s
    (reopened when the server closes them), while a normal client asks a cheap query."""
    target = address(base_url)
    idle = [socket.create_connection(target, timeout=5) for _ in range(300)]
    slow = [socket.create_connection(target, timeout=5) for _ in range(100)]
    stop = threading.Event()

    def drip() -> None:
        line = 0
        while not stop.wait(1.0):
            line += 1
            for i, sock in enumerate(slow):
                try:
                    sock.sendall(b"GET / HTTP/1.1\r\n" if line == 1 else b"X-Slow-%d: 1\r\n" % line)
                except OSError:  # closed by the server: come back, as an attacker would
                    sock.close()
                    with contextlib.suppress(OSError):
                        slow[i] = socket.create_connection(target, timeout=5)

    dripper = threading.Thread(target=drip)
    dripper.start()
    try:
        measured = cheap_latencies(base_url, 8.0)
        # The server has closed the idle sockets after the head deadline (2 s here).
        readable, _, _ = select.select(idle, [], [], 1.0)
        closed = [sock for sock in readable if sock.recv(1) == b""]
    finally:
        stop.set()
        dripper.join(10)
        for sock in idle + slow:
            sock.close()
    statuses = {status for status, _ in measured}
    assert statuses == {200}, statuses
    assert len(measured) > 20
    assert p99([seconds for _, seconds in measured]) < 1.0
    assert len(closed) == len(idle)


def test_a_slow_header_connection_is_closed_at_the_deadline(base_url):
    """A header line every half second used to reset uvicorn's clock for ever."""
    closed_after = None
    with socket.create_connection(address(base_url), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /queries HTTP/1.1\r\n")
        for _ in range(16):
            readable, _, _ = select.select([sock], [], [], 0.5)
            try:
                if readable and sock.recv(1) == b"":
                    closed_after = time.monotonic() - started
                    break
                sock.sendall(b"X-Slow: 1\r\n")
            except OSError:
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None, "the connection was still open after 8 s"
    assert SETTINGS.header_timeout - 0.5 < closed_after < SETTINGS.header_timeout + 1.5


def test_a_200_kb_request_line_is_answered_414(base_url):
    with socket.create_connection(address(base_url), timeout=5) as sock:
        sock.sendall(b"GET /sparql?query=" + b"A" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 414 ")
    assert b"POST long queries" in reply


def test_oversized_headers_are_answered_431(base_url):
    with socket.create_connection(address(base_url), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"B" * 40_000 + b"\r\n\r\n")
        reply = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 431 ")


# -- script from loaded data, security headers -------------------------------------------------


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    graph = hostile_graph(tmp_path_factory.mktemp("hostile"))
    with running_server(make_app(graph, SETTINGS)) as url:
        yield url


def test_script_iris_from_the_data_are_text_not_links(hostile_url):
    for path in ("/id/party/hostile", "/queries/links"):
        page = httpx.get(hostile_url + path, headers={"accept": "text/html"})
        assert page.status_code == 200, path
        links = re.findall(r'href="([^"]*)"', page.text)
        assert links and all(link.startswith(("/", "?", "http://", "https://")) for link in links), links
        for iri in HOSTILE_LINKS:
            assert str(escape(iri)) in page.text, (path, iri)  # shown, as text


def test_the_ontology_page_is_sanitised(hostile_url):
    page = httpx.get(hostile_url + "/ontology", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Hostile" in page.text  # the class is documented
    lowered = page.text.lower()
    assert "<script" not in lowered and "onerror" not in lowered and "window.pwned" not in lowered
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"]).group(1)
    assert re.findall(r"<style nonce=\"([^\"]+)\">", page.text) == [nonce]
    assert "#pylode" in page.text  # pyLODE's stylesheet came along


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/queries",
        "/queries/parties",
        "/queries/parties.csv",
        "/id/party/otan-1999",
        "/ontology",
        "/sparql?query=ASK%7B%7D",
        "/static/site.css",
        "/nowhere",
        "/.well-known/void",
    ],
)
def test_every_response_carries_the_security_headers(base_url, path):
    response = httpx.get(base_url + path)
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_each_response_gets_its_own_nonce(base_url):
    nonces = {httpx.get(base_url + "/").headers["content-security-policy"] for _ in range(3)}
    assert len(nonces) == 3


def test_json_errors_are_never_read_as_html(base_url):
    response = httpx.get(base_url + "/nowhere<script>alert(1)</script>")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "<" not in response.text and ">" not in response.text
    assert "<script>" in response.json()["message"]  # the same message, escaped in JSON


# -- unbounded answers, clients that never read, slow queries that fill the workers -----------

# ~50 rows of ~150 kB each: 7 MB in one answer, under the row cap.
WIDE = (
    "SELECT ?k ?text WHERE { { SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { ?s ?p ?o } } "
    "VALUES ?k { " + " ".join(str(k) for k in range(50)) + " } BIND (CONCAT(STR(?k), ?all) AS ?text) }"
)


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kib / 1024


@pytest.mark.parametrize(
    "accept", ["text/csv", "application/sparql-results+json", "application/sparql-results+xml"]
)
def test_an_answer_is_cut_at_the_byte_cap_between_rows(base_url, accept):
    response = httpx.get(base_url + "/sparql", params={"query": WIDE}, headers={"accept": accept}, timeout=30)
    assert response.status_code == 200
    assert len(response.content) <= SETTINGS.max_bytes
    assert response.headers["kzgraph-truncated"] == f"max-bytes={SETTINGS.max_bytes}"
    if accept == "text/csv":
        csv.field_size_limit(SETTINGS.max_bytes)
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["k", "text"] and 1 <= len(rows) - 1 < 50
        assert all(row[1].startswith(row[0]) for row in rows[1:])  # whole rows only
    elif "json" in accept:
        assert 1 <= len(response.json()["results"]["bindings"]) < 50  # a valid document
    else:
        assert response.text.rstrip().endswith("</sparql>")


def test_a_single_row_over_the_cap_leaves_the_header_only(base_url):
    one = "SELECT (GROUP_CONCAT(?text) AS ?all) WHERE { " + WIDE.removeprefix("SELECT ?k ?text WHERE ") + " }"
    response = httpx.get(base_url + "/sparql", params={"query": one}, headers={"accept": "text/csv"})
    assert response.status_code == 200 and response.text.strip() == "all"
    assert response.headers["kzgraph-truncated"] == f"max-bytes={SETTINGS.max_bytes}"


def test_stored_query_downloads_and_resource_rdf_have_the_cap_too(hostile_url):
    response = httpx.get(hostile_url + "/id/party/hostile", params={"format": "nt"})
    assert response.status_code == 200
    assert response.headers["kzgraph-truncated"] == f"max-rows={SETTINGS.max_rows}"
    assert len(response.text.splitlines()) == SETTINGS.max_rows


def test_clients_that_never_read_do_not_grow_the_server(base_url):
    """12 clients ask for a 7 MB answer and read none of it: the server holds at most a
    capped answer for each (it used to hold every answer whole, twice)."""
    target = address(base_url)
    request = (
        b"GET /sparql?" + urlencode({"query": WIDE}).encode() + b" HTTP/1.1\r\n"
        b"Host: x\r\nAccept: text/csv\r\n\r\n"
    )
    before = rss_mib()
    sockets = []
    try:
        for _ in range(12):
            sock = socket.create_connection(target, timeout=5)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(request)
            sockets.append(sock)
        time.sleep(6)  # every answer has been made and is waiting to be sent
        grown = rss_mib() - before
    finally:
        for sock in sockets:
            sock.close()
    assert grown < 12 * SETTINGS.max_bytes / 2**20 + 25, f"{grown:.0f} MiB"


def test_slow_queries_filling_the_workers_do_not_hold_up_stored_queries(base_url, graph):
    """8 clients send queries that run into the time limit, over and over, for 6 s; meanwhile a
    stored query's page still shows its IRIs by their labels (read on the page lane too)."""
    stop = threading.Event()
    outcomes = []

    def flood() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            while not stop.is_set():
                outcomes.append(http.get("/sparql", params={"query": SLOW}).status_code)

    threads = [threading.Thread(target=flood) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        measured = cheap_latencies(base_url, 6.0)
        started = time.monotonic()
        page = httpx.get(f"{base_url}/queries/parties", headers={"accept": "text/html"}, timeout=30)
        page_seconds = time.monotonic() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert {status for status, _ in measured} == {200}
    assert p99([seconds for _, seconds in measured]) < 1.0
    assert page.status_code == 200 and page_seconds < 1.0
    party = graph.run("parties").dicts()[0]
    assert f'title="{party["party"]}">{escape(party["label"])}</a>' in page.text
    assert outcomes and set(outcomes) == {503}  # the flood was stopped by the time limit


def test_resource_pages_list_a_page_at_a_time(hostile_url):
    first = httpx.get(hostile_url + "/id/party/hostile", headers={"accept": "text/html"})
    assert first.status_code == 200
    listed = first.text.count('href="/id/spam/')
    assert listed == SETTINGS.page_size
    pages = -(-HOSTILE_INCOMING // SETTINGS.page_size)
    assert f"Page 1 of {pages}" in first.text and 'href="?page=2" rel="next"' in first.text
    last = httpx.get(
        hostile_url + "/id/party/hostile", params={"page": pages}, headers={"accept": "text/html"}
    )
    assert last.text.count('href="/id/spam/') == HOSTILE_INCOMING - (pages - 1) * SETTINGS.page_size
    assert 'rel="next"' not in last.text and 'rel="prev"' in last.text
    for wrong in ("0", "x", "-1"):
        response = httpx.get(
            hostile_url + "/id/party/hostile", params={"page": wrong}, headers={"accept": "text/html"}
        )
        assert response.status_code == 400


# -- small things --------------------------------------------------------------------------------


@pytest.mark.parametrize("request_args", [{"params": {"query": ""}}, {"params": {"query": "  \n"}}])
def test_an_empty_query_is_400_no_query(base_url, request_args):
    response = httpx.get(base_url + "/sparql", **request_args)
    assert response.status_code == 400
    assert response.json()["message"].startswith("No query")


def test_an_empty_posted_query_is_400_no_query(base_url):
    response = httpx.post(
        base_url + "/sparql", content=b"", headers={"content-type": "application/sparql-query"}
    )
    assert response.status_code == 400 and response.json()["message"].startswith("No query")


@pytest.mark.parametrize("path", ["/id/%00", "/id/party/x%3Cscript%3E", "/id/party/a%20b", "/id/%7Bx%7D"])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_impossible_iris_are_404(base_url, path, accept):
    response = httpx.get(base_url + path, headers={"accept": accept})
    assert response.status_code == 404
    assert "<script>" not in response.text


def test_the_host_header_is_not_reflected_in_the_description(base_url):
    response = httpx.get(
        base_url + "/.well-known/void", headers={"host": "evil.example", "accept": "text/turtle"}
    )
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert base_url + "/sparql" in response.text  # the address it listens on


def test_the_description_uses_the_configured_base_url(graph):
    settings = ServeSettings(workers=1, page_workers=0, base_url="https://kzgraph.example.org/")
    with running_server(make_app(graph, settings)) as url:
        response = httpx.get(
            url + "/.well-known/void", headers={"accept": "text/turtle", "host": "evil.example"}
        )
    assert "<https://kzgraph.example.org/sparql>" in response.text
    assert "evil.example" not in response.text and url not in response.text


def test_cli_serve_passes_the_hardening_options(runner):
    with patch("kzgraph.web.server.uvicorn.run") as run:
        result = runner.invoke(
            cli,
            [
                "serve",
                "--port",
                "8124",
                "--max-bytes",
                "1000",
                "--page-workers",
                "2",
                "--header-timeout",
                "3",
                "--base-url",
                "https://kz.example.org",
            ],
        )
    assert result.exit_code == 0, result.output
    (app,), options = run.call_args
    settings = app.state.web.settings
    assert (settings.max_bytes, settings.page_workers, settings.header_timeout) == (1000, 2, 3.0)
    assert settings.base_url == "https://kz.example.org"
    assert options["http"].keywords == {"header_timeout": 3.0}
    with patch("kzgraph.web.server.uvicorn.run") as run:
        assert runner.invoke(cli, ["serve", "--port", "8125"]).exit_code == 0
    assert run.call_args.args[0].state.web.settings.base_url == "http://127.0.0.1:8125"
    assert "limit_concurrency" not in run.call_args.kwargs


def test_cli_serve_refuses_a_base_url_that_is_not_http(runner):
    with patch("kzgraph.web.server.uvicorn.run") as run:
        result = runner.invoke(cli, ["serve", "--base-url", "javascript:alert(1)"])
    assert result.exit_code == 2 and "--base-url" in result.output
    run.assert_not_called()


def test_a_trickled_body_is_answered_408_at_the_deadline(base_url):
    with socket.create_connection(address(base_url), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK"
        )
        reply = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                reply += chunk
        elapsed = time.monotonic() - started
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert SETTINGS.header_timeout - 0.5 < elapsed < SETTINGS.header_timeout + 2
