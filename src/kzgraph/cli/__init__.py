"""The `kzgraph` command line: the only code that prints, parses arguments and sets exit codes.

The group loads a command's module only when that command runs (click's lazy-loading pattern),
so that `kzgraph run` does not pay for importing every other command."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import KzgraphError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
TABLE_FORMATS = ["table", "json", "csv", "tsv", "xml"]
RDF_FORMATS = ["ttl", "nt", "jsonld", "rdfxml"]

# command name -> "module:function" in this package
COMMANDS = {
    "compare": "election_commands:compare",
    "describe": "data_commands:describe",
    "docs": "data_commands:docs",
    "drop": "data_commands:drop",
    "export": "data_commands:export_command",
    "import": "import_commands:import_group",
    "indices": "election_commands:indices",
    "lineage": "lineage_commands:lineage",
    "load": "data_commands:load_command",
    "push": "data_commands:push",
    "queries": "query_commands:queries",
    "query": "query_commands:query",
    "quickstatements": "data_commands:quickstatements",
    "run": "query_commands:run",
    "seats": "election_commands:seats",
    "serve": "serve_command:serve",
    "stats": "lineage_commands:stats",
    "validate": "data_commands:validate",
    "viz": "lineage_commands:viz",
}


class KzgraphGroup(click.Group):
    """A click group whose errors are one line (usage errors exit 2, kzgraph errors exit 1) and
    whose commands are imported when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, function = COMMANDS[name].split(":")
            return getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return super().get_command(ctx, name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            command = e.ctx.command_path if e.ctx else "kzgraph"
            click.echo(f"Error: {e.format_message()} (see: {command} --help)", err=True)
            sys.exit(2)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        except KzgraphError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def graph_options(command: Callable) -> Callable:
    """Options that choose what data the command runs on: the bundled data and --load files, or
    an on-disk store (--store). Stack more with source_option and endpoint_options."""
    command = click.option(
        "--store",
        "store",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="Read the on-disk store DIR that `kzgraph load --store DIR` built (nothing is parsed).",
    )(command)
    return click.option(
        "--load",
        "load_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Also load this RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD, .gz). Repeatable.",
    )(command)


def endpoint_options(command: Callable) -> Callable:
    """--endpoint/--timeout: run on a remote SPARQL 1.1 endpoint instead of the embedded store."""
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        metavar="SECONDS",
        help="With --endpoint: give up on a request after this long.",
    )(command)
    return click.option(
        "--endpoint",
        metavar="URL",
        help="Query this SPARQL 1.1 endpoint (e.g. http://localhost:7878/query) instead of the bundled data.",
    )(command)


def source_option(command: Callable) -> Callable:
    """--source: read every graph (default) or only the paper's (ontology, paper, derived from the paper)."""
    return click.option(
        "--source",
        type=click.Choice(["all", "paper"]),
        default="all",
        show_default=True,
        help="paper: only the facts of the source paper (leaves out data/post-2012 and --load files).",
    )(command)


def country_option(command: Callable) -> Callable:
    """--country: where party names collide across countries, look the party up in this one."""
    return click.option(
        "--country",
        metavar="CODE",
        help="Look party names up among this country's organisations only (ParlGov's code, e.g. ITA;"
        " KAZ for the bundled data).",
    )(command)


def open_graph(
    load_files: tuple[Path, ...] = (),
    source: str = "all",
    store: Path | None = None,
    endpoint: str | None = None,
    timeout: float = 30.0,
):
    """The graph the graph options name: a remote endpoint, an on-disk store, or the bundled data
    (and --load files) parsed into memory."""
    if sum(map(bool, (load_files, store, endpoint))) > 1:
        raise click.UsageError("--load, --store and --endpoint each choose the data: give only one")
    if endpoint:
        from ..graph.remote import RemoteGraph

        graph = RemoteGraph(endpoint, timeout=timeout)
    elif store is not None:
        from ..graph.persistent import open_store

        graph = open_store(store)
    else:
        from ..graph.store import load

        graph = load(load_files)
    return graph if source == "all" else graph.restrict(source)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--param")
        params[key.strip()] = value
    return params


@click.group(cls=KzgraphGroup, context_settings=CONTEXT)
@click.version_option(package_name="kzgraph")
def cli() -> None:
    """A sourced knowledge graph of Kazakhstan's party system: stored SPARQL queries,
    lineage, linked-data export."""


def write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as e:
        raise click.ClickException(f"{output}: can't write: {e.strerror or e}") from None
    click.echo(f"Wrote {output} ({len(data):,} bytes)", err=True)


def echo_text(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))
