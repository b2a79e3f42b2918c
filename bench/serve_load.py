"""Load test of `kzgraph serve` beside `oxigraph serve` on the same data and queries.

The servers run on 127.0.0.1 (free ports) as subprocesses; CLIENTS threads each send REQUESTS
requests (bounded), cycling through the stored-query catalog as standalone SPARQL (PREFIX lines,
parameters bound with VALUES), and check each answer's row count against the embedded store.
kzgraph's /queries/NAME.json path is measured as well, and, for scale, the same queries run
in-process on raw pyoxigraph and on plain rdflib (one pass).

    python bench/serve_load.py [--clients 8] [--requests 250] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

import kzgraph
from kzgraph.web.editor import yasgui_tabs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def workload(graph: kzgraph.Graph) -> list[dict]:
    """The catalog as standalone SPARQL, with the row count each query gives in-process."""
    jobs = []
    for tab in yasgui_tabs(graph):
        stored = graph.catalog.get(tab["name"])
        params = {p.name: p.default or p.example for p in stored.params if (p.default or p.example)}
        if any(p.required and p.name not in params for p in stored.params):
            continue
        stored_rows = len(graph.run(stored, **params))
        rows = sum(1 for _ in graph.store.query(tab["sparql"], use_default_graph_as_union=True))
        jobs.append(
            {
                "name": stored.name,
                "sparql": tab["sparql"],
                "params": params,
                "rows": rows,
                "stored_rows": stored_rows,
            }
        )
    return jobs


def load(url: str, requests_for, clients: int, per_client: int) -> dict:
    """CLIENTS threads, each sending PER_CLIENT requests in turn; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            for i in range(per_client):
                method, path, kwargs, expected = requests_for(index * per_client + i)
                started = time.perf_counter()
                try:
                    response = http.request(method, path, **kwargs)
                    rows = len(response.json()["results"]["bindings"]) if response.status_code == 200 else -1
                    problem = None if rows == expected else f"{path}: {response.status_code}, {rows} rows"
                except (httpx.HTTPError, ValueError, KeyError) as e:
                    problem = f"{path}: {e!r}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:3],
        "throughput": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def summarise(measured: list[dict]) -> dict:
    """Medians over the runs of one path, the range of its throughput, and every error."""
    return {
        "requests": sum(r["requests"] for r in measured),
        "errors": sum(r["errors"] for r in measured),
        "first_errors": [e for r in measured for e in r["first_errors"]][:3],
        "throughput": statistics.median(r["throughput"] for r in measured),
        "low": min(r["throughput"] for r in measured),
        "high": max(r["throughput"] for r in measured),
        "p50_ms": statistics.median(r["p50_ms"] for r in measured),
        "p99_ms": statistics.median(r["p99_ms"] for r in measured),
    }


