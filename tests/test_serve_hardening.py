"""kzgraph serve against hostile clients (issue 13): idle and slow sockets, oversized request
lines, script from loaded data, unbounded answers, clients that never read, floods of slow
queries. Loopback only; every count and time is bounded."""

from __future__ import annotations

import contextlib
import re
import select
import socket
import statistics
import threading
import time

import httpx
import pytest
from markupsafe import escape
from serving import HOSTILE_LINKS, hostile_graph, running_server

from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

SETTINGS = ServeSettings(timeout=2.0, max_rows=1000, workers=2, memory_mb=1024, header_timeout=2.0)
CHEAP = "/queries/parties.json"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


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
        assert links and all(link.startswith(("/", "http://", "https://")) for link in links), links
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
