"""`kzgraph import`: other sources' tables into the kzgraph ontology."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.group("import")
def import_group() -> None:
    """Import another dataset into the kzgraph ontology."""


@import_group.command("parlgov")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the graph to FILE: .ttl or .nt (no graph name; --load puts it in .../graph/user/FILE),"
    " .trig or .nq (in the named graph .../graph/parlgov).",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Load it into the on-disk store DIR (with the bundled data), in the named graph .../graph/parlgov.",
)
def parlgov(folder: Path, output: Path | None, store: Path | None) -> None:
    """Import the ParlGov tables in FOLDER (its CSV files, as in ParlGov's legacy export).

    Prints what was imported: the rows of each table, how many were imported, each row left out
    and why, and each election whose result seats do not add up to its seats_total.

    \b
    Example:
      kzgraph import parlgov ../shared/datasets/parlgov -o parlgov.ttl
      kzgraph run predecessors -p party="Democratic Party" -p country=ITA --load parlgov.ttl
      kzgraph import parlgov ../shared/datasets/parlgov --store kz.db
    """
    from ..importers.parlgov import PARLGOV_GRAPH, import_tables, serialize

    if (output is None) == (store is None):
        raise click.UsageError("give one of -o FILE and --store DIR")
    started = time.monotonic()
    triples, report = import_tables(folder)
    if output is not None:
        serialize(triples, output)
        click.echo(
            f"Wrote {report.triples:,} triples to {output} in {time.monotonic() - started:.1f} s", err=True
        )
    else:
        import tempfile

        from ..graph.persistent import load

        with tempfile.TemporaryDirectory() as scratch:
            staged = Path(scratch) / "parlgov.nt"
            serialize(triples, staged)
            load(store, [staged], graph=PARLGOV_GRAPH)
        click.echo(
            f"Loaded {report.triples:,} triples into <{PARLGOV_GRAPH}> of {store}"
            f" in {time.monotonic() - started:.1f} s",
            err=True,
        )
    for line in report.lines():
        click.echo(line)
