"""Scale benchmark (issue 6): load + predecessors, mergers, election-results on synthetic graphs.

    python bench/run.py                       # 100k, 1M and 3M triples
    python bench/run.py --sizes 100000        # one size
    python bench/run.py --rdflib-max 1000000 --timeout 900

For each size, each path runs in its own fresh process (peak RSS is that process's):
  kzgraph          kzgraph.load([file]) in memory (parse, derivation rules), then Graph.run(...)
  kzgraph --store  `kzgraph load --store DIR file` in one process; the queries in another
                   (persistent.open_store, cold: nothing parsed)
  pyoxigraph       raw Store().load(...) in memory, then hand-written queries
  pyoxigraph disk  raw Store(DIR).bulk_load(...), then the same queries in a fresh process
  rdflib           plain rdflib Graph().parse(...), then the same hand-written queries
Every path loads the same files: the bundled ontology and data and the synthetic file. The
raw paths have no derived links, so their queries follow the events themselves (the rows are
checked to be the same as kzgraph's). rdflib is run only up to --rdflib-max triples and is
stopped after --timeout seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PARTY = "Synthetic Party 0.9"
YEAR = "2004"
PREFIXES = """PREFIX kz: <https://w3id.org/kzgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
# kz:isoDate, which the rules derive, written out: the date, or an interval from the range.
ISO_DATE = """OPTIONAL { ?event dct:date ?d }
  OPTIONAL { ?event kz:earliestDate ?e } OPTIONAL { ?event kz:latestDate ?l }
  BIND (COALESCE(STR(?d), CONCAT(STR(?e), "/", COALESCE(STR(?l), ".."))) AS ?date)"""


def raw_predecessors(party: str) -> str:
    """`predecessors` written out over the events, for the party the pattern `party` binds."""
    return (
        PREFIXES
        + f"""SELECT DISTINCT ?ancestor ?label ?relation ?date WHERE {{
  {party}
  ?party (^org:resultingOrganization/org:originalOrganization)* ?next .
  ?event org:resultingOrganization ?next ; org:originalOrganization ?ancestor ; a ?class .
  ?class kz:lineageRelation ?link . ?link rdfs:label ?relation .
  FILTER (?ancestor != ?next)
  ?ancestor skos:prefLabel ?label .
  {ISO_DATE}
}} ORDER BY ?date ?label ?relation"""
    )


# The stored queries as a user of a plain store writes them: no derived links or dates.
RAW_QUERIES = {
    "predecessors": raw_predecessors(f'?party skos:prefLabel "{PARTY}"@en .'),
    "mergers": PREFIXES
    + f"""SELECT ?event ?date ?original ?original_label ?resulting ?resulting_label WHERE {{
  VALUES ?kind {{ kz:Merger kz:Accession }}
  ?event a ?kind ; org:originalOrganization ?original ; org:resultingOrganization ?resulting .
  FILTER (?original != ?resulting)
  ?original skos:prefLabel ?original_label . ?resulting skos:prefLabel ?resulting_label .
  {ISO_DATE}
}} ORDER BY ?date ?resulting_label ?original_label""",
    "election-results": PREFIXES
    + f"""SELECT ?party ?label ?vote_share ?seats WHERE {{
  ?result a kz:ElectionResult ; kz:election ?event ; kz:party ?party .
  {ISO_DATE}
  FILTER (STRSTARTS(?date, "{YEAR}"))
  ?party skos:prefLabel ?label .
  OPTIONAL {{ ?result kz:voteShare ?vote_share }}
  OPTIONAL {{ ?result kz:listSeats ?seats }}
}} ORDER BY DESC(?vote_share) ?label""",
}
KZGRAPH_QUERIES = {"predecessors": {"party": PARTY}, "mergers": {}, "election-results": {"year": YEAR}}


# Children: one path, one process; print a JSON line of timings.


