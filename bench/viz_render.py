"""Benchmark for issue 4: generate and render the lineage page of a ~2,000-organisation graph.

The graph is bench/gen_synthetic.py's deterministic synthetic lineage (167 "countries" of 12
organisations: 2,004 organisations with mergers, accessions, renamings, splits, re-foundations
and foundings on the basis of others), loaded with the ontology. Compares, in one run:

- extracting the lineage: kzgraph (`read_lineage`: three stored queries and Python
  objects) with the same three queries in raw pyoxigraph and in plain rdflib;
- generating the page: layout and pyvis network (`build_network`), then HTML (`write_html`);
- rendering it in headless Chromium (networking blocked) from navigation to the first complete
  frame: kzgraph's page (computed layout, physics off) with pyvis' default page for the same
  nodes and edges (physics on: the first complete frame follows stabilisation).

    python bench/viz_render.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox
from timing import median_ms  # bench/timing.py

import kzgraph
from kzgraph.graph.catalog import Catalog
from kzgraph.graph.namespaces import PREFIXES
from kzgraph.lineage.model import Lineage
from kzgraph.lineage.read import read_lineage
from kzgraph.lineage.viz import build_network
from kzgraph.resources import ONTOLOGY_DIR

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "tests")]

from browser import launch_chromium  # noqa: E402
from gen_synthetic import triples  # noqa: E402

TRIPLES = 60_200  # whole countries of 12 organisations: 2,004 organisations
QUERIES = ("organisations", "lineage-edges", "organisation-results")
OURS_DRAWN = "window.kzgraph && window.kzgraph.drawn"
PYVIS_DONE = (
    "(() => { const t = document.getElementById('text');"
    " return typeof network !== 'undefined' && t && t.textContent === '100%'"
    " ? performance.now() : false; })()"
)


def render_ms(browser, path: Path, ready: str, repeat: int) -> float:
    """Median in-page time from navigation start to `ready` (a JS expression giving that time)."""
    times = []
    for _ in range(repeat):
        page = browser.open(path.as_uri(), viewport=(1600, 1000), wait_until="commit")
        times.append(page.wait_for_function(ready, timeout=600_000, polling=20).json_value())
        page.close()
    return statistics.median(times)


def pyvis_default_page(lineage: Lineage, path: Path) -> None:
    """What plain pyvis writes for the same nodes and edges (its defaults: physics on)."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for iri, org in lineage.organisations.items():
        net.add_node(iri, label=org.name, title=org.name)
    for link in lineage.links:
        net.add_edge(link.source, link.target, title=link.relation_label)
    net.write_html(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    work = Path(tempfile.mkdtemp(prefix="kzgraph-viz-bench-"))
    data = work / "synthetic.nt"
    data.write_text("\n".join(triples(TRIPLES)) + "\n", encoding="utf-8")
    files = [ONTOLOGY_DIR / "kzgraph.ttl", data]

    graph = kzgraph.load(files, bundled=False)
    lineage = read_lineage(graph)
    print(f"{len(graph)} quads, {len(lineage.organisations)} organisations, {len(lineage.links)} links")

    catalog = Catalog()
    texts = [catalog.get(name).sparql for name in QUERIES]
    raw = ox.Store()
    raw.extend(graph.store.quads_for_pattern(None, None, None, None))

    def raw_queries() -> None:
        for text in texts:
            list(raw.query(text, use_default_graph_as_union=True, prefixes=PREFIXES))

    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=raw.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    namespaces = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}

    def rdflib_queries() -> None:
        for text in texts:
            list(dataset.query(text, initNs=namespaces))

    def extract_ours() -> Lineage:
        return read_lineage(graph)

    extract = [
        (
            "kzgraph `read_lineage` (3 stored queries + objects)",
            median_ms(lambda: read_lineage(graph), repeat),
        ),
        ("raw pyoxigraph, the same 3 queries", median_ms(raw_queries, repeat)),
        ("rdflib `Dataset`, the same 3 queries", median_ms(rdflib_queries, 1)),
    ]
    network = build_network(lineage)
    generate = [
        ("layout + pyvis network (`build_network`)", median_ms(lambda: build_network(lineage), repeat)),
        ("HTML (`write_html`)", median_ms(lambda: network.write_html(work / "ours.html"), repeat)),
    ]
    pyvis_default_page(lineage, work / "pyvis.html")
    size = (work / "ours.html").stat().st_size
    with launch_chromium(work / "profile") as browser:
        ours = render_ms(browser, work / "ours.html", OURS_DRAWN, repeat)
        theirs = render_ms(browser, work / "pyvis.html", PYVIS_DONE, 1)
    render = [
        ("kzgraph page: navigation to first complete frame", ours),
        ("pyvis default page (physics): navigation to stabilised", theirs),
    ]

    print(f"\nmedian of {repeat} runs (rdflib and the pyvis default page: 1 run); page {size / 1e6:.2f} MB\n")
    print("| step | median | ratio to kzgraph |\n|---|---|---|")
    for rows in (extract, generate[:1], generate[1:], render):
        base = rows[0][1]
        for name, ms in rows:
            print(f"| {name} | {ms:,.0f} ms | {ms / base:.2f} |")
    total = sum(ms for _, ms in generate) + extract[0][1]
    print(f"\ngeneration (extract + build + write): {total:,.0f} ms")
    print(f"render: {ours:,.0f} ms (target <= 3,000 ms)")


if __name__ == "__main__":
    main()
