"""Whole-process, cold: `kzgraph run predecessors --param party="Nur Otan"` vs a plain-rdflib script
and a raw-pyoxigraph script doing the same load and query (issue 3).

    python bench/cli_startup.py --repeat 7

Each command runs as a new process; the figure is the median wall time. The scripts load the
same bundled files and ask the predecessors question written out over the events (they have no
derived links); the row counts are checked to agree. kzgraph's modules are byte-compiled first,
as `pip install` does: an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise
compile every module from source on each run (about 5 ms), which no installed copy does.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import raw_predecessors  # bench/run.py

import kzgraph
from kzgraph.graph.store import bundled_files

QUERY = raw_predecessors('?party skos:altLabel "Nur Otan"@en .')
# The scripts get the files on their command line and import nothing of kzgraph, so that
# their times are theirs alone.
RDFLIB = f"""
import sys
import rdflib
graph = rdflib.Graph()
for path in sys.argv[1:]:
    graph.parse(path, format="turtle")
rows = list(graph.query({QUERY!r}))
print(len(rows))
"""
PYOXIGRAPH = f"""
import sys
import pyoxigraph as ox
store = ox.Store()
for path in sys.argv[1:]:
    store.load(path=path, to_graph=ox.NamedNode("urn:g:" + path))
rows = list(store.query({QUERY!r}, use_default_graph_as_union=True))
print(len(rows))
"""


def timed(command: list[str], repeat: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    # The console script beside this interpreter: a version manager's shim (pyenv) on PATH adds
    # its own start-up to whatever it runs.
    beside = Path(sys.executable).parent / "kzgraph"
    console_script = str(beside) if beside.exists() else shutil.which("kzgraph")
    if console_script is None:
        sys.exit("kzgraph is not installed (pip install -e .)")
    compileall.compile_dir(Path(kzgraph.__file__).parent, quiet=1)
    command = [console_script, "run", "predecessors", "--param", "party=Nur Otan", "--format", "csv"]
    ours, table = timed(command, args.repeat)
    files = [str(path) for path, _ in bundled_files()]  # what kzgraph loads: ontology and all data
    rdflib, rdflib_rows = timed([sys.executable, "-c", RDFLIB, *files], args.repeat)
    raw, raw_rows = timed([sys.executable, "-c", PYOXIGRAPH, *files], args.repeat)
    rows = len(table.strip().splitlines()) - 1
    print(f"rows: kzgraph {rows}, rdflib {rdflib_rows.strip()}, pyoxigraph {raw_rows.strip()}")
    print("| command (whole process, cold) | median | kzgraph is |")
    print("|---|---|---|")
    print(f'| `kzgraph run predecessors --param party="Nur Otan"` | {ours * 1000:.0f} ms | |')
    print(f"| plain rdflib script | {rdflib * 1000:.0f} ms | {rdflib / ours:.1f}x faster |")
    print(f"| raw pyoxigraph script | {raw * 1000:.0f} ms | {ours / raw:.2f}x its time |")


if __name__ == "__main__":
    main()
