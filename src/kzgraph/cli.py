"""The `kzgraph` command line. The only module that prints, parses arguments and sets exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .errors import KzgraphError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
TABLE_FORMATS = ["table", "json", "csv", "tsv", "xml"]
RDF_FORMATS = ["ttl", "nt", "jsonld", "rdfxml"]


class KzgraphGroup(click.Group):
    """A click group whose errors are one line: usage errors exit 2, kzgraph errors exit 1."""

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
    """Options that choose what data the command runs on."""
    return click.option(
        "--load",
        "load_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Also load this RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD, .gz). Repeatable.",
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


def open_graph(load_files: tuple[Path, ...] = (), source: str = "all"):
    from .store import load

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


@cli.command()
@click.argument("name", required=False)
def queries(name: str | None) -> None:
    """List the stored queries, or show one with its parameters and SPARQL.

    \b
    Example:
      kzgraph queries
      kzgraph queries predecessors
    """
    from .catalog import Catalog

    catalog = Catalog()
    if name is None:
        rows = [(q.name, q.title, " ".join(_param_usage(p) for p in q.params)) for q in catalog]
        width = max((len(r[0]) for r in rows), default=0)
        for qname, title, params in rows:
            click.echo(f"{qname.ljust(width)}  {title}" + (f"  {params}" if params else ""))
        return
    query = catalog.get(name)
    click.echo(f"# {query.name}: {query.title}")
    if query.description:
        click.echo("\n".join(f"# {line}" for line in query.description.splitlines()))
    for p in query.params:
        extra = ", ".join(
            f"{k} {v}" for k, v in (("default", p.default), ("example", p.example)) if v is not None
        )
        click.echo(f"# param {_param_usage(p)} ({p.type}{', ' + extra if extra else ''}): {p.description}")
    if query.columns:
        click.echo(f"# columns: {', '.join(query.columns)}")
    click.echo()
    click.echo("\n".join(line for line in query.sparql.splitlines() if not line.startswith("#+")).strip())


def _param_usage(param) -> str:
    return f"{param.name}=…" if param.required else f"[{param.name}=…]"


@cli.command()
@click.argument("name")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter. Repeatable."
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(TABLE_FORMATS + RDF_FORMATS),
    default="table",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(min=0), help="Print at most this many rows.")
@graph_options
@source_option
def run(name: str, params: tuple[str, ...], fmt: str, limit: int | None, load_files, source: str) -> None:
    """Run a stored query by name.

    \b
    Example:
      kzgraph run predecessors --param party="Nur Otan"
      kzgraph run election-results -p year=2004 --format csv
      kzgraph run successors --param party=Otan --source paper
    """
    from .output import render

    values = parse_params(params)
    graph = open_graph(load_files, source)
    _echo(render(graph.run(name, limit=limit, **values), fmt))


@cli.command()
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from FILE (- for stdin).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(TABLE_FORMATS + RDF_FORMATS),
    default=None,
    help="Output format [default: table for SELECT/ASK, ttl for CONSTRUCT/DESCRIBE].",
)
@click.option("--limit", type=click.IntRange(min=0), help="Print at most this many rows.")
@graph_options
@source_option
def query(sparql: str | None, file, fmt: str | None, limit: int | None, load_files, source: str) -> None:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE); '-' reads stdin.

    The kzgraph prefixes (kz:, party:, election:, skos:, org:, ...) are predeclared.

    \b
    Example:
      kzgraph query 'SELECT ?p WHERE { ?p a kz:PoliticalParty }'
      kzgraph query -f my.rq --format json
    """
    from .output import render
    from .results import GraphResult

    if file is not None:
        if sparql is not None:
            raise click.UsageError("give the query as an argument or with --file, not both")
        text = file.read()
    elif sparql == "-":
        text = sys.stdin.read()
    elif sparql:
        text = sparql
    else:
        raise click.UsageError("no query: give SPARQL as an argument, with --file FILE, or '-' for stdin")
    result = open_graph(load_files, source).query(text, limit=limit)
    if fmt is None:
        fmt = "ttl" if isinstance(result, GraphResult) else "table"
    elif isinstance(result, GraphResult) and fmt not in RDF_FORMATS:
        raise click.UsageError(f"CONSTRUCT/DESCRIBE results are RDF: use one of {', '.join(RDF_FORMATS)}")
    elif not isinstance(result, GraphResult) and fmt in RDF_FORMATS:
        raise click.UsageError(f"SELECT/ASK results are tables: use one of {', '.join(TABLE_FORMATS)}")
    _echo(render(result, fmt))