def in_process(graph: kzgraph.Graph, jobs: list[dict], engine: str, rounds: int) -> dict:
    """Sequential per-query latency without HTTP: raw pyoxigraph, or plain rdflib (slow: one round)."""
    if engine == "rdflib":
        import rdflib

        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(data=graph.store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    latencies, failed = [], set()
    for _ in range(rounds):
        for job in jobs:
            started = time.perf_counter()
            try:
                if engine == "pyoxigraph":
                    count = sum(1 for _ in graph.store.query(job["sparql"], use_default_graph_as_union=True))
                else:
                    count = len(dataset.query(job["sparql"]))
            except Exception:  # rdflib cannot evaluate some of the catalog's queries
                failed.add(job["name"])
                continue
            latencies.append(time.perf_counter() - started)
            if count != job["rows"]:
                failed.add(job["name"])
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": len(failed),
        "first_errors": sorted(failed),
        "throughput": len(latencies) / sum(latencies),
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=250, help="requests per client")
    parser.add_argument("--workers", type=int, default=2, help="kzgraph serve query workers")
    parser.add_argument("--repeat", type=int, default=3, help="load runs per path (medians are reported)")
    args = parser.parse_args()

    graph = kzgraph.load()
    jobs = workload(graph)
    total = args.clients * args.requests
    print(f"{len(graph.store)} quads; {len(jobs)} catalog queries; {args.clients} clients x {args.requests}")
    json_accept = {"accept": "application/sparql-results+json"}

    def sparql_request(path: str):
        def make(i: int):
            job = jobs[i % len(jobs)]
            return "POST", path, {"data": {"query": job["sparql"]}, "headers": json_accept}, job["rows"]

        return make

    def stored_request(i: int):
        job = jobs[i % len(jobs)]
        return "GET", f"/queries/{job['name']}.json", {"params": job["params"]}, job["stored_rows"]

    runs: dict[str, list[dict]] = {}
    work = Path(tempfile.mkdtemp(prefix="kzgraph-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        port = free_port()
        kz = subprocess.Popen(
            [sys.executable, "-m", "kzgraph", "serve", "--port", str(port), "--workers", str(args.workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(kz)
        kz_url = f"http://127.0.0.1:{port}"
        wait_until_up(kz_url + "/sparql?query=ASK%7B%7D", kz)
        load(kz_url, sparql_request("/sparql"), 2, len(jobs))  # warm-up: parse caches, page cache
        for _ in range(args.repeat):  # interleaved, so that both paths see the same machine load
            runs.setdefault("kzgraph serve /sparql", []).append(
                load(kz_url, sparql_request("/sparql"), args.clients, args.requests)
            )
            runs.setdefault("kzgraph serve /queries/NAME.json", []).append(
                load(kz_url, stored_request, args.clients, args.requests)
            )

        dump = work / "kzgraph.nq"
        dump.write_bytes(graph.store.dump(format=ox.RdfFormat.N_QUADS))
        subprocess.run(
            ["oxigraph", "load", "--location", str(work / "db"), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        port = free_port()
        oxi = subprocess.Popen(
            [
                "oxigraph",
                "serve-read-only",
                "--location",
                str(work / "db"),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(oxi)
        oxi_url = f"http://127.0.0.1:{port}"
        wait_until_up(oxi_url + "/query?query=ASK%7B%7D", oxi)
        load(oxi_url, sparql_request("/query"), 2, len(jobs))
        runs["oxigraph serve-read-only /query (on disk)"] = [
            load(oxi_url, sparql_request("/query"), args.clients, args.requests) for _ in range(args.repeat)
        ]

        # The same engine in memory, as kzgraph's workers hold the graph: load it over HTTP.
        port = free_port()
        mem = subprocess.Popen(
            ["oxigraph", "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(mem)
        mem_url = f"http://127.0.0.1:{port}"
        wait_until_up(mem_url + "/query?query=ASK%7B%7D", mem)
        httpx.post(
            mem_url + "/store", content=dump.read_bytes(), headers={"content-type": "application/n-quads"}
        ).raise_for_status()
        load(mem_url, sparql_request("/query"), 2, len(jobs))
        runs["oxigraph serve /query (in memory)"] = [
            load(mem_url, sparql_request("/query"), args.clients, args.requests) for _ in range(args.repeat)
        ]
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    results = {name: summarise(measured) for name, measured in runs.items()}
    results["raw pyoxigraph, in-process, 1 thread"] = in_process(graph, jobs, "pyoxigraph", 20)
    results["plain rdflib, in-process, 1 thread"] = in_process(graph, jobs, "rdflib", 1)

    reference = results["kzgraph serve /sparql"]["throughput"]
    print("\n| path | requests | errors | throughput (req/s) | range | ratio | p50 (ms) | p99 (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        spread = f"{r['low']:.0f} to {r['high']:.0f}" if "low" in r else "-"
        print(
            f"| {name} | {r['requests']} | {r.get('errors', '-')} | {r['throughput']:.0f} | {spread} | "
            f"{r['throughput'] / reference:.2f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
        )
    failed = {
        name: r["first_errors"] for name, r in results.items() if r.get("errors") and "rdflib" not in name
    }
    if results["plain rdflib, in-process, 1 thread"]["errors"]:
        names = ", ".join(results["plain rdflib, in-process, 1 thread"]["first_errors"])
        print(f"\nplain rdflib failed or miscounted on: {names}")
    if failed:
        print(json.dumps(failed, indent=2), file=sys.stderr)
        sys.exit(1)
    print(f"\n{os.cpu_count()} cores; {total} requests per run, {args.repeat} runs per server path")


if __name__ == "__main__":
    main()
