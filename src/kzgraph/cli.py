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
        from .remote import RemoteGraph

        graph = RemoteGraph(endpoint, timeout=timeout)
    elif store is not None:
        from .persistent import open_store

        graph = open_store(store)
    else:
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
@endpoint_options
def run(name: str, params: tuple[str, ...], fmt: str, limit: int | None, **graph_args) -> None:
    """Run a stored query by name.

    \b
    Example:
      kzgraph run predecessors --param party="Nur Otan"
      kzgraph run election-results -p year=2004 --format csv
      kzgraph run successors --param party=Otan --source paper
    """
    from .output import render

    values = parse_params(params)
    graph = open_graph(**graph_args)
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
@endpoint_options
def query(sparql: str | None, file, fmt: str | None, limit: int | None, **graph_args) -> None:
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
    result = open_graph(**graph_args).query(text, limit=limit)
    if fmt is None:
        fmt = "ttl" if isinstance(result, GraphResult) else "table"
    elif isinstance(result, GraphResult) and fmt not in RDF_FORMATS:
        raise click.UsageError(f"CONSTRUCT/DESCRIBE results are RDF: use one of {', '.join(RDF_FORMATS)}")
    elif not isinstance(result, GraphResult) and fmt in RDF_FORMATS:
        raise click.UsageError(f"SELECT/ASK results are tables: use one of {', '.join(TABLE_FORMATS)}")
    _echo(render(result, fmt))


@cli.command()
@graph_options
def validate(**graph_args) -> None:
    """Check the data against the SHACL shapes (ontology/shapes.ttl; the post-2012 graph also
    against ontology/shapes-post-2012.ttl).

    Exit code 0: the data conforms; 1: violations (listed); 2: usage error.

    \b
    Example:
      kzgraph validate
      kzgraph validate --load my-parties.ttl
    """
    from .validate import validate as run_validation

    report = run_validation(open_graph(**graph_args))
    if report.conforms:
        click.echo("Conforms: the data satisfies every shape in ontology/shapes*.ttl.")
        return
    for violation in report.violations:
        click.echo(str(violation))
    raise click.ClickException(f"{len(report.violations)} SHACL result(s); the data does not conform")


ANALYTICS_FORMATS = ["table", "json", "csv", "tsv", "xml"]


@cli.command()
@click.option("--year", required=True, metavar="YYYY", help="Year of the election (1999, 2004, 2007...).")
@click.option(
    "--method",
    type=click.Choice(["hare", "droop", "dhondt", "sainte-lague"]),
    default="hare",
    show_default=True,
    help="Largest remainder with the Hare or Droop quota, or highest averages (D'Hondt, Sainte-Laguë).",
)
@click.option("--threshold", metavar="PERCENT", help="Apply this threshold instead (0: none).")
@click.option("--seats", "seat_count", type=click.IntRange(min=0), help="Allocate this many seats instead.")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(ANALYTICS_FORMATS), default="table", show_default=True
)
@click.option(
    "--save",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PATH]",
    help="Write the allocation as a named graph with PROV to PATH (.trig/.nq, or a directory;"
    " default computed/seats-YEAR-METHOD.trig). Load it back with --load; with --store, it is"
    " also added to the store.",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw vote and seat shares to FILE (.svg or .png).",
)
@graph_options
@source_option
@endpoint_options
def seats(
    year: str,
    method: str,
    threshold: str | None,
    seat_count: int | None,
    fmt: str,
    save: str | None,
    chart: Path | None,
    **graph_args,
) -> None:
    """Allocate an election's party-list seats under the rules in the graph; compare with those reported.

    Counterfactuals: another --method, --threshold or number of --seats.

    \b
    Example:
      kzgraph seats --year 2004
      kzgraph seats --year 1999 --method dhondt
      kzgraph seats --year 2004 --threshold 10 --save
    """
    import gc
    import json

    from .charts import chart_format, seats_votes_chart, write_chart
    from .output import render
    from .report import indices_lines, seat_document, seat_heading, seat_table, seat_verdict
    from .seats import add_to_store, compare_seats, save_allocation, save_path

    if not (year.isdigit() and len(year) == 4):
        raise click.BadParameter(f"{year!r} is not a year (YYYY)", param_hint="--year")
    chart_kind = chart_format(chart) if chart is not None else None
    graph = open_graph(**graph_args)
    comparison = compare_seats(graph, year, method=method, threshold=threshold, seats=seat_count)
    target = save_path(comparison, save or None) if save is not None else None
    if fmt == "json":
        _echo(json.dumps(seat_document(comparison), ensure_ascii=False, indent=2))
    elif fmt != "table":
        _echo(render(seat_table(comparison), fmt))
    else:
        _echo(seat_heading(comparison) + "\n")
        _echo(render(seat_table(comparison), "table"))
        click.echo(seat_verdict(comparison))
        for note in comparison.notes:
            click.echo(f"Note: {note}")
        click.echo()
        click.echo("\n".join(indices_lines(comparison)))
    if target is not None:
        path = save_allocation(comparison, target)
        click.echo(f"Saved <{comparison.graph_iri}> to {path}", err=True)
        if graph_args.get("store") is not None:
            del graph  # release the store's read lock: adding to it swaps in a new version
            gc.collect()
            add_to_store(path, comparison, graph_args["store"])
            click.echo(f"Added <{comparison.graph_iri}> to the store {graph_args['store']}", err=True)
    if chart is not None and chart_kind is not None:
        write_chart(seats_votes_chart(comparison, chart_kind), chart)
        click.echo(f"Chart written to {chart}", err=True)


