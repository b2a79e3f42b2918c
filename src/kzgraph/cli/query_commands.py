"""Commands that list and run SPARQL: the stored-query catalog and ad-hoc queries."""

from __future__ import annotations

import sys

import click

from . import (
    DATES_HELP,
    RDF_FORMATS,
    TABLE_FORMATS,
    IntRange,
    country_option,
    echo_text,
    endpoint_options,
    graph_options,
    open_graph,
    parse_params,
    source_option,
)


@click.command()
@click.argument("name", required=False)
def queries(name: str | None) -> None:
    """List the stored queries, or show one with its parameters and SPARQL.

    \b
    Example:
      kzgraph queries
      kzgraph queries predecessors
    """
    from ..graph.catalog import Catalog

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


WIDTH_HELP = (
    "Fit the table to this many columns, cutting long cells with '…' (0: never cut)"
    " [default: $COLUMNS, else the terminal's width; no limit when piped]."
)


@click.command(epilog=DATES_HELP)
@click.argument("name")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter. Repeatable."
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(TABLE_FORMATS),
    default="table",
    show_default=True,
    help="Stored queries are SELECTs: a table or a W3C SPARQL results format.",
)
@click.option("--limit", type=IntRange(min=0), help="Print at most this many rows.")
@click.option("--width", type=IntRange(min=0), metavar="COLUMNS", help=WIDTH_HELP)
@country_option
@graph_options
@source_option
@endpoint_options
def run(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    limit: int | None,
    width: int | None,
    country: str | None,
    **graph_args,
) -> None:
    """Run a stored query by name.

    \b
    Example:
      kzgraph run predecessors --param party="Nur Otan"
      kzgraph run election-results -p year=2004 --format csv
      kzgraph run successors --param party=Otan --source paper
      kzgraph run predecessors -p party="Democratic Party" --country ITA --load parlgov.ttl
    """
    from ..output import render, table_width

    values = parse_params(params)
    graph = open_graph(**graph_args).in_country(country)
    stored = graph.catalog.get(name)
    result = graph.run(stored, limit=limit, **values)
    echo_text(render(result, fmt, width=table_width(width)))
    years = [p.name for p in stored.params if p.type == "year" and p.name in values]
    if not len(result) and years:
        click.echo(
            f"No rows for {', '.join(f'{y}={values[y]}' for y in years)}. {_election_years(graph)}", err=True
        )


ELECTION_YEARS = """SELECT DISTINCT ?year WHERE {
  ?result a kz:ElectionResult ; kz:election/kz:isoDate ?date .
  BIND (SUBSTR(?date, 1, 4) AS ?year) } ORDER BY ?year"""


def _election_years(graph) -> str:
    years = ", ".join(y for y in graph.query(ELECTION_YEARS).column("year") if y)
    return f"Years with election results: {years} (see: kzgraph run elections)"


@click.command(epilog=DATES_HELP)
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
@click.option("--limit", type=IntRange(min=0), help="Print at most this many rows.")
@click.option("--width", type=IntRange(min=0), metavar="COLUMNS", help=WIDTH_HELP)
@graph_options
@source_option
@endpoint_options
def query(
    sparql: str | None, file, fmt: str | None, limit: int | None, width: int | None, **graph_args
) -> None:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE); '-' reads stdin.

    The kzgraph prefixes (kz:, party:, election:, skos:, org:, ...) are predeclared.

    \b
    Example:
      kzgraph query 'SELECT ?p WHERE { ?p a kz:PoliticalParty }'
      kzgraph query -f my.rq --format json
    """
    from ..graph.results import GraphResult
    from ..output import render, table_width

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
    # ad-hoc SPARQL may read super-classes, inverses, rdfs:label...: materialise them first
    result = open_graph(**graph_args).entail().query(text, limit=limit)
    if fmt is None:
        fmt = "ttl" if isinstance(result, GraphResult) else "table"
    elif isinstance(result, GraphResult) and fmt not in RDF_FORMATS:
        raise click.UsageError(f"CONSTRUCT/DESCRIBE results are RDF: use one of {', '.join(RDF_FORMATS)}")
    elif not isinstance(result, GraphResult) and fmt in RDF_FORMATS:
        raise click.UsageError(f"SELECT/ASK results are tables: use one of {', '.join(TABLE_FORMATS)}")
    echo_text(render(result, fmt, width=table_width(width)))
