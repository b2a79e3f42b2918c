"""Interoperability matrix (issue 14): every stored query, as kzgraph sends it (parameters bound
by VALUES blocks), on every engine found installed, over the same quads (the bundled data with
its derived links and entailments), compared with the embedded engine's rows.

    python bench/interop.py            # the matrix as Markdown, one row per stored query

Engines: `oxigraph serve` (pip oxigraph), Virtuoso 7 (Debian virtuoso-opensource), rdflib's SPARQL
engine. Each server is started on loopback with a store of its own and stopped afterwards.
Jena and Comunica are not installed here: their columns are left out (see docs/scale.md).
Rows are compared as multisets of RDF terms, numbers by value at the precision the query's
front matter declares (tests/engines.py).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from engines import compare, graph_runner, rdflib_runner  # tests/engines.py
from serving import VIRTUOSO_PASSWORD, VIRTUOSO_USER, running_oxigraph, running_virtuoso

import kzgraph
from kzgraph.graph.remote import RemoteGraph, push


def main() -> None:
    graph = kzgraph.load()
    embedded = graph_runner(graph)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        quads = tmp / "kzgraph.nq"
        graph.entail().store.dump(quads, format=ox.RdfFormat.N_QUADS)
        engines = {}
        if shutil.which("oxigraph"):
            url = stack.enter_context(running_oxigraph(tmp / "oxigraph"))
            push(graph, f"{url}/store")
            engines["oxigraph serve"] = graph_runner(RemoteGraph(f"{url}/query", timeout=60))
        if shutil.which("virtuoso-t"):
            url = stack.enter_context(running_virtuoso(tmp / "virtuoso"))
            os.environ.setdefault("KZGRAPH_USER", VIRTUOSO_USER)
            os.environ.setdefault("KZGRAPH_PASSWORD", VIRTUOSO_PASSWORD)
            push(graph, f"{url}/sparql-graph-crud-auth")
            engines["Virtuoso 7"] = graph_runner(RemoteGraph(f"{url}/sparql", timeout=60))
        engines["rdflib " + _version("rdflib")] = rdflib_runner(quads, graph)
        print(f"{len(graph.entail().store):,} quads; {len(graph.catalog)} stored queries\n")
        print("| query | " + " | ".join(engines) + " |")
        print("|---|" + "---|" * len(engines))
        same = dict.fromkeys(engines, 0)
        started = time.perf_counter()
        for query in graph.catalog:
            verdicts = []
            for name, engine in engines.items():
                verdict = compare(query, embedded, engine)
                same[name] += verdict == "same"
                verdicts.append(verdict)
            print(f"| {query.name} | " + " | ".join(verdicts) + " |", flush=True)
        print("| **same** | " + " | ".join(f"{n} of {len(graph.catalog)}" for n in same.values()) + " |")
        print(f"\n({time.perf_counter() - started:.1f} s)")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
