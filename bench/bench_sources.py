"""Benchmark for issue 8: loading with per-source derivation, and a query restricted to the paper.

Compares, in one run, kzgraph (load + layered rules; Graph.restrict("paper").query) with raw
pyoxigraph (the same files, no rules; default_graph = the paper's graphs) and plain rdflib
(a Dataset; the query over a union of the paper's graphs). Prints medians and ratios.

    python bench/bench_sources.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os

import pyoxigraph as ox
from timing import median_ms  # bench/timing.py

import kzgraph
from kzgraph.graph.namespaces import DERIVED_GRAPH, ONTOLOGY_GRAPH, PAPER_GRAPH, PREFIXES
from kzgraph.graph.store import bundled_files, derive, load_file
from kzgraph.resources import ENTAILMENT_RULES_DIR

QUERY = """SELECT ?event ?from ?to WHERE {
  ?event a ?class ; org:originalOrganization ?from ; org:resultingOrganization ?to .
  ?class rdfs:subClassOf kz:LineageEvent . }"""
PAPER = (ONTOLOGY_GRAPH, PAPER_GRAPH, DERIVED_GRAPH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat

    parsed = ox.Store()
    for path, graph in bundled_files():
        load_file(parsed, path, graph)
    quads = list(parsed)

    def raw_load() -> ox.Store:
        store = ox.Store()
        store.extend(quads)
        return store

    def one_layer_load() -> ox.Store:
        # every source as if it were the paper: the rules run once, as before issue 8
        store = ox.Store()
        paper = ox.NamedNode(PAPER_GRAPH)
        store.extend(q if q.graph_name.value == ONTOLOGY_GRAPH else ox.Quad(*q.triple, paper) for q in quads)
        derive(store)
        derive(store, ENTAILMENT_RULES_DIR)
        return store

    def uncached_load() -> kzgraph.Graph:
        os.environ["KZGRAPH_CACHE_DIR"] = ""
        try:
            return kzgraph.load()
        finally:
            del os.environ["KZGRAPH_CACHE_DIR"]

    def rdflib_load():
        import rdflib

        dataset = rdflib.Dataset()
        for path, graph in bundled_files():
            dataset.graph(rdflib.URIRef(graph)).parse(path, format="turtle")
        return dataset

    prefixes = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    graph = kzgraph.load()
    paper = graph.restrict("paper")
    raw = raw_load()
    dataset = rdflib_load()

    def rdflib_query():
        import rdflib

        union = rdflib.Graph()
        for name in PAPER:
            union += dataset.graph(rdflib.URIRef(name))
        return list(union.query(prefixes + QUERY))

    loads = {
        "kzgraph.load(), cache off (parse + layered rules)": median_ms(uncached_load, repeat),
        "kzgraph rules in one layer (all sources as one)": median_ms(one_layer_load, repeat),
        "kzgraph.load() from the cache": median_ms(kzgraph.load, repeat),
        "raw pyoxigraph (parse, no rules)": median_ms(raw_load, repeat),
        "rdflib Dataset (parse, no rules)": median_ms(rdflib_load, max(3, repeat // 5)),
    }
    queries = {
        "kzgraph Graph.restrict('paper').query": median_ms(lambda: paper.query(QUERY), repeat),
        "raw pyoxigraph default_graph=[paper graphs]": median_ms(
            lambda: list(raw.query(QUERY, prefixes=PREFIXES, default_graph=[ox.NamedNode(g) for g in PAPER])),
            repeat,
        ),
        "rdflib union of the paper graphs": median_ms(rdflib_query, max(3, repeat // 5)),
    }
    rows = len(paper.query(QUERY))
    print(f"{len(graph)} quads; the query returns {rows} paper events (of {len(graph.query(QUERY))} in all)")
    for title, timings in (("load", loads), ("query", queries)):
        base = next(iter(timings.values()))
        print(f"\n{title}:")
        for name, ms in timings.items():
            print(f"  {name:48s} {ms:9.2f} ms   ratio to kzgraph {ms / base:6.2f}")


if __name__ == "__main__":
    main()
