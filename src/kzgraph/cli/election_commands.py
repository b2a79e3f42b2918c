"""Commands of election analytics: seat allocation and party-system indices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from . import (
    TABLE_FORMATS,
    YEAR,
    IntRange,
    echo_text,
    endpoint_options,
    graph_options,
    open_graph,
    source_option,
)


def format_option(command: Callable) -> Callable:
    """-f/--format of the analytics: a table, or one of the results formats."""
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True
    )(command)


def chart_option(what: str) -> Callable[[Callable], Callable]:
    """--chart FILE: also draw `what` (the help's words) to an .svg or .png file."""
    return click.option(
        "--chart",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Also draw {what} to FILE (.svg or .png).",
    )


def echo_chart(figure, chart: Path) -> None:
    """Write the chart drawn for --chart, and say where."""
    from ..elections.charts import write_chart

    write_chart(figure, chart)
    click.echo(f"Chart written to {chart}", err=True)


@click.command()
@click.option("--year", type=YEAR, help="Year of the election (1999, 2004, 2007...).")
@click.option(
    "--country",
    metavar="CODE",
    help="The election of --year in this country (ParlGov's code, e.g. DEU; KAZ for the bundled data).",
)
@click.option(
    "--election",
    "election_iri",
    metavar="IRI|ID",
    help="This election: its IRI, or a ParlGov election id (e.g. 118), instead of --year.",
)
@click.option(
    "--method",
    type=click.Choice(["hare", "droop", "dhondt", "sainte-lague"]),
    default="hare",
    show_default=True,
    help="Largest remainder with the Hare or Droop quota, or highest averages (D'Hondt, Sainte-Laguë).",
)
@click.option("--threshold", metavar="PERCENT", help="Apply this threshold instead (0: none).")
@click.option("--seats", "seat_count", type=IntRange(min=1), help="Allocate this many seats instead.")
@format_option
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
@chart_option("vote and seat shares")
@graph_options
@source_option
@endpoint_options
def seats(
    year: str | None,
    country: str | None,
    election_iri: str | None,
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

    With the ParlGov import, pick its election by --country and --year or by --election: the
    seats to fill are ParlGov's seats_total, compared with all the seats each party won; ParlGov
    states no threshold, so none applies unless --threshold gives one.

    \b
    Example:
      kzgraph seats --year 2004
      kzgraph seats --year 1999 --method dhondt
      kzgraph seats --year 2004 --threshold 10 --save
      kzgraph seats --country DEU --year 2005 --method sainte-lague --load parlgov.ttl
    """
    import gc
    import json

    from ..elections.charts import chart_format, seats_votes_chart
    from ..elections.report import indices_lines, seat_document, seat_heading, seat_table, seat_verdict
    from ..elections.seats import add_to_store, compare_seats, save_allocation, save_path
    from ..output import render, table_width

    if year is None and election_iri is None:
        raise click.UsageError(
            "give the election's --year (with --country where a year has several) or --election"
        )
    if election_iri is not None and (year is not None or country is not None):
        raise click.UsageError("--election names one election: leave out --year and --country")
    chart_kind = chart_format(chart) if chart is not None else None
    graph = open_graph(**graph_args)
    if country is not None:
        graph = graph.in_country(country)  # refuses a code no country has
    comparison = compare_seats(
        graph,
        year,
        method=method,
        threshold=threshold,
        seats=seat_count,
        country=country,
        election=election_iri,
    )
    target = save_path(comparison, save or None) if save is not None else None
    if fmt == "json":
        echo_text(json.dumps(seat_document(comparison), ensure_ascii=False, indent=2))
    elif fmt != "table":
        echo_text(render(seat_table(comparison), fmt))
    else:
        echo_text(seat_heading(comparison) + "\n")
        echo_text(render(seat_table(comparison), "table", width=table_width()))
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
        echo_chart(seats_votes_chart(comparison, chart_kind), chart)


@click.command()
@format_option
@click.option(
    "--country",
    metavar="CODE",
    help="Only this country's elections (ParlGov's code, e.g. DEU; KAZ for the bundled data).",
)
@chart_option("the effective number of parties and the largest seat share")
@graph_options
@source_option
@endpoint_options
def indices(fmt: str, country: str | None, chart: Path | None, **graph_args) -> None:
    """Party-system indices of every party-list election: effective number of parties by votes
    and seats, largest party's seat share, Gallagher disproportionality, parties over the threshold.

    Where the source names only some lists, indices that depend on the others are ranges. With
    the ParlGov import, every ParlGov election too (or those of --country), from the seats won.

    \b
    Example:
      kzgraph indices
      kzgraph indices --format csv --chart party-system.svg
      kzgraph indices --country DEU --load parlgov.ttl
    """
    import json

    from ..elections.charts import chart_format, indices_chart
    from ..elections.model import all_elections
    from ..elections.report import (
        bounds_note,
        election_indices,
        indices_document,
        indices_table,
        indices_text_table,
    )
    from ..output import render, table_width

    chart_kind = chart_format(chart) if chart is not None else None
    graph = open_graph(**graph_args)
    if country is not None:
        graph = graph.in_country(country)  # refuses a code no country has
    elections = all_elections(graph, country)
    if fmt == "json":
        document = [
            {"election": e.iri, "label": e.label, "year": e.year, "unlisted_basis": e.unlisted_basis}
            | ({"country": e.country, "date": e.date, "reported_seats": "seats won"} if e.seats_won else {})
            | _indices_or_error(e, election_indices, indices_document)
            for e in elections
        ]
        echo_text(json.dumps(document, ensure_ascii=False, indent=2))
    elif fmt != "table":
        echo_text(render(indices_table(elections), fmt))
    else:
        echo_text(render(indices_text_table(elections), "table", width=table_width()))
        for election in elections:
            where = election.label if election.seats_won else election.year
            computed, error = election_indices(election)
            note = bounds_note(election, computed) if computed is not None else f"not computed: {error}."
            click.echo(f"{where}: {note}")
    if chart is not None and chart_kind is not None:
        echo_chart(indices_chart(elections, chart_kind), chart)


def _indices_or_error(election, election_indices, indices_document) -> dict:
    computed, error = election_indices(election)
    return indices_document(computed) if computed is not None else {"indices_error": error}


@click.command()
@format_option
@chart_option("Kazakhstan's elections over ParlGov's distribution per decade")
@graph_options
@source_option
@endpoint_options
def compare(fmt: str, chart: Path | None, **graph_args) -> None:
    """Kazakhstan's party-list elections against ParlGov's parliamentary elections of the same
    decade (effective number of parties by votes and seats, largest seat share, Gallagher).

    Needs the ParlGov import (kzgraph import parlgov).

    \b
    Example:
      kzgraph compare --load parlgov.ttl --chart comparison.svg
    """
    from ..elections.charts import chart_format
    from ..output import render

    chart_kind = chart_format(chart) if chart is not None else None
    graph = open_graph(**graph_args)
    echo_text(render(graph.run("kazakhstan-comparison"), fmt))
    if chart is not None and chart_kind is not None:
        from ..elections.comparison import comparison_chart

        echo_chart(comparison_chart(graph, chart_kind), chart)
