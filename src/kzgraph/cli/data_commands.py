"""Commands on the data itself: validate, load into and drop from a store, push to and derive on
a server, export, describe, document, QuickStatements."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import (
    FloatRange,
    IntRange,
    StorePath,
    base_option,
    echo_text,
    graph_options,
    open_graph,
    plural,
    source_option,
    write_bytes,
)


@click.command()
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
    from ..graph.validate import validate as run_validation

    report = run_validation(open_graph(**graph_args).entail())
    if report.conforms:
        click.echo("Conforms: the data satisfies every shape in ontology/shapes*.ttl.")
        return
    for violation in report.violations:
        click.echo(str(violation))
    raise click.ClickException(f"{plural(len(report.violations), 'SHACL result')}; the data does not conform")


@click.command()
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
    from ..publish.quickstatements import render

    batch = render(open_graph(**graph_args))
    if batch:
        echo_text(batch)
        return
    click.echo(
        "No lineage link to write: a link is written when both organisations have Wikidata items"
        " and the event has a web source to cite"
        + (
            " (the paper's facts have no web address: drop --source paper)"
            if graph_args["source"] == "paper"
            else ""
        ),
        err=True,
    )


@click.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--store",
    required=True,
    metavar="DIR",
    type=StorePath(),
    help="The on-disk store to build or update (a new or empty directory, or an existing store).",
)
@click.option("--graph", "graph_iri", metavar="IRI", help="Put the files into this named graph.")
@click.option("--bundled/--no-bundled", default=True, show_default=True, help="Reload the bundled data.")
@base_option
def load_command(
    files: tuple[Path, ...], store: Path, graph_iri: str | None, bundled: bool, base: str | None
) -> None:
    """Load the bundled data and FILES into an on-disk store that the other commands read with
    --store DIR. All or nothing: on any error the store is left as it was.

    Each file goes into its own named graph, .../graph/user/FILE-NAME (or --graph IRI), replacing
    what an earlier load put there. The direct links and entailments are derived in memory and the
    result written with the bulk loader, so the store must fit in memory. N-Triples, N-Quads,
    Turtle, TriG, RDF/XML, JSON-LD; gzipped too (.nt.gz). Relative IRIs need --base IRI.

    \b
    Example:
      kzgraph load --store kz.db
      kzgraph load --store kz.db wikidata-parties.nt.gz
      kzgraph run predecessors -p party="Nur Otan" --store kz.db
    """
    from ..graph.persistent import load

    graph_iri = _graph_iri(graph_iri)
    started = time.monotonic()
    report = load(
        store,
        files,
        bundled=bundled,
        graph=graph_iri,
        progress=_load_progress(),
        stage=_load_stage(),
        base=base,
    )
    if sys.stderr.isatty():
        click.echo("\r\033[K", nl=False, err=True)  # the last step's line
    for path, graph, triples, seconds in report.files:
        if path in files:
            rate = f", {triples / seconds:,.0f} triples/s" if seconds > 0 else ""
            done = f"Loaded {plural(triples, 'triple')} from {path} into <{graph}> in {seconds:.1f} s{rate}"
            click.echo(done, err=True)
    graphs = plural(len(report.graphs), "graph")
    summary = f"{plural(report.total, 'triple')} in {graphs} ({report.derived:,} derived"
    timing = f" in {report.derive_seconds:.1f} s; {time.monotonic() - started:.1f} s in all)"
    click.echo(f"{store}: {summary}{timing}", err=True)


def _graph_iri(value: str | None) -> str | None:
    """The --graph IRI of load and derive, expanded (kz: and the like); None if not given."""
    if value is None:
        return None
    from ..graph.params import expand_iri

    iri = expand_iri(value)
    if iri is None:
        raise click.BadParameter("not an absolute IRI", param_hint="--graph")
    return iri


def _load_stage():
    """On a terminal, say which step a load is at once the files have been parsed."""
    if not sys.stderr.isatty():
        return None
    return lambda name: click.echo(f"\r\033[K{name}...", nl=False, err=True)


def _load_progress():
    """A progress bar on stderr (when it is a terminal) for files that take more than a second."""
    from ..graph.persistent import LoadProgress

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


@click.command()
@click.option("--graph", "graph_iri", required=True, metavar="IRI", help="The named graph to remove.")
@click.option(
    "--store",
    required=True,
    metavar="DIR",
    type=StorePath(exists=True),
    help="The on-disk store.",
)
def drop(graph_iri: str, store: Path) -> None:
    """Remove one named graph from an on-disk store and derive the direct links again.

    \b
    Example:
      kzgraph drop --graph https://w3id.org/kzgraph/graph/user/wikidata-parties.nt.gz --store kz.db
    """
    from ..graph.persistent import drop as drop_graph

    removed = drop_graph(store, graph_iri)
    click.echo(f"Dropped <{graph_iri}> ({plural(removed, 'triple')}) from {store}", err=True)


@click.command()
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
@click.option(
    "--chunk-size",
    type=IntRange(min=1),
    default=5000,
    show_default=True,
    metavar="TRIPLES",
    help="With SPARQL Update: triples per INSERT DATA request (a refused one is split and sent again).",
)
@click.option("--timeout", type=FloatRange(min=0, min_open=True), default=120.0, show_default=True)
@graph_options
@source_option
def push(
    endpoint: str | None,
    update_endpoint: str | None,
    target: str | None,
    chunk_size: int,
    timeout: float,
    **graph_args,
) -> None:
    """Upload the graph (with its derived links) to a triple store; pushing again replaces it.

    Each named graph (ontology, paper, post-2012, derived/..., user/...) replaces the graph with
    the same IRI on the server (SPARQL 1.1 Graph Store Protocol PUT), or all go into --graph IRI.
    With SPARQL Update, each graph is written into a temporary graph and then moved onto its IRI
    in one request, so a push that fails leaves the server's graphs as they were.
    Query it afterwards with --endpoint on run, query, lineage, viz and stats.

    A server that asks for HTTP authentication (digest or basic; Virtuoso's
    /sparql-graph-crud-auth and /sparql-auth) gets the user and password from the KZGRAPH_USER
    and KZGRAPH_PASSWORD environment variables, or from the netrc entry for its host.

    \b
    Example:
      kzgraph push --endpoint http://localhost:7878/store
      kzgraph push --store kz.db --endpoint http://localhost:3030/kz/data
      kzgraph push --update-endpoint http://localhost:8890/sparql-auth --graph https://example.org/kz
    """
    from ..graph.remote import push as push_graph

    if endpoint is None and update_endpoint is None:
        raise click.UsageError("give --endpoint (Graph Store Protocol) or --update-endpoint (SPARQL Update)")
    report = push_graph(
        open_graph(**graph_args),
        endpoint,
        update_endpoint=update_endpoint,
        target=target,
        timeout=timeout,
        chunk_size=chunk_size,
    )
    for iri, triples in report.graphs.items():
        click.echo(f"Pushed <{iri}>: {plural(triples, 'triple')}", err=True)
    via = endpoint if report.method == "graph store" else update_endpoint
    total = sum(report.graphs.values())
    requests = f", {plural(report.requests, 'request')}" if report.method == "update" else ""
    click.echo(
        f"{plural(total, 'triple')} in {plural(len(report.graphs), 'graph')} to {via}"
        f" ({report.method}{requests})",
        err=True,
    )


@click.command()
@click.option("--update-endpoint", required=True, metavar="URL", help="The server's SPARQL Update endpoint.")
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="Its SPARQL query endpoint, to count what was derived [default: the update endpoint].",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="The graph the data was loaded into: the rules read it and write into it "
    "[default: read the default graph, write into .../graph/derived/server].",
)
@click.option(
    "--entailments/--no-entailments",
    default=False,
    show_default=True,
    help="Also materialise the RDFS entailments (ontology/rules/entailment), for ad-hoc queries.",
)
@click.option("--timeout", type=FloatRange(min=0, min_open=True), default=600.0, show_default=True)
def derive(
    update_endpoint: str, query_endpoint: str | None, graph_iri: str | None, entailments: bool, timeout: float
) -> None:
    """Derive on a server what `kzgraph load` derives (ontology/rules/*.rq), as SPARQL Update, so
    that the stored queries work on data its own bulk loader loaded (the ontology included).
    Running it again adds nothing. Credentials as for push.

    \b
    Example:
      kzgraph derive --update-endpoint http://localhost:7878/update
      kzgraph derive --update-endpoint http://localhost:8890/sparql-auth \\
                     --query-endpoint http://localhost:8890/sparql --graph https://example.org/kz
    """
    from ..graph.remote import derive as derive_on_server

    graph_iri = _graph_iri(graph_iri)
    started = time.monotonic()
    report = derive_on_server(
        update_endpoint, query_endpoint, graph=graph_iri, entailments=entailments, timeout=timeout
    )
    seconds = time.monotonic() - started
    where = f"<{report.graph}> in {report.rounds} round(s) ({seconds:.1f} s)"
    click.echo(f"Derived {plural(report.added, 'triple')} into {where}", err=True)


EXPORT_FORMATS = ["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]


@click.command("export")
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
    from ..publish.export import export, format_for_path

    if fmt is None:
        fmt = format_for_path(output) if output is not None else "ttl"
    data = export(open_graph(**graph_args).entail().store, fmt, selection)
    write_bytes(data, output)


@click.command()
@click.option("-f", "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option(
    "--base-url",
    metavar="URL",
    callback=lambda ctx, param, value: _base_url(value),
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
    from ..publish.describe import describe as describe_dataset
    from ..publish.export import serialize

    write_bytes(serialize(describe_dataset(open_graph(**graph_args).entail().store, base_url), fmt), output)


def _base_url(value: str | None) -> str | None:
    """An absolute http(s) URL, which the description's IRIs are made from."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in value for c in ' <>"{}|\\^`'):
        raise click.BadParameter(f"{value!r} is not an http(s) URL such as https://kzgraph.example.org")
    return value.strip()


@click.command()
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
    from ..publish.docs import write_docs

    page = write_docs(open_graph(**graph_args).entail().store, directory)
    click.echo(f"Wrote {page}", err=True)
