"""Benchmark for issue 13: hostile input files, and what the RDF/XML check costs on a good one.

Part 1 runs `kzgraph load --store` on each hostile file in a child process under a deadline and
an address-space cap (a regression, or an old checkout, is killed instead of eating the machine)
and prints its time, peak RSS and the first line of its error. Part 2 parses a large
well-formed RDF/XML file (the synthetic graph, exported) with raw pyoxigraph and with
kzgraph's load_file (expat checking each chunk), and prints medians and the ratio.

    python bench/bench_hostile.py [--src DIR] [--timeout 60] [--memory-gib 4] [--triples 100000]

--src runs part 1 against another checkout's src/ (e.g. main, for the "before" figures).
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox
from timing import median_ms  # bench/timing.py

RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
)
MIB = 1024 * 1024


def hostile_files(directory: Path) -> dict[str, Path]:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(entities)
        + "\n]>\n"
        + RDF_OPEN
        + '  <rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    pairs = 100_000
    deep = (
        f'<?xml version="1.0"?>\n{RDF_OPEN}'
        + "<rdf:Description><ex:p>" * pairs
        + "x"
        + "</ex:p></rdf:Description>" * pairs
        + "</rdf:RDF>\n"
    )
    literal = f'<http://example.org/a> <http://example.org/p> "{"a" * (17 * MIB)}" .\n'
    files = {
        "entity chain (billion laughs), laughs.rdf": ("laughs.rdf", laughs),
        "200k nested elements, deep.rdf": ("deep.rdf", deep),
        "17 MiB literal, long.nt": ("long.nt", literal),
    }
    written = {}
    for label, (name, text) in files.items():
        written[label] = directory / name
        written[label].write_text(text, encoding="utf-8")
    return written


# The CLI, writing the child's own peak RSS at exit (VmHWM: its image after exec; getrusage
# would count this process's pages at the fork too) to the file named first.
_CHILD = """
import atexit, sys
def peak():
    with open("/proc/self/status") as status, open(sys.argv[1], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
from kzgraph.cli import cli
cli(sys.argv[2:], prog_name="kzgraph")
"""


def bounded_load(src: Path, store: Path, file: Path, seconds: float, address_space: int):
    """Time, peak RSS in MB (VmHWM; if the child was killed, getrusage's, which is at least
    this process's RSS at the fork) and outcome of `kzgraph load --store` on `file`."""
    peak = store.with_suffix(".peak")

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    env = {**os.environ, "PYTHONPATH": str(src)}
    args = [sys.executable, "-c", _CHILD, str(peak), "load", "--store", str(store), str(file)]
    started = time.monotonic()
    child = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit, env=env
    )
    killed = threading.Event()

    def kill():
        killed.set()
        child.send_signal(signal.SIGKILL)

    timer = threading.Timer(seconds, kill)
    timer.start()
    try:
        stderr = child.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
        child.stderr.close()
        child.returncode = 0  # reaped by wait4
    elapsed = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    lines = stderr.strip().splitlines()
    if killed.is_set():
        outcome = f"killed at the {seconds:.0f} s deadline"
    elif code < 0 or "MemoryError" in stderr or "Traceback" in stderr:
        outcome = f"exit {code}: {lines[-1][:90] if lines else ''} ({len(lines)} lines)"
    else:
        outcome = f"exit {code}: {lines[0][:90] if lines else ''}"
    rss_kb = int(peak.read_text()) if peak.exists() else usage.ru_maxrss
    return elapsed, rss_kb / 1024, outcome


def check_overhead(triples: int, repeat: int) -> None:
    from gen_synthetic import triples as synthetic  # bench/gen_synthetic.py
    from gen_synthetic import write

    from kzgraph.graph.store import load_file

    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "synthetic.nt"
        with open(nt, "w", encoding="utf-8") as out:
            write(out, synthetic(triples))
        store = ox.Store()
        store.load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        xml = Path(tmp) / "synthetic.rdf"
        xml.write_bytes(store.dump(format=ox.RdfFormat.RDF_XML, from_graph=ox.DefaultGraph()))
        size = xml.stat().st_size / MIB

        def raw():
            with open(xml, "rb") as stream:
                ox.Store().load(stream, format=ox.RdfFormat.RDF_XML, to_graph=ox.NamedNode("http://g/"))

        def checked():
            load_file(ox.Store(), xml, "http://g/")

        raw_ms, checked_ms = median_ms(raw, repeat), median_ms(checked, repeat)
        print(f"\nRDF/XML, {len(store):,} triples, {size:.1f} MiB (median of {repeat})")
        print("| parse | median | ratio |\n|---|---|---|")
        print(f"| raw pyoxigraph `Store.load` | {raw_ms:,.0f} ms | 1.00 |")
        ratio = checked_ms / raw_ms
        print(f"| kzgraph `load_file` (expat check on each chunk) | {checked_ms:,.0f} ms | {ratio:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--memory-gib", type=float, default=4.0)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-overhead", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        caps = f"deadline {args.timeout:.0f} s, {args.memory_gib:g} GiB cap"
        print(f"kzgraph load --store, from {args.src} ({caps})")
        print("| file | bytes | time | peak RSS | outcome |\n|---|---|---|---|---|")
        for label, file in hostile_files(directory).items():
            store = directory / f"{file.stem}.db"
            seconds, rss_mb, outcome = bounded_load(
                args.src, store, file, args.timeout, int(args.memory_gib * 1024**3)
            )
            print(f"| {label} | {file.stat().st_size:,} | {seconds:.2f} s | {rss_mb:,.0f} MB | {outcome} |")
    if not args.skip_overhead:
        check_overhead(args.triples, args.repeat)


if __name__ == "__main__":
    main()
