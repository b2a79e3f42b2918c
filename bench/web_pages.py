"""Benchmark for issue 15: response times of the reader pages of `kzgraph serve`.

The server runs in-process on 127.0.0.1 (a free port) with its query workers; one client asks
for each page REQUESTS times in a row (bounded in count and in seconds) after a first, cold
request, and reports the cold time and p50/p99 of the warm ones, and each p50 as a ratio to the
baseline: the generic statement page of a resource without a reader page (what every page
was before). Pages: a party page, an election page, a stored-query page and the home page.
Beside them, in-process and without a server, what a party page's data costs a worker
uncached (the stored queries and the lineage read afresh), and the same queries on raw
pyoxigraph.

Two graphs: the bundled data, and the bundled data plus bench/gen_synthetic.py's
2,000-organisation lineage (its IRIs moved under /id/synthetic/ so that its pages resolve).

    python bench/web_pages.py [--requests 200] [--seconds 60]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_synthetic import SYN, triples

import kzgraph
from kzgraph.graph.namespaces import ID
from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

SYNTHETIC_TRIPLES = 60_200  # about 2,000 organisations (see bench/viz_render.py)
HTML = {"accept": "text/html"}
BASELINE = "baseline: generic statement page (a result)"
PAGES = {
    "party (Otan)": "/id/party/otan-1999",
    "election (Majilis 2004)": "/id/election/majilis-2004",
    "stored query (predecessors of Nur Otan)": "/queries/predecessors?party=Nur+Otan",
    "home": "/",
    BASELINE: "/id/result/majilis-2004-otan",
}


def serve(app):
    """Start uvicorn on a free loopback port in a thread; return (base URL, server, thread)."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and without
    # it each answer written in two parts waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread


def measure(client: httpx.Client, path: str, requests: int, seconds: float) -> dict:
    start = time.perf_counter()
    response = client.get(path, headers=HTML)
    cold = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
    times = []
    deadline = time.monotonic() + seconds
    while len(times) < requests and time.monotonic() < deadline:
        start = time.perf_counter()
        client.get(path, headers=HTML).raise_for_status()
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "cold": cold * 1000,
        "p50": statistics.median(times) * 1000,
        "p99": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))] * 1000,
        "n": len(times),
        "bytes": len(response.content),
    }


def uncached_party_data(graph, iri: str, repeat: int = 5) -> tuple[float, float]:
    """Median ms of a party page's data made afresh in-process, and of its stored queries on
    raw pyoxigraph (the same SPARQL, VALUES-bound, no Python objects)."""
    import pyoxigraph as ox

    from kzgraph.graph.namespaces import PREFIXES
    from kzgraph.graph.sparql_text import bind_values
    from kzgraph.web import pagedata

    times = []
    for _ in range(repeat):
        pagedata._lineages.clear()
        start = time.perf_counter()
        pagedata.PageDataJob("resource", (iri,)).run(graph)
        times.append(time.perf_counter() - start)
    node = ox.NamedNode(iri)
    whole = ("organisations", "organisation-results", "lineage-edges")
    texts = [graph.catalog.get(name).sparql for name in whole]
    texts += [
        bind_values(graph.catalog.get(name).sparql, {ox.Variable(variable): node})
        for name, variable in (
            ("resource-summary", "resource"),
            ("resource-links", "resource"),
            ("organisation-facts", "party"),
            ("identifiers", "party"),
        )
    ]
    raw = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            list(graph.store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES))
        raw.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, statistics.median(raw) * 1000


def run(graph, label: str, pages: dict[str, str], requests: int, seconds: float) -> None:
    url, server, thread = serve(make_app(graph, ServeSettings(timeout=120.0, workers=2)))
    try:
        with httpx.Client(base_url=url, timeout=180) as client:
            print(f"\n{label}: {len(graph)} quads")
            found = {name: measure(client, path, requests, seconds) for name, path in pages.items()}
    finally:
        server.should_exit = True
        thread.join(30)
    baseline = found[BASELINE]["p50"]
    print("| page | cold | p50 | p99 | ratio (p50) | requests | size |")
    print("|---|---|---|---|---|---|---|")
    for name, m in found.items():
        print(
            f"| {name} | {m['cold']:.0f} ms | {m['p50']:.1f} ms | {m['p99']:.1f} ms"
            f" | {m['p50'] / baseline:.2f} | {m['n']} | {m['bytes'] / 1024:.0f} KB |"
        )
    ours, raw = uncached_party_data(graph, ID + "party/otan-1999")
    print(f"| party page data, uncached, in-process (Otan) | | {ours:.0f} ms | | | 5 | |")
    print(f"| the same stored queries on raw pyoxigraph | | {raw:.0f} ms | | {raw / ours:.2f} of it | 5 | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    run(kzgraph.load(), "Bundled data", PAGES, args.requests, args.seconds)

    work = Path(tempfile.mkdtemp(prefix="kzgraph-web-bench-"))
    data = work / "synthetic.nt"
    text = "\n".join(triples(SYNTHETIC_TRIPLES)) + "\n"
    data.write_text(text.replace(SYN, ID + "synthetic/"), encoding="utf-8")
    graph = kzgraph.load([data])
    synthetic_party = graph.query(
        f'SELECT ?p WHERE {{ ?p a kz:PoliticalParty FILTER STRSTARTS(STR(?p), "{ID}synthetic/") }}'
        " ORDER BY ?p LIMIT 1",
    ).column("p")
    pages = dict(PAGES)
    if synthetic_party:
        pages["party (a synthetic one)"] = "/id/" + synthetic_party[0].removeprefix(ID)
    run(graph, "Bundled data + 2,000 synthetic organisations", pages, args.requests, args.seconds)


if __name__ == "__main__":
    main()