@cli.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(ANALYTICS_FORMATS), default="table", show_default=True
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the effective number of parties and the largest seat share to FILE (.svg or .png).",
)
@graph_options
@source_option
@endpoint_options
def indices(fmt: str, chart: Path | None, **graph_args) -> None:
    """Party-system indices of every party-list election: effective number of parties by votes
    and seats, largest party's seat share, Gallagher disproportionality, parties over the threshold.

    Where the source names only some lists, indices that depend on the others are ranges.

    \b
    Example:
      kzgraph indices
      kzgraph indices --format csv --chart party-system.svg
    """
    import json

    from .charts import chart_format, indices_chart, write_chart
    from .elections import party_list_elections
    from .output import render
    from .report import bounds_note, indices_document, indices_table, indices_text_table

    chart_kind = chart_format(chart) if chart is not None else None
    elections = party_list_elections(open_graph(**graph_args))
    if fmt == "json":
        document = [
            {"election": e.iri, "label": e.label, "year": e.year, "unlisted_basis": e.unlisted_basis}
            | indices_document(e.indices())
            for e in elections
        ]
        _echo(json.dumps(document, ensure_ascii=False, indent=2))
    elif fmt != "table":
        _echo(render(indices_table(elections), fmt))
    else:
        _echo(render(indices_text_table(elections), "table"))
        for election in elections:
            click.echo(f"{election.year}: {bounds_note(election, election.indices())}")
    if chart is not None and chart_kind is not None:
        write_chart(indices_chart(elections, chart_kind), chart)
        click.echo(f"Chart written to {chart}", err=True)


@cli.command()
@click.argument("party")
@graph_options
@source_option
@endpoint_options
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
@endpoint_options
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
@endpoint_options
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
def quickstatements(**graph_args) -> None:
    """Print lineage links as Wikidata QuickStatements (V1) to contribute them back.

    Each link between organisations with different Wikidata items becomes "replaces" (P1365)
    and "replaced by" (P1366), with its date (P585) and its web sources as references.

    \b
    Example:
      kzgraph quickstatements > lineage.qs
    """
    from .quickstatements import render

    batch = render(open_graph(**graph_args))
    if batch:
        _echo(batch)


@cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--store",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="The on-disk store to build or update (a new or empty directory, or an existing store).",
)
@click.option("--graph", "graph_iri", metavar="IRI", help="Put the files into this named graph.")
@click.option("--bundled/--no-bundled", default=True, show_default=True, help="Reload the bundled data.")
def load_command(files: tuple[Path, ...], store: Path, graph_iri: str | None, bundled: bool) -> None:
    """Load the bundled data and FILES into an on-disk store that the other commands read with
    --store DIR. All or nothing: on any error the store is left as it was.

    Each file goes into its own named graph, .../graph/user/FILE-NAME (or --graph IRI), replacing
    what an earlier load put there; large files stream through the bulk loader. N-Triples,
    N-Quads, Turtle, TriG, RDF/XML, JSON-LD; gzipped too (.nt.gz).

    \b
    Example:
      kzgraph load --store kz.db
      kzgraph load --store kz.db wikidata-parties.nt.gz
      kzgraph run predecessors -p party="Nur Otan" --store kz.db
    """
    from .persistent import load

    if graph_iri is not None:
        from .params import expand_iri

        graph_iri = expand_iri(graph_iri)
        if graph_iri is None:
            raise click.BadParameter("not an absolute IRI", param_hint="--graph")
    report = load(store, files, bundled=bundled, graph=graph_iri, progress=_load_progress())
    for path, graph, triples, seconds in report.files:
        if path in files:
            rate = f", {triples / seconds:,.0f} triples/s" if seconds > 0 else ""
            done = f"Loaded {triples:,} triples from {path} into <{graph}> in {seconds:.1f} s{rate}"
            click.echo(done, err=True)
    summary = f"{report.total:,} triples in {len(report.graphs)} graphs ({report.derived:,} derived)"
    click.echo(f"{store}: {summary}", err=True)


def _load_progress():
    """A progress bar on stderr (when it is a terminal) for files that take more than a second."""
    from .persistent import LoadProgress

    if not sys.stderr.isatty():
        return None

    def show(progress: LoadProgress) -> None:
        if progress.done:
            if progress.seconds >= 1:
                click.echo("\r\033[K", nl=False, err=True)
            return
        if progress.seconds < 1:
            return
        share = progress.bytes_read / progress.bytes_total if progress.bytes_total else 1.0
        if progress.triples is not None:
            rate = f"{progress.triples:,} triples, {progress.triples / progress.seconds:,.0f} triples/s"
        else:
            rate = f"{progress.bytes_read / progress.seconds / 1e6:,.1f} MB/s"
        bar = "#" * int(share * 30)
        click.echo(f"\r\033[K{progress.path.name} [{bar:<30}] {share:4.0%} {rate}", nl=False, err=True)

    return show


@cli.command()
@click.option("--graph", "graph_iri", required=True, metavar="IRI", help="The named graph to remove.")
@click.option(
    "--store",
    required=True,
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The on-disk store.",
)
def drop(graph_iri: str, store: Path) -> None:
    """Remove one named graph from an on-disk store and derive the direct links again.

    \b
    Example:
      kzgraph drop --graph https://w3id.org/kzgraph/graph/user/wikidata-parties.nt.gz --store kz.db
    """
    from .persistent import drop as drop_graph

    removed = drop_graph(store, graph_iri)
    click.echo(f"Dropped <{graph_iri}> ({removed:,} triples) from {store}", err=True)


@cli.command()
@click.option(
    "--endpoint",
    metavar="URL",
    help="Graph Store Protocol endpoint (Oxigraph: http://HOST:7878/store; Fuseki: http://HOST:3030/DATASET/data).",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="SPARQL Update endpoint, used where the server has no Graph Store endpoint (or without --endpoint).",
)
@click.option("--graph", "target", metavar="IRI", help="Push all into this graph [default: each to its IRI].")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True)
@graph_options
@source_option
def push(
    endpoint: str | None, update_endpoint: str | None, target: str | None, timeout: float, **graph_args
) -> None:
    """Upload the graph (with its derived links) to a triple store; pushing again replaces it.

    Each named graph (ontology, paper, post-2012, derived/..., user/...) replaces the graph with
    the same IRI on the server (SPARQL 1.1 Graph Store Protocol PUT), or all go into --graph IRI.
    Query it afterwards with --endpoint on run, query, lineage, viz and stats.

    \b
    Example:
      kzgraph push --endpoint http://localhost:7878/store
      kzgraph push --store kz.db --endpoint http://localhost:3030/kz/data
      kzgraph push --update-endpoint http://localhost:8890/sparql-auth --graph https://example.org/kz
    """
    from .remote import push as push_graph

    if endpoint is None and update_endpoint is None:
        raise click.UsageError("give --endpoint (Graph Store Protocol) or --update-endpoint (SPARQL Update)")
    report = push_graph(
        open_graph(**graph_args), endpoint, update_endpoint=update_endpoint, target=target, timeout=timeout
    )
    for iri, triples in report.graphs.items():
        click.echo(f"Pushed <{iri}>: {triples:,} triples", err=True)
    via = endpoint if report.method == "graph store" else update_endpoint
    total = sum(report.graphs.values())
    click.echo(f"{total:,} triples in {len(report.graphs)} graphs to {via} ({report.method})", err=True)


