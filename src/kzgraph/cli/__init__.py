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
DATES_HELP = """Dates are ISO 8601 (EDTF): 1999-01-19, 1999-01 (a month) or 1999 (a year); 1999/.. means
    1999 or later (in tables: "1999 or later"), ../1999 1999 or earlier, 1999-09/1999-10 a span."""

# command name -> "module:function" in this package
COMMANDS = {
    "derive": "data_commands:derive",
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
    "site": "site_command:site",
    "stats": "lineage_commands:stats",
    "validate": "data_commands:validate",
    "viz": "lineage_commands:viz",
}


class KzgraphGroup(click.Group):
    """A click group whose errors are one line (usage errors exit 2, kzgraph errors exit 1) and
    whose commands are imported when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """As click's, with "did you mean" for a mistyped command name."""
        name = click.utils.make_str(args[0]) if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

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
        except OSError as e:  # a file or directory the command was given: say which and why
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"Error: {where}{e.strerror or e}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class YearType(click.ParamType):
    """A year written YYYY, as everywhere in kzgraph; the value stays the string given."""

    name = "YYYY"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not (len(text) == 4 and text.isascii() and text.isdigit()):
            self.fail(f"{value!r} is not a year (YYYY) written in the digits 0-9", param, ctx)
        return text


YEAR = YearType()


class StorePath(click.Path):
    """The directory of an on-disk store: never empty (an empty path would be the working directory)."""

    def __init__(self, exists: bool = False):
        super().__init__(exists=exists, file_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("an empty path is not a store directory", param, ctx)
        return super().convert(value, param, ctx)


def plural(count: int, word: str) -> str:
    """The count with its noun, singular for one: 1 triple, 2 triples, 1,234 graphs."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class _AsciiNumber:
    """Refuses numbers written with other scripts' digits (full-width 2004 and the like), which
    int() and float() would take: no value in the data is written so."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.isascii():
            self.fail(f"{value!r} is not a number written with the digits 0-9", param, ctx)
        return super().convert(value, param, ctx)


class Integer(_AsciiNumber, click.types.IntParamType):
    """click's INT, in ASCII digits."""


class IntRange(_AsciiNumber, click.IntRange):
    """click.IntRange, in ASCII digits."""


class FloatRange(_AsciiNumber, click.FloatRange):
    """click.FloatRange, in ASCII digits."""


def graph_options(command: Callable) -> Callable:
    """Options that choose what data the command runs on: the bundled data and --load files, or
    an on-disk store (--store). Stack more with source_option and endpoint_options."""
    command = base_option(command)
    command = click.option(
        "--store",
        "store",
        metavar="DIR",
        type=StorePath(),
        help="Read the on-disk store DIR that `kzgraph load --store DIR` built (nothing is parsed).",
    )(command)
    return click.option(
        "--load",
        "load_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Also load this RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD, .gz). Repeatable.",
    )(command)


def base_option(command: Callable) -> Callable:
    """--base IRI: what relative IRIs in the files to load resolve against."""
    return click.option(
        "--base",
        metavar="IRI",
        callback=_absolute_base,
        help="Resolve relative IRIs in the files to load against this IRI (without it they are refused).",
    )(command)


def _absolute_base(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from ..graph.params import expand_iri

    if value is None:
        return None
    try:
        iri = expand_iri(value.strip())
    except KzgraphError as e:
        raise click.BadParameter(str(e)) from None
    if iri is None:
        raise click.BadParameter(f"{value!r} is not an absolute IRI (e.g. https://example.org/data/)")
    return iri


def endpoint_options(command: Callable) -> Callable:
    """--endpoint/--timeout/--graph: run on a remote SPARQL 1.1 endpoint instead of the embedded
    store, optionally on some of its named graphs only."""
    command = click.option(
        "--graph",
        "graphs",
        multiple=True,
        metavar="IRI",
        help="With --endpoint: read these named graphs (FROM clauses), for a server whose default "
        "graph is not the union of its graphs. Repeatable.",
    )(command)
    command = click.option(
        "--timeout",
        type=FloatRange(min=0, min_open=True),
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
    base: str | None = None,
    graphs: tuple[str, ...] = (),
):
    """The graph the graph options name: a remote endpoint, an on-disk store, or the bundled data
    (and --load files, relative IRIs resolved against `base`) parsed into memory."""
    if sum(map(bool, (load_files, store, endpoint))) > 1:
        raise click.UsageError("--load, --store and --endpoint each choose the data: give only one")
    if base is not None and not load_files:
        raise click.UsageError("--base applies to --load files: give some, or leave it out")
    if graphs and not endpoint:
        raise click.UsageError("--graph names graphs of an --endpoint: give --endpoint too")
    if endpoint:
        from ..graph.remote import RemoteGraph

        graph = RemoteGraph(
            endpoint, timeout=timeout, graphs=[_absolute_iri(g, "--graph") for g in graphs] or None
        )
    elif store is not None:
        from ..graph.persistent import open_store

        graph = open_store(store)
    else:
        from ..graph.store import load

        graph = load(load_files, base=base)
    return graph if source == "all" else graph.restrict(source)


def _absolute_iri(value: str, option: str) -> str:
    from ..graph.params import expand_iri

    iri = expand_iri(value)
    if iri is None:
        raise click.BadParameter(f"{value!r} is not an absolute IRI", param_hint=option)
    return iri


def check_http_url(value: str | None, option: str = "--base-url") -> None:
    """Refuse a public URL that is not http(s); None (not given) passes."""
    if value is not None and not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not an http(s) URL", param_hint=option)


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
