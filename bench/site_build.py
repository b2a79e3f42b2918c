"""Benchmark for issue 15: `kzgraph site` build time, for the bundled data (target: 10 s or
less) and for bench/gen_synthetic.py's ~2,000-organisation synthetic graph loaded beside it.

Each build renders every page with the served application (in-process ASGI requests, the
queries in the worker processes) and writes it; the figure is wall time from the loaded graph
to the finished directory. The synthetic organisations live under
http://example.org/kzgraph-synthetic/, not under /id/, so they get no resource pages of their
own: they grow the stored queries' result pages and files (and the downloads), which is where
a larger graph costs. Shown beside: the same pages fetched one at a time (no concurrency), as
the ratio to compare with.

    python bench/site_build.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from gen_synthetic import triples  # bench/gen_synthetic.py

import kzgraph
from kzgraph.cli.site_command import SITE_SETTINGS
from kzgraph.publish import site
from kzgraph.web.app import make_app

SYNTHETIC_TRIPLES = 60_200  # whole countries of 12 organisations: 2,004 organisations


def build(graph, repeat: int, concurrent: int) -> tuple[float, int, int]:
    """Median seconds of `repeat` builds, with the files and bytes of the last."""
    site.CONCURRENT = concurrent
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(repeat):
            started = time.perf_counter()
            report = site.write_site(graph, make_app(graph, SITE_SETTINGS), Path(scratch) / f"site-{i}")
            times.append(time.perf_counter() - started)
    return statistics.median(times), report.files, report.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "synthetic.nt"
        data.write_text("\n".join(triples(SYNTHETIC_TRIPLES)) + "\n", encoding="utf-8")
        graphs = {"bundled data": kzgraph.load(), "bundled + synthetic": kzgraph.load([data])}
        both = graphs["bundled + synthetic"]
        print(f"bundled + synthetic: {len(both.run('organisations')):,} organisations, {len(both):,} quads")
        print("| graph | build (8 requests in flight) | files | MB | one request at a time | ratio |")
        print("|---|---|---|---|---|---|")
        for name, graph in graphs.items():
            seconds, files, size = build(graph, args.repeat, 8)
            sequential, _, _ = build(graph, 1, 1)
            print(
                f"| {name} | {seconds:.1f} s | {files:,} | {size / 1e6:.1f} | {sequential:.1f} s"
                f" | {sequential / seconds:.2f} |"
            )


if __name__ == "__main__":
    main()
