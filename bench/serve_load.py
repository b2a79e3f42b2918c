"""Load test of `kzgraph serve` beside `oxigraph serve` on the same data and queries.

The servers run on 127.0.0.1 (free ports) as subprocesses; CLIENTS threads each send REQUESTS
requests (bounded), cycling through the stored-query catalog as standalone SPARQL (PREFIX lines,
parameters bound with VALUES), and check each answer's row count against the embedded store.
kzgraph's /queries/NAME.json path is measured as well, and, for scale, the same queries run
in-process on raw pyoxigraph and on plain rdflib (one pass).

Then the hostile scenarios, against kzgraph serve and `oxigraph serve` (in memory, with its
own query time limit): while IDLE sockets that send nothing and SLOW sockets that send a header
line every 5 s are held (reopened when the server closes them), while 8 clients send queries
that run into the time limit, and while 12 clients ask for a 64 MB answer and never read it, a
normal client asks a cheap stored query in turn; its latency, its errors and the server's
peak RSS (main process) are reported.

    python bench/serve_load.py [--clients 8 32] [--requests 250] [--workers 2] [--attack-seconds 30]
"""

from __future__ import annotations

import argparse
import contextlib
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
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

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


# Four full scans joined: no answer within any time limit (every server stops it).
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# 200 rows of ~320 kB each (64 MB as CSV): under the row cap, over the byte cap.
WIDE = (
    "SELECT ?k ?text WHERE { { SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { ?s ?p ?o } } "
    "VALUES ?k { " + " ".join(str(k) for k in range(200)) + " } BIND (CONCAT(STR(?k), ?all) AS ?text) }"
)


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


