"""Servers benchmark (issue 14): push, derive and stored-query latency on Oxigraph server and
Virtuoso 7, beside the embedded store, for one synthetic graph, in one run.

    python bench/servers.py                      # 1M synthetic triples
    python bench/servers.py --size 100000 --repeat 3
    python bench/servers.py --servers virtuoso   # one server only

Steps, on the bundled data plus bench/gen_synthetic.py's graph of --size triples:
  embedded   kzgraph.load([file]) and Graph.entail() (what push sends), then the queries
  push       to a fresh server: Graph Store Protocol (one PUT per graph), then SPARQL Update
             (INSERT DATA chunks into a temporary graph, MOVE onto the graph) replacing it
  queries    predecessors, mergers, election-results through --endpoint (RemoteGraph), median
  load raw   the same files POSTed into one graph with the server's Graph Store endpoint, as a
             bulk loader leaves them (no derived links), then `derive --graph` on them
Each server runs on loopback with a store of its own (tests/serving.py) and is stopped afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from serving import VIRTUOSO_PASSWORD, VIRTUOSO_USER, running_oxigraph, running_virtuoso  # tests/serving.py

import kzgraph
from kzgraph.graph.remote import RemoteGraph, derive, push
from kzgraph.graph.store import bundled_files

BENCH = Path(__file__).resolve().parent
QUERIES = {
    "predecessors": {"party": "Synthetic Party 0.9"},
    "mergers": {},
    "election-results": {"year": "2004"},
}
RAW = "https://example.org/bench/loaded-by-the-server"


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def progress(server: str, step: str, value: object) -> None:
    print(f"{server}: {step}: {value}", file=sys.stderr, flush=True)


def latencies(graph: kzgraph.Graph, repeat: int) -> dict[str, tuple[float, int]]:
    """Median seconds and row count of each query (one warm-up run first)."""
    out = {}
    for name, params in QUERIES.items():
        rows = len(graph.run(name, **params).rows)
        runs = [timed(lambda name=name, params=params: graph.run(name, **params)) for _ in range(repeat)]
        out[name] = (statistics.median(runs), rows)
    return out


def load_raw(graph_store: str, files: list[Path], auth: httpx.Auth | None) -> None:
    for n, path in enumerate(files):
        kind = "text/turtle" if path.suffix == ".ttl" else "application/n-triples"
        response = httpx.request(
            "PUT" if n == 0 else "POST",
            graph_store,
            params={"graph": RAW},
            content=path.read_bytes(),
            headers={"Content-Type": kind},
            auth=auth,
            timeout=3600,
        )
        response.raise_for_status()


def server_run(name: str, endpoints: dict[str, str], graph, files, auth, repeat: int) -> dict:
    result: dict = {"server": name}

    def step(label: str, action: Callable[[], object]) -> None:
        result[label] = timed(action)
        progress(name, label, f"{result[label]:.1f} s")

    step("push graph store", lambda: push(graph, endpoints["store"], timeout=3600))
    result["queries"] = latencies(RemoteGraph(endpoints["query"], timeout=3600), repeat)
    progress(name, "queries", result["queries"])
    step("push update", lambda: push(graph, None, update_endpoint=endpoints["update"], timeout=3600))
    step("load raw", lambda: load_raw(endpoints["store"], files, auth))
    reports = []
    step(
        "derive",
        lambda: reports.append(derive(endpoints["update"], endpoints["query"], graph=RAW, timeout=3600)),
    )
    result["derived"] = reports[0].added
    step("derive again", lambda: derive(endpoints["update"], endpoints["query"], graph=RAW, timeout=3600))
    result["raw queries"] = latencies(RemoteGraph(endpoints["query"], graphs=[RAW], timeout=3600), repeat)
    progress(name, "raw queries", result["raw queries"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--servers", default="oxigraph,virtuoso", help="comma-separated: oxigraph, virtuoso")
    args = parser.parse_args()
    servers = set(args.servers.split(","))
    os.environ.setdefault("KZGRAPH_USER", VIRTUOSO_USER)
    os.environ.setdefault("KZGRAPH_PASSWORD", VIRTUOSO_PASSWORD)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        data = tmp / f"synthetic-{args.size}.nt"
        subprocess.run(
            [sys.executable, str(BENCH / "gen_synthetic.py"), str(args.size), "-o", str(data)], check=True
        )
        files = [path for path, _ in bundled_files()] + [data]
        started = time.perf_counter()
        graph = kzgraph.load([data])
        load_seconds = time.perf_counter() - started
        entail_seconds = timed(graph.entail)
        quads = len(graph.store)
        embedded = latencies(graph, args.repeat)
        progress("embedded", "load, entail, queries", (load_seconds, entail_seconds, embedded))
        runs = []
        if "oxigraph" in servers:
            with running_oxigraph(tmp / "oxigraph") as url:
                endpoints = {"store": f"{url}/store", "query": f"{url}/query", "update": f"{url}/update"}
                runs.append(server_run("Oxigraph server", endpoints, graph, files, None, args.repeat))
        if "virtuoso" not in servers:
            return report(args, quads, load_seconds, entail_seconds, embedded, runs)
        # Virtuoso's default after-image limit (50 MB a transaction) refuses the MOVE that ends a
        # push by SPARQL Update at 1M triples (kzgraph says so; the graph stays as it was): 2 GB
        with running_virtuoso(
            tmp / "virtuoso", buffers=170_000, query_seconds=3600, after_image_limit=2_000_000_000
        ) as url:
            endpoints = {
                "store": f"{url}/sparql-graph-crud-auth",
                "query": f"{url}/sparql",
                "update": f"{url}/sparql-auth",
            }
            auth = httpx.DigestAuth(VIRTUOSO_USER, VIRTUOSO_PASSWORD)
            runs.append(server_run("Virtuoso 7", endpoints, graph, files, auth, args.repeat))
    report(args, quads, load_seconds, entail_seconds, embedded, runs)


def report(args, quads: int, load_seconds: float, entail_seconds: float, embedded: dict, runs: list) -> None:
    print(f"\n{args.size:,} synthetic triples + the bundled data: {quads:,} quads with what kzgraph derives")
    print(f"embedded: kzgraph.load {load_seconds:.1f} s, entail {entail_seconds:.1f} s\n")
    print("| step | " + " | ".join(r["server"] for r in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for step in ("push graph store", "push update", "load raw", "derive", "derive again"):
        print(f"| {step} | " + " | ".join(f"{r[step]:.1f} s" for r in runs) + " |")
    print("| derived triples | " + " | ".join(f"{r['derived']:,}" for r in runs) + " |")
    print(
        "\n| query (rows) | embedded | "
        + " | ".join(r["server"] for r in runs)
        + " | "
        + " | ".join(r["server"] + " (derived there)" for r in runs)
        + " |"
    )
    print("|---|---|" + "---|" * (2 * len(runs)))
    for name in QUERIES:
        seconds, rows = embedded[name]
        cells = (
            [_ms(seconds)]
            + [_ms(r["queries"][name][0]) for r in runs]
            + [_ms(r["raw queries"][name][0]) for r in runs]
        )
        counts = {rows, *(r["queries"][name][1] for r in runs), *(r["raw queries"][name][1] for r in runs)}
        same = "" if len(counts) == 1 else " ROWS DIFFER: " + str(sorted(counts))
        print(f"| {name} ({rows}) | " + " | ".join(cells) + f" |{same}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