@cli.command()
@graph_options
def validate(load_files) -> None:
    """Check the data against the SHACL shapes (ontology/shapes.ttl; the post-2012 graph also
    against ontology/shapes-post-2012.ttl).

    Exit code 0: the data conforms; 1: violations (listed); 2: usage error.

    \b
    Example:
      kzgraph validate
      kzgraph validate --load my-parties.ttl
    """
    from .validate import validate as run_validation

    report = run_validation(open_graph(load_files))
    if report.conforms:
        click.echo("Conforms: the data satisfies every shape in ontology/shapes*.ttl.")
        return
    for violation in report.violations:
        click.echo(str(violation))
    raise click.ClickException(f"{len(report.violations)} SHACL result(s); the data does not conform")


@cli.command()
@click.argument("party")
@graph_options
@source_option
def lineage(party: str, **graph_args) -> None:
    """Print a party's lineage: its ancestors and descendants as trees, with relation and date.

    PARTY is any of the organisation's names (case-insensitive) or its IRI.

    \b
    Example:
      kzgraph lineage "Nur Otan"
      kzgraph lineage CPPK
    """
    from .lineage import Lineage

    graph = open_graph(**graph_args)
    iri = graph.resolve_organisation(party).value
    _echo(Lineage.from_graph(graph).tree(iri))


@cli.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@graph_options
@source_option
def stats(fmt: str, **graph_args) -> None:
    """Consolidation figures of the party system, computed from the lineage graph: parties per
    year, the largest merger, the longest lineage chain, roots that survive to 2012, connected
    components.

    \b
    Example:
      kzgraph stats
      kzgraph stats --format json
    """
    import json

    from .lineage import Lineage, format_stats, stats_json

    lineage_graph = Lineage.from_graph(open_graph(**graph_args))
    figures = lineage_graph.stats()
    if fmt == "json":
        _echo(json.dumps(stats_json(figures, lineage_graph.labels()), ensure_ascii=False, indent=2))
    else:
        _echo(format_stats(figures, lineage_graph.labels()))


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default="lineage.html",
    show_default=True,
    help="Write the page to this file.",
)
@click.option("--party", metavar="NAME", help="Draw only this party's lineage (ancestors and descendants).")
@click.option("--from", "start", type=int, metavar="YEAR", help="Draw only organisations active from YEAR.")
@click.option("--to", "end", type=int, metavar="YEAR", help="Draw only organisations active up to YEAR.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@graph_options
@source_option
def viz(
    output: Path, party: str | None, start: int | None, end: int | None, open_page: bool, **graph_args
) -> None:
    """Write the interactive lineage graph: one self-contained HTML page (works offline) with the
    parties, movements and blocs on a time axis, coloured by their 2012 stance group.

    \b
    Example:
      kzgraph viz -o lineage.html
      kzgraph viz --party "Nur Otan" -o nur-otan.html
      kzgraph viz --from 1999 --to 2007 --open
      kzgraph viz --source paper -o paper.html
    """
    from .viz import lineage_page

    if start is not None and end is not None and start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}", param_hint="--from/--to")
    network = lineage_page(open_graph(**graph_args), party=party, start=start, end=end)
    path = network.write_html(output)
    click.echo(f"Wrote {path} ({len(network.nodes)} organisations, {len(network.edges)} links)", err=True)
    if open_page:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@cli.command()
@graph_options
@source_option
def quickstatements(load_files, source: str) -> None:
    """Print lineage links as Wikidata QuickStatements (V1) to contribute them back.

    Each link between organisations with different Wikidata items becomes "replaces" (P1365)
    and "replaced by" (P1366), with its date (P585) and its web sources as references.

    \b
    Example:
      kzgraph quickstatements > lineage.qs
    """
    from .quickstatements import render

    batch = render(open_graph(load_files, source))
    if batch:
        _echo(batch)

def _echo(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))