def child(path: str, data: Path, directory: Path) -> dict:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    rows: dict[str, int] = {}
    if path in ("kzgraph", "kzgraph-store-load", "kzgraph-store-query"):
        import kzgraph
        from kzgraph.graph import persistent

        timings["import"] = time.perf_counter() - started
        t = time.perf_counter()
        if path == "kzgraph":
            graph = kzgraph.load([data])
        elif path == "kzgraph-store-load":
            persistent.load(directory, [data])
            timings["load"] = time.perf_counter() - t
            return _finish(timings, rows)
        else:
            graph = persistent.open_store(directory)
        timings["load" if path == "kzgraph" else "open"] = time.perf_counter() - t
        for name, params in KZGRAPH_QUERIES.items():
            t = time.perf_counter()
            rows[name] = len(graph.run(name, **params).rows)
            timings[name] = time.perf_counter() - t
    elif path.startswith("pyoxigraph"):
        import pyoxigraph as ox

        from kzgraph.graph.store import bundled_files

        timings["import"] = time.perf_counter() - started
        files = [*bundled_files(), (data, "https://w3id.org/kzgraph/graph/user/" + data.name)]
        t = time.perf_counter()
        if path == "pyoxigraph":
            store = ox.Store()
            for file, graph_name in files:
                store.load(path=file, to_graph=ox.NamedNode(graph_name))
        elif path == "pyoxigraph-disk-load":
            store = ox.Store(str(directory))
            for file, graph_name in files:
                store.bulk_load(path=file, to_graph=ox.NamedNode(graph_name))
            store.flush()
            timings["load"] = time.perf_counter() - t
            return _finish(timings, rows)
        else:
            store = ox.Store.read_only(str(directory))
        timings["load" if path == "pyoxigraph" else "open"] = time.perf_counter() - t
        for name, sparql in RAW_QUERIES.items():
            t = time.perf_counter()
            rows[name] = len(list(store.query(sparql, use_default_graph_as_union=True)))
            timings[name] = time.perf_counter() - t
    elif path == "rdflib":
        import rdflib

        from kzgraph.graph.store import bundled_files

        timings["import"] = time.perf_counter() - started
        t = time.perf_counter()
        graph = rdflib.Graph()
        for file, _ in bundled_files():
            graph.parse(file, format="turtle")
        graph.parse(data, format="nt")
        timings["load"] = time.perf_counter() - t
        for name, sparql in RAW_QUERIES.items():
            t = time.perf_counter()
            rows[name] = len(list(graph.query(sparql)))
            timings[name] = time.perf_counter() - t
    return _finish(timings, rows)


def _finish(timings: dict[str, float], rows: dict[str, int]) -> dict:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"timings": timings, "rows": rows, "peak_rss_mb": peak_mb}


# Parent


def run_child(path: str, data: Path, directory: Path, timeout: float) -> dict | None:
    command = [sys.executable, __file__, "--child", path, "--data", str(data), "--dir", str(directory)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as e:
        sys.exit(f"{path} failed:\n{e.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


PATHS = ("kzgraph", "kzgraph --store", "pyoxigraph", "pyoxigraph disk", "rdflib")


def measure(
    size: int, work: Path, timeout: float, rdflib_max: int, paths: tuple[str, ...] = PATHS
) -> dict[str, dict | None]:
    data = work / f"synthetic-{size}.nt"
    if not data.exists():
        subprocess.run([sys.executable, BENCH / "gen_synthetic.py", str(size), "-o", data], check=True)
    results: dict[str, dict | None] = {}
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        store_dir, raw_dir = Path(tmp) / "kz.db", Path(tmp) / "raw.db"
        for path in paths:
            if path == "kzgraph --store":
                load = run_child("kzgraph-store-load", data, store_dir, timeout)
                results[path] = _merge(load, run_child("kzgraph-store-query", data, store_dir, timeout))
            elif path == "pyoxigraph disk":
                load = run_child("pyoxigraph-disk-load", data, raw_dir, timeout)
                results[path] = _merge(load, run_child("pyoxigraph-disk-query", data, raw_dir, timeout))
            elif path != "rdflib" or size <= rdflib_max:
                results[path] = run_child(path, data, raw_dir, timeout)
            else:
                results[path] = None
    return results


def _merge(load: dict | None, query: dict | None) -> dict | None:
    if load is None or query is None:
        return None
    return {
        "timings": {**load["timings"], **{k: v for k, v in query["timings"].items() if k != "import"}},
        "rows": query["rows"],
        "peak_rss_mb": max(load["peak_rss_mb"], query["peak_rss_mb"]),
    }


def total(result: dict) -> float:
    """Load (or open) plus the three queries: what a one-shot script pays after its imports."""
    return sum(v for k, v in result["timings"].items() if k != "import")


def report(size: int, results: dict[str, dict | None], timeout: float) -> str:
    lines = [
        f"### {size:,} synthetic triples (+ the bundled data)",
        "",
        "| path | load | open | predecessors | mergers | election-results | load+queries | vs kzgraph"
        " | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    reference = results.get("kzgraph")
    for path, result in results.items():
        if result is None:
            lines.append(f"| {path} | > {timeout:.0f} s or not run | | | | | | | |")
            continue
        t = result["timings"]
        cells = [_seconds(t.get(k)) for k in ("load", "open", "predecessors", "mergers", "election-results")]
        ratio = total(result) / total(reference) if reference else float("nan")
        rss = f"{result['peak_rss_mb']:,.0f} MB"
        lines.append(f"| {path} | {' | '.join(cells)} | {_seconds(total(result))} | {ratio:.2f}x | {rss} |")
    rows = {path: r["rows"] for path, r in results.items() if r}
    same = len({json.dumps(r, sort_keys=True) for r in rows.values()}) == 1
    lines += ["", f"Rows per query {'the same on every path' if same else 'DIFFER'}: {json.dumps(rows)}", ""]
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--rdflib-max", type=int, default=1_000_000, help="run rdflib up to this size")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a path is stopped")
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=PATHS, help="the paths to measure")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kzgraph-bench")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.data, args.dir)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        results = measure(size, args.work, args.timeout, args.rdflib_max, tuple(args.paths))
        print(report(size, results, args.timeout), flush=True)


if __name__ == "__main__":
    main()