EXPORT_FORMATS = ["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]


@cli.command("export")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="Output format [default: the -o file's extension, else ttl]; nq and trig keep the named graphs.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option(
    "--graph",
    "selection",
    type=click.Choice(["data", "ontology", "all"]),
    default="data",
    show_default=True,
    help="data: every graph but the ontology (derived links included); ontology; or all.",
)
@graph_options
def export_command(fmt: str | None, output: Path | None, selection: str, **graph_args) -> None:
    """Write the graph as byte-stable linked data (sorted, fixed prefixes, canonical blank nodes).

    JSON-LD is compacted with the published context (ontology/context.jsonld).

    \b
    Example:
      kzgraph export > kzgraph.ttl
      kzgraph export --graph all -o kzgraph.trig
      kzgraph export --format jsonld --graph ontology
    """
    from .export import export, format_for_path

    if fmt is None:
        fmt = format_for_path(output) if output is not None else "ttl"
    data = export(open_graph(**graph_args).store, fmt, selection)
    _write_bytes(data, output)


@cli.command()
@click.option("-f", "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option(
    "--base-url",
    metavar="URL",
    help="Where `kzgraph serve` answers (https://example.org): adds its SPARQL endpoint and downloads.",
)
@graph_options
def describe(fmt: str, output: Path | None, base_url: str | None, **graph_args) -> None:
    """Print a VoID + DCAT description of the dataset, computed from the graph: triple counts,
    class and property partitions, named graphs, example resources, licence and source.

    \b
    Example:
      kzgraph describe
      kzgraph describe --base-url https://kzgraph.example.org --format jsonld -o void.jsonld
    """
    from .describe import describe as describe_dataset
    from .export import serialize

    _write_bytes(serialize(describe_dataset(open_graph(**graph_args).store, base_url), fmt), output)


@cli.command()
@click.option(
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Write DIR/index.html.",
)
@graph_options
def docs(directory: Path, **graph_args) -> None:
    """Write the ontology's documentation: one offline HTML page of its classes and properties.

    \b
    Example:
      kzgraph docs -o site/ontology
    """
    from .docs import write_docs

    page = write_docs(open_graph(**graph_args).store, directory)
    click.echo(f"Wrote {page}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop a query that runs longer (HTTP 503).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows (or triples) in one answer at most; more are cut (header Kzgraph-Truncated).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=1024 * 1024,
    show_default=True,
    metavar="BYTES",
    help="Largest POST body accepted (HTTP 413 beyond).",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Query processes.")
@click.option(
    "--memory-limit",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    metavar="MIB",
    help="Address-space limit of each query worker (0: none); a query over it gets HTTP 500.",
)
@graph_options
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_body: int,
    workers: int,
    memory_limit: int,
    **graph_args,
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol, with a query page at /, stored
    queries at /queries/NAME(.csv|.json) and resource pages at /id/...

    \b
    Example:
      kzgraph serve
      kzgraph serve --port 8080 --timeout 5 --store kz.db
    """
    try:
        from .serve import ServeSettings, run_serve
    except ImportError as e:
        raise click.ClickException(f"kzgraph serve needs: pip install 'kzgraph[serve]' ({e})") from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}, reachable from other machines", err=True)
    settings = ServeSettings(
        timeout=timeout, max_rows=max_rows, max_body=max_body, workers=workers, memory_mb=memory_limit or None
    )
    run_serve(open_graph(**graph_args), host=host, port=port, settings=settings)


def _write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        click.get_binary_stream("stdout").write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as e:
        raise click.ClickException(f"{output}: can't write: {e.strerror or e}") from None
    click.echo(f"Wrote {output} ({len(data):,} bytes)", err=True)


def _echo(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))
