"""Interoperability matrix (issue 14): every stored query, as kzgraph sends it (parameters bound
by VALUES blocks), on every engine found installed, over the same quads (the bundled data with
its derived links and entailments), compared with the embedded engine's rows.

    python bench/interop.py            # the matrix as Markdown, one row per stored query

Engines: `oxigraph serve` (pip oxigraph), Virtuoso 7 (Debian virtuoso-opensource), rdflib's SPARQL
engine, and Jena TDB2 (Debian libapache-jena-java: `tdb2.tdbloader`, then `tdb2.tdbquery` with
the union default graph, one JVM per query) where installed. Each server is started on loopback
with a store of its own and stopped afterwards. Debian's Jena 4.5 fails to start as packaged
(its relocated xerces classes, package `xerces`, miss their message resources, which stay under
org/apache/jena/ext/xerces): the script copies them into a small resource jar on its class path.
Comunica 4.5 (`npm install @comunica/query-sparql@4.5`; Comunica 5 needs Node 22) runs where
`comunica-sparql` is on the PATH or $COMUNICA_SPARQL names it, one process per query, over the
N-Quads file served on loopback (--unionDefaultGraph).
Rows are compared as multisets of RDF terms, numbers by value at the precision the query's
front matter declares (tests/engines.py).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from engines import Runner, compare, graph_runner, query_text, rdflib_runner  # tests/engines.py
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
        if (JAVA_DIR / "jena-arq.jar").exists():
            engines["Jena TDB2 " + _jena_version()] = jena_runner(quads, graph, tmp / "jena")
        comunica = os.environ.get("COMUNICA_SPARQL") or shutil.which("comunica-sparql")
        if comunica:
            url = stack.enter_context(serving_file(quads))
            engines["Comunica " + _comunica_version(comunica)] = comunica_runner(comunica, url, graph, tmp)
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


JAVA_DIR = Path("/usr/share/java")
# Jena's jars and what Debian's libapache-jena-java depends on (/usr/share/java/* as a whole
# holds two slf4j bindings at once, which slf4j refuses).
_JENA_DEPENDENCIES = [
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-annotations",
    "jackson-core",
    "jackson-databind",
    "jakarta.json-api",
    "jsonld-java",
    "protobuf",
    "slf4j-api",
    "slf4j-nop",
    "thrift",
    "titanium-json-ld",
    "jcl-over-slf4j",
]


def jena_runner(quads: Path, resolver: kzgraph.Graph, directory: Path) -> Runner:
    """Jena TDB2: the quads bulk-loaded into a database, each query run by tdb2.tdbquery over the
    union of the named graphs."""
    directory.mkdir()
    resources = directory / "xerces-resources.jar"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar, zipfile.ZipFile(resources, "w") as out:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and not name.endswith((".class", "/")):
                out.writestr(name.replace("org/apache/jena/ext/xerces/", "xerces/"), jar.read(name))
    jars = [*sorted(JAVA_DIR.glob("jena-*.jar")), *(JAVA_DIR / f"{j}.jar" for j in _JENA_DEPENDENCIES)]
    classpath = ":".join(str(j) for j in [*jars, resources])
    database = directory / "tdb2"
    java = ["java", "-cp", classpath]
    subprocess.run(
        [*java, "tdb2.tdbloader", "--loc", str(database), str(quads)], check=True, capture_output=True
    )

    def run(query, params):
        text = directory / "query.rq"
        text.write_text(query_text(query, params, resolver), encoding="utf-8")
        command = ["tdb2.tdbquery", "--loc", str(database), "--set", "tdb:unionDefaultGraph=true"]
        done = subprocess.run(
            [*java, *command, "--query", str(text), "--results", "JSON"], capture_output=True, timeout=300
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace").strip().splitlines()[-1])
        return _visible(query, ox.parse_query_results(done.stdout, format=ox.QueryResultsFormat.JSON))

    return run


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving_file(path: Path) -> Iterator[str]:
    """The file over HTTP on a free loopback port until the block ends; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(path.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{path.name}"
    finally:
        server.shutdown()
        server.server_close()


def comunica_runner(binary: str, url: str, resolver: kzgraph.Graph, directory: Path) -> Runner:
    """Comunica's comunica-sparql over the quads file (default graph: the union)."""

    def run(query, params):
        text = directory / "comunica.rq"
        text.write_text(query_text(query, params, resolver), encoding="utf-8")
        command = [
            binary,
            url,
            "-f",
            str(text),
            "-t",
            "application/sparql-results+json",
            "--unionDefaultGraph",
        ]
        done = subprocess.run(command, capture_output=True, timeout=300)
        if done.returncode != 0 or not done.stdout.strip():
            lines = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
            errors = [line for line in lines if "Error" in line] or lines
            raise RuntimeError(errors[-1] if errors else f"exit status {done.returncode}")
        answer = json.loads(done.stdout)
        answer.pop("metadata", None)  # Comunica's own key after the bindings, which pyoxigraph refuses
        return _visible(
            query, ox.parse_query_results(json.dumps(answer).encode(), format=ox.QueryResultsFormat.JSON)
        )

    return run


def _comunica_version(binary: str) -> str:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=120)
    match = next((line for line in done.stdout.splitlines() if "Comunica" in line), "")
    return match.split()[-1] if match else ""


def _visible(query, solutions: ox.QuerySolutions) -> tuple[list[str], list[tuple]]:
    """Columns and rows without the parameter columns kzgraph hides (as Graph.run does)."""
    columns = [v.value for v in solutions.variables]
    hidden = {p.name for p in query.params} - set(query.columns)
    keep = [i for i, c in enumerate(columns) if c not in hidden]
    rows = [tuple(solution[i] for i in keep) for solution in solutions]
    if len(keep) < len(columns):
        rows = list(dict.fromkeys(rows))
    return [columns[i] for i in keep], rows


def _jena_version() -> str:
    with zipfile.ZipFile(JAVA_DIR / "jena-arq.jar") as jar:
        properties = jar.read("META-INF/maven/org.apache.jena/jena-arq/pom.properties").decode()
    return next((line[8:] for line in properties.splitlines() if line.startswith("version=")), "")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
