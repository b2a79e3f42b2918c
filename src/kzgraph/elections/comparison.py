"""Kazakhstan's party-list elections against ParlGov's parliamentary elections of their decade:
a chart of the indices the stored query `election-indices` computes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .charts import ChartError, _render, _style

if TYPE_CHECKING:
    from ..graph.store import Graph

INDICES = (
    ("enp_votes", "effective number of parties, votes"),
    ("enp_seats", "effective number of parties, seats"),
    ("largest_seat_share", "largest party's seat share (%)"),
    ("gallagher", "Gallagher index (points)"),
)
KAZAKHSTAN = "#e07b00"


def comparison_chart(graph: Graph, fmt: str = "svg") -> bytes:
    """Four panels, one per index: box plots of ParlGov's parliamentary elections per decade,
    with Kazakhstan's party-list elections as points over their decade."""
    from matplotlib.figure import Figure

    rows = graph.run("election-indices").dicts()
    kazakh = [row for row in rows if row["system"] == "KAZ"]
    decades = sorted({int(row["decade"]) for row in kazakh})
    others = {d: [row for row in rows if row["system"] != "KAZ" and int(row["decade"]) == d] for d in decades}
    if not kazakh or not any(others.values()):
        raise ChartError("no ParlGov elections in the graph to compare with (see: kzgraph import parlgov)")
    with _style():
        figure = Figure(figsize=(9, 6.5), layout="constrained")
        for panel, (column, title) in enumerate(INDICES, start=1):
            axes = figure.add_subplot(2, 2, panel)
            axes.boxplot(
                [[float(row[column]) for row in others[d]] for d in decades],
                positions=range(len(decades)),
                widths=0.5,
                showfliers=True,
            )
            for row in kazakh:
                axes.scatter(
                    decades.index(int(row["decade"])), float(row[column]), color=KAZAKHSTAN, zorder=3
                )
                axes.annotate(
                    row["date"][:4],
                    (decades.index(int(row["decade"])), float(row[column])),
                    textcoords="offset points",
                    xytext=(6, 0),
                    fontsize=7,
                    color=KAZAKHSTAN,
                )
            axes.set_xticks(range(len(decades)))
            axes.set_xticklabels([f"{d}s\n({len(others[d])} ParlGov)" for d in decades], fontsize=7)
            axes.set_title(title, fontsize=9)
        figure.suptitle(
            "Kazakhstan's party-list elections (points) against ParlGov's parliamentary elections"
            " of the same decade (boxes)",
            fontsize=9,
        )
        return _render(figure, fmt, "Kazakhstan against ParlGov")
