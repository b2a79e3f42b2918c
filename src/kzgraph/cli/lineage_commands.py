"""Commands on the lineage: the tree, the consolidation figures, the interactive page."""

from __future__ import annotations

from pathlib import Path

import click

from . import (
    DATES_HELP,
    YEAR,
    country_option,
    echo_text,
    endpoint_options,
    graph_options,
    open_graph,
    source_option,
)


@click.command(epilog=DATES_HELP)
@click.argument("party")
@country_option
@graph_options
@source_option
@endpoint_options
def lineage(party: str, country: str | None, **graph_args) -> None:
    """Print a party's lineage: its ancestors and descendants as trees, with relation and date.

    PARTY is any of the organisation's names (case, spaces, hyphens and quotes aside) or its IRI.

    \b
    Example:
      kzgraph lineage "Nur Otan"
      kzgraph lineage CPPK
      kzgraph lineage "Democratic Party" --country ITA --load parlgov.ttl
    """
    from ..lineage.read import read_lineage
    from ..lineage.tree import text_tree

    graph = open_graph(**graph_args).in_country(country)
    iri = graph.resolve_organisation(party).value
    echo_text(text_tree(read_lineage(graph), iri))


@click.command()
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

    from ..lineage.read import read_lineage
    from ..lineage.stats import consolidation_stats, format_stats, stats_json

    lineage_graph = read_lineage(open_graph(**graph_args))
    figures = consolidation_stats(lineage_graph)
    if fmt == "json":
        echo_text(json.dumps(stats_json(figures, lineage_graph.labels()), ensure_ascii=False, indent=2))
    else:
        echo_text(format_stats(figures, lineage_graph.labels()))


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default="lineage.html",
    show_default=True,
    help="Write the page to this file.",
)
@click.option("--party", metavar="NAME", help="Draw only this party's lineage (ancestors and descendants).")
@click.option("--from", "start", type=YEAR, help="Draw only organisations active from this year.")
@click.option("--to", "end", type=YEAR, help="Draw only organisations active up to this year.")
@click.option(
    "--charts/--no-charts",
    default=True,
    show_default=True,
    help="Add the election charts (votes against seats, the party system over time) to the page.",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@click.option(
    "--country",
    metavar="CODE",
    help="Draw only this country's organisations (ParlGov's code, e.g. DEU; KAZ for the bundled data);"
    " --party is looked up among them.",
)
@graph_options
@source_option
@endpoint_options
def viz(
    output: Path,
    party: str | None,
    start: str | None,
    end: str | None,
    charts: bool,
    open_page: bool,
    country: str | None,
    **graph_args,
) -> None:
    """Write the interactive lineage graph: one self-contained HTML page (works offline) with the
    parties, movements and blocs on a time axis, coloured by their 2012 stance group, and the
    election charts beside them.

    \b
    Example:
      kzgraph viz -o lineage.html
      kzgraph viz --party "Nur Otan" -o nur-otan.html
      kzgraph viz --from 1999 --to 2007 --open
      kzgraph viz --source paper -o paper.html
      kzgraph viz --country ITA --load parlgov.ttl -o italy.html
    """
    from ..lineage.viz import lineage_page

    first, last = (int(y) if y is not None else None for y in (start, end))
    if first is not None and last is not None and first > last:
        raise click.BadParameter(f"--from {start} is after --to {end}", param_hint="--from/--to")
    graph = open_graph(**graph_args).in_country(country)
    network = lineage_page(graph, party=party, start=first, end=last, charts=charts, country=country)
    path = network.write_html(output)
    click.echo(f"Wrote {path} ({len(network.nodes)} organisations, {len(network.edges)} links)", err=True)
    if open_page:
        import webbrowser

        uri = path.resolve().as_uri()
        if not webbrowser.open(uri):
            click.echo(f"No web browser found to open the page: open {uri} yourself", err=True)