class PeakRss:
    """The largest resident size of process `pid` while the block runs (sampled every 0.1 s)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, rss_mib(pid), threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_mib(self.pid))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def cheap_client(url: str, request, seconds: float) -> dict:
    """One client asking the cheap query in turn for `seconds`: latencies and non-200 answers."""
    latencies, errors = [], 0
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=30) as http:
        while time.monotonic() < deadline:
            method, path, kwargs = request
            started = time.perf_counter()
            try:
                ok = http.request(method, path, **kwargs).status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok
            time.sleep(0.02)
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def under_idle_and_slow_sockets(url: str, request, seconds: float, idle: int, slow: int) -> dict:
    """The cheap client while `idle` silent sockets and `slow` slow-header sockets are held."""
    host, port = url.removeprefix("http://").split(":")
    target = (host, int(port))

    def connect() -> socket.socket | None:
        with contextlib.suppress(OSError):
            return socket.create_connection(target, timeout=5)
        return None

    held = {"idle": [connect() for _ in range(idle)], "slow": [connect() for _ in range(slow)]}
    stop, reopened = threading.Event(), [0]

    def keep_up() -> None:  # a header line every 5 s on the slow ones; reopen what the server closed
        line = 0
        while not stop.wait(5.0):
            line += 1
            for kind, sockets in held.items():
                for i, sock in enumerate(sockets):
                    try:
                        if sock is None:
                            raise OSError
                        if kind == "slow":
                            sock.sendall(b"GET / HTTP/1.1\r\n" if line == 1 else b"X-Slow-%d: 1\r\n" % line)
                        else:
                            sock.setblocking(False)
                            if sock.recv(1) == b"":
                                raise OSError
                    except BlockingIOError:
                        pass
                    except OSError:
                        if sock is not None:
                            sock.close()
                        sockets[i] = connect()
                        reopened[0] += 1
                    else:
                        sock.setblocking(True)

    keeper = threading.Thread(target=keep_up)
    keeper.start()
    try:
        measured = cheap_client(url, request, seconds)
    finally:
        stop.set()
        keeper.join()
        for sockets in held.values():
            for sock in sockets:
                if sock is not None:
                    sock.close()
    return {**measured, "reopened": reopened[0]}


def under_expensive_queries(url: str, request, expensive, seconds: float, clients: int = 8) -> dict:
    """The cheap client while `clients` clients send queries that run into the time limit."""
    stop = threading.Event()

    def flood() -> None:
        method, path, kwargs = expensive
        with httpx.Client(base_url=url, timeout=60) as http:
            while not stop.is_set():
                with contextlib.suppress(httpx.HTTPError):
                    http.request(method, path, **kwargs)

    threads = [threading.Thread(target=flood) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        return cheap_client(url, request, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def under_non_reading_clients(url: str, request, wide_path: str, seconds: float, clients: int = 12) -> dict:
    """The cheap client while `clients` sockets ask for a wide answer and read none of it."""
    host, port = url.removeprefix("http://").split(":")
    head = f"GET {wide_path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/csv\r\n\r\n".encode()
    sockets = []
    try:
        for _ in range(clients):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(head)
            sockets.append(sock)
        return cheap_client(url, request, seconds)
    finally:
        for sock in sockets:
            sock.close()


def attack_table(kz_url: str, kz_pid: int, oxi_url: str, oxi_pid: int, parties: str, args) -> dict:
    """Every hostile scenario against both servers: the cheap client's figures and peak RSS."""
    servers = {
        "kzgraph serve": (
            kz_url,
            kz_pid,
            ("GET", "/queries/parties.json", {}),
            ("POST", "/sparql", {"data": {"query": EXPENSIVE}}),
            "/sparql?" + urlencode({"query": WIDE}),
        ),
        "oxigraph serve (in memory, --timeout-s 10)": (
            oxi_url,
            oxi_pid,
            (
                "POST",
                "/query",
                {"data": {"query": parties}, "headers": {"accept": "application/sparql-results+json"}},
            ),
            ("POST", "/query", {"data": {"query": EXPENSIVE}}),
            "/query?" + urlencode({"query": WIDE}),
        ),
    }
    seconds = args.attack_seconds
    results = {}
    for name, (url, pid, cheap, expensive, wide) in servers.items():
        scenarios = {
            "no attack": partial(cheap_client, url, cheap, min(seconds, 10)),
            f"{args.idle} idle + {args.slow} slow-header sockets, {seconds:g} s": partial(
                under_idle_and_slow_sockets, url, cheap, seconds, args.idle, args.slow
            ),
            f"8 clients sending time-limit queries, {seconds:g} s": partial(
                under_expensive_queries, url, cheap, expensive, seconds
            ),
            "12 clients asking for a 64 MB answer and not reading, 15 s": partial(
                under_non_reading_clients, url, cheap, wide, 15
            ),
        }
        for scenario, run in scenarios.items():
            time.sleep(2)  # what the previous scenario left behind settles
            with PeakRss(pid) as rss:
                measured = run()
            results[(name, scenario)] = {**measured, "peak_rss_mib": rss.peak}
            print(f"  {name} / {scenario}: {results[(name, scenario)]}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--requests", type=int, default=250, help="requests per client")
    parser.add_argument("--workers", type=int, default=2, help="kzgraph serve query workers")
    parser.add_argument("--repeat", type=int, default=3, help="load runs per path (medians are reported)")
    parser.add_argument("--attack-seconds", type=float, default=30.0)
    parser.add_argument("--idle", type=int, default=500, help="idle sockets in the socket scenario")
    parser.add_argument("--slow", type=int, default=200, help="slow-header sockets in the socket scenario")
    parser.add_argument("--no-load", action="store_true", help="only the hostile scenarios")
    parser.add_argument("--no-attack", action="store_true", help="only the load runs")
    args = parser.parse_args()

    graph = kzgraph.load()
    jobs = workload(graph)
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
    attacks: dict = {}
    work = Path(tempfile.mkdtemp(prefix="kzgraph-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "kzgraph",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ]
        kz = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(kz)
        kz_url = f"http://127.0.0.1:{port}"
        wait_until_up(kz_url + "/sparql?query=ASK%7B%7D", kz)

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
                *("oxigraph", "serve-read-only", "--location", str(work / "db")),
                *("--bind", f"127.0.0.1:{port}", "--union-default-graph"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(oxi)
        oxi_url = f"http://127.0.0.1:{port}"
        wait_until_up(oxi_url + "/query?query=ASK%7B%7D", oxi)

        # The same engine in memory, as kzgraph's workers hold the graph: load it over HTTP.
        port = free_port()
        mem = subprocess.Popen(
            [
                "oxigraph",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
                "--timeout-s",
                "10",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(mem)
        mem_url = f"http://127.0.0.1:{port}"
        wait_until_up(mem_url + "/query?query=ASK%7B%7D", mem)
        httpx.post(
            mem_url + "/store", content=dump.read_bytes(), headers={"content-type": "application/n-quads"}
        ).raise_for_status()

        paths = {
            "kzgraph serve /sparql": (kz_url, sparql_request("/sparql")),
            "kzgraph serve /queries/NAME.json": (kz_url, stored_request),
            "oxigraph serve /query (in memory)": (mem_url, sparql_request("/query")),
            "oxigraph serve-read-only /query (on disk)": (oxi_url, sparql_request("/query")),
        }
        if not args.no_load:
            for url, make in paths.values():  # warm-up: parse caches, page cache
                load(url, make, 2, len(jobs))
            for clients in args.clients:
                for _ in range(args.repeat):  # interleaved, so that every path sees the same machine load
                    for name, (url, make) in paths.items():
                        runs.setdefault(f"{name}, {clients} clients", []).append(
                            load(url, make, clients, args.requests)
                        )
        if not args.no_attack:
            parties = next(job["sparql"] for job in jobs if job["name"] == "parties")
            attacks = attack_table(kz_url, kz.pid, mem_url, mem.pid, parties, args)
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    failed = {}
    if runs:
        results = {name: summarise(measured) for name, measured in runs.items()}
        results["raw pyoxigraph, in-process, 1 thread"] = in_process(graph, jobs, "pyoxigraph", 20)
        results["plain rdflib, in-process, 1 thread"] = in_process(graph, jobs, "rdflib", 1)
        print("\n| path | requests | errors | throughput (req/s) | range | p50 (ms) | p99 (ms) |")
        print("|---|---|---|---|---|---|---|")
        for name, r in results.items():
            spread = f"{r['low']:.0f} to {r['high']:.0f}" if "low" in r else "-"
            print(
                f"| {name} | {r['requests']} | {r.get('errors', '-')} | {r['throughput']:.0f} | {spread} | "
                f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
            )
        failed = {
            name: r["first_errors"] for name, r in results.items() if r.get("errors") and "rdflib" not in name
        }
        if results["plain rdflib, in-process, 1 thread"]["errors"]:
            names = ", ".join(results["plain rdflib, in-process, 1 thread"]["first_errors"])
            print(f"\nplain rdflib failed or miscounted on: {names}")
    if attacks:
        print("\n| server | while | cheap queries | not 200 | p50 (ms) | p99 (ms) | peak RSS (MiB) |")
        print("|---|---|---|---|---|---|---|")
        for (server, scenario), r in attacks.items():
            print(
                f"| {server} | {scenario} | {r['requests']} | {r['errors']} | {r['p50_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {r['peak_rss_mib']:.0f} |"
            )
    print(
        f"\n{os.cpu_count()} cores; {args.requests} requests per client per run, {args.repeat} runs per path"
    )
    if failed:
        print(json.dumps(failed, indent=2), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
