"""Benchmark for issue 16: the ParlGov import and what runs on it.

- the import of the full tables (../shared/datasets/parlgov): reading and converting, and
  writing Turtle; the triples it produces;
- loading bundled + ParlGov in memory (`kzgraph.load`) and into an on-disk store;
- the latency of every stored query on bundled + ParlGov, in memory and from the store (the
  queries with a party parameter get "Democratic Party" looked up in Italy);
- the largest country's lineage page (by organisations): generated, then rendered in headless
  Chromium from navigation to the first complete frame, as bench/viz_render.py measures it.

    python bench/parlgov.py [--repeat 3] [--skip election-rules,...] [--tables DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from timing import median_ms  # bench/timing.py

import kzgraph
from kzgraph.graph.persistent import load as load_store
from kzgraph.graph.persistent import open_store
from kzgraph.importers.parlgov import PARLGOV_GRAPH, import_tables, serialize
from kzgraph.lineage.read import read_lineage
from kzgraph.lineage.viz import build_network

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "tests")]

from browser import launch_chromium  # noqa: E402
from viz_render import OURS_DRAWN, render_ms  # noqa: E402

DEFAULTS = {"year": "2004", "party": "Democratic Party"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip", default="", metavar="NAMES", help="Stored queries to leave out (comma-separated)."
    )
    parser.add_argument(
        "--tables", type=Path, default=BENCH.parent.parent / "shared" / "datasets" / "parlgov"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kzgraph-parlgov-"))

    started = time.perf_counter()
    triples, report = import_tables(args.tables)
    converted = time.perf_counter() - started
    ttl = work / "parlgov.ttl"
    serialize(triples, ttl)
    written = time.perf_counter() - started
    print(
        f"import: read + convert {converted:.2f} s, + Turtle {written:.2f} s; {report.triples:,} triples,"
        f" {ttl.stat().st_size / 1e6:.1f} MB"
    )

    started = time.perf_counter()
    graph = kzgraph.load([(ttl, PARLGOV_GRAPH)])
    print(
        "load in memory (bundled from the cache + ParlGov, load-time rules):"
        f" {time.perf_counter() - started:.2f} s, {len(graph):,} quads"
    )
    nt = work / "parlgov.nt"
    serialize(triples, nt)
    started = time.perf_counter()
    load_store(work / "kz.db", [nt], graph=PARLGOV_GRAPH)
    print(f"load into an on-disk store (with the entailments): {time.perf_counter() - started:.2f} s")
    store = open_store(work / "kz.db")

    print(
        f"\nstored queries, median of {args.repeat} runs (1 run where a run takes over 5 s)\n\n"
        "| query | rows | in memory | from --store |\n|---|---|---|---|"
    )
    skipped = set(filter(None, args.skip.split(",")))
    for name in graph.catalog.names():
        if name in skipped:
            print(f"| {name} | (left out) | | |")
            continue
        query = graph.catalog.get(name)
        params = {p.name: DEFAULTS.get(p.name, p.example) for p in query.params}
        memory = graph.in_country("ITA")
        once = time.perf_counter()
        rows = len(memory.run(name, **params).rows)
        repeat = args.repeat if time.perf_counter() - once < 5 else 1
        in_memory = median_ms(lambda m=memory, n=name, p=params: m.run(n, **p), repeat)
        disk = store.in_country("ITA")
        from_store = median_ms(lambda d=disk, n=name, p=params: d.run(n, **p), repeat)
        print(f"| {name} | {rows} | {in_memory:,.0f} ms | {from_store:,.0f} ms |")

    from kzgraph.elections.model import all_elections
    from kzgraph.elections.seats import compare_seats

    print("\n| `kzgraph seats` / `indices` step | in memory | from --store |\n|---|---|---|")
    steps = {
        "seats: ParlGov's Germany 2005 (--election 118)": lambda g: compare_seats(g, None, election="118"),
        "seats: Kazakhstan 2004 (--country KAZ)": lambda g: compare_seats(g, 2004, country="KAZ"),
        "indices: every election (Kazakhstan's and ParlGov's)": lambda g: [
            e.indices() for e in all_elections(g) if e.listed_vote_share <= 100
        ],
        "indices --country DEU": lambda g: [e.indices() for e in all_elections(g, "DEU")],
    }
    for what, step in steps.items():
        in_memory = median_ms(lambda s=step: s(graph), args.repeat)
        from_store = median_ms(lambda s=step: s(store), args.repeat)
        print(f"| {what} | {in_memory:,.0f} ms | {from_store:,.0f} ms |")

    lineage = read_lineage(graph)
    countries = Counter()
    for row in graph.query(
        "SELECT ?org ?code WHERE { ?org kz:country/skos:notation ?code ;"
        " a/rdfs:subClassOf* kz:PoliticalOrganisation }"
    ).dicts():
        countries[row["code"]] += 1
    code, _ = countries.most_common(1)[0]
    largest = lineage.only(graph.organisations_of(code))
    generate = median_ms(lambda: build_network(largest, place=code), args.repeat)
    page = work / f"{code}.html"
    build_network(largest, place=code).write_html(page)
    with launch_chromium(work / "profile") as browser:
        drawn = render_ms(browser, page, OURS_DRAWN, args.repeat)
    print(
        f"\nlargest country {code}: {len(largest.organisations)} organisations, {len(largest.links)} links;"
        f" page generated in {generate:,.0f} ms, rendered in Chromium in {drawn:,.0f} ms"
        f" ({page.stat().st_size / 1e6:.2f} MB)"
    )


if __name__ == "__main__":
    main()
