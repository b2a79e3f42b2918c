"""Charts of the election analytics as self-contained SVG (or PNG), drawn with matplotlib.

No pyplot and no global state: each chart is its own `Figure`. SVG text stays text
(svg.fonttype "none") so a page can search and restyle it; ids are salted with a fixed
string so the same data always gives the same file.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KzgraphError
from .indices import IndicesError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..graph.store import Graph
    from .model import Election
    from .seats import SeatComparison

CHART_FORMATS = ("svg", "png")
_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "kzgraph",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
VOTES, REPORTED, ALLOCATED = "#9e9e9e", "#1f4e79", "#e07b00"


class ChartError(KzgraphError):
    """A chart could not be drawn or written."""


def seats_votes_chart(comparison: SeatComparison, fmt: str = "svg") -> bytes:
    """Vote share beside seat share (reported and allocated) of each list of one election."""
    from matplotlib.figure import Figure

    rows = comparison.rows
    names = [_short(row.label) for row in rows]
    votes = [float(row.vote_share) for row in rows]
    allocated = [100 * row.allocated / comparison.seats if comparison.seats else 0.0 for row in rows]
    reported_total = sum(row.reported or 0 for row in rows)
    reported = [100 * (row.reported or 0) / reported_total if reported_total else 0.0 for row in rows]
    with _style():
        figure = Figure(figsize=(7.2, 1.5 + 0.62 * len(rows)), layout="constrained")
        axes = figure.add_subplot()
        height = 0.26
        positions = list(range(len(rows)))
        bars = [
            (votes, "vote share", VOTES),
            (reported, "seat share reported", REPORTED),
            (allocated, f"seat share, {comparison.method_label}", ALLOCATED),
        ]
        if not reported_total:
            bars.pop(1)
        for i, (values, label, colour) in enumerate(bars):
            offset = (i - (len(bars) - 1) / 2) * height
            drawn = axes.barh([p + offset for p in positions], values, height, label=label, color=colour)
            axes.bar_label(drawn, fmt="%.1f", padding=2, fontsize=7)
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_xlim(0, 108)
        axes.set_xlabel("% of the vote / % of the list seats")
        threshold = comparison.threshold
        if threshold is not None:
            axes.axvline(float(threshold), color="#b00020", linewidth=0.8, linestyle="--")
            axes.annotate(
                f"threshold {threshold.normalize():f}%",
                (float(threshold), 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -2),
                textcoords="offset points",
                va="top",
                fontsize=7,
                color="#b00020",
            )
        title = f"{comparison.election.label}: {comparison.seats} list seats" + (
            " (counterfactual)" if comparison.counterfactual else ""
        )
        figure.suptitle(textwrap.fill(title, 90), x=0.01, ha="left", fontsize=10)
        figure.legend(loc="outside lower center", ncols=len(bars), fontsize=7, frameon=False)
        return _render(figure, fmt, title)


def indices_chart(elections: Sequence[Election], fmt: str = "svg") -> bytes:
    """Effective number of parties (by votes, with its bounds, and by seats) and the largest
    party's seat share over the elections given."""
    from matplotlib.figure import Figure

    years, votes_low, votes_high, seats, largest = [], [], [], [], []
    for election in sorted(elections, key=lambda e: e.year):
        try:
            indices = election.indices()
        except IndicesError:  # shares over 100% (three of ParlGov's elections): nothing to draw
            continue
        if indices.enp_seats is None or indices.largest_seat_share is None:
            continue
        years.append(election.year)
        votes_low.append(indices.enp_votes.low)
        votes_high.append(indices.enp_votes.high)
        seats.append(indices.enp_seats)
        largest.append(indices.largest_seat_share)
    if not years:
        raise ChartError("no election with party-list seats to chart")
    with _style():
        figure = Figure(figsize=(7.2, 3.4), layout="constrained")
        enp, share = figure.subplots(1, 2)
        enp.fill_between(years, votes_low, votes_high, color=VOTES, alpha=0.35, linewidth=0)
        enp.plot(years, votes_high, color=VOTES, marker="o", label="ENP by votes (bounds)")
        enp.plot(years, votes_low, color=VOTES, marker="o")
        enp.plot(years, seats, color=REPORTED, marker="s", label="ENP by list seats")
        enp.set_ylim(bottom=0)
        enp.set_xticks(years)
        enp.set_title("Effective number of parties", loc="left")
        enp.legend(fontsize=7, frameon=False)
        share.plot(years, largest, color=ALLOCATED, marker="o")
        for year, value in zip(years, largest, strict=True):
            share.annotate(
                f"{value:.1f}%",
                (year, value),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
        share.set_ylim(0, 108)
        share.set_xticks(years)
        for axes in (enp, share):
            axes.tick_params(axis="x", labelrotation=45 if len(years) > 5 else 0, labelsize=7)
        share.set_title("Largest party's share of list seats (%)", loc="left")
        title = f"Party system, {years[0]}\u2013{years[-1]}"
        figure.suptitle(title, x=0.01, ha="left", fontsize=10)
        return _render(figure, fmt, title)


def inline_svg(svg: bytes | str) -> str:
    """An SVG document as an element to put inside an HTML page (no XML prolog or doctype), its
    styling as presentation attributes: a page whose Content-Security-Policy allows no inline
    style shows it as drawn. matplotlib's properties (fill, stroke, font-size, text-anchor...)
    are all SVG presentation attributes; its one style sheet (`*{...}`) sets inherited ones,
    which move to the root element."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    if start < 0:
        raise ChartError("not an SVG document")
    text = text[start:]
    inherited = "".join(
        _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), f' style="{rule}"')
        for rule in _UNIVERSAL_RULE.findall(text)
    )
    text = _STYLE_ELEMENT.sub("", text)
    text = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), text)
    return text.replace("<svg", "<svg" + inherited, 1)


_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_UNIVERSAL_RULE = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _attributes(declarations: str) -> str:
    pairs = (d.split(":", 1) for d in declarations.split(";") if ":" in d)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def write_chart(data: bytes, path: Path | str) -> Path:
    """Write chart bytes to `path`; ChartError says why not."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as e:
        raise ChartError(f"{target}: cannot write the chart: {e.strerror or e}") from None
    return target


def chart_format(path: Path | str) -> str:
    """The chart format a file name asks for (.svg or .png)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in CHART_FORMATS:
        raise ChartError(f"{path}: a chart is written as .svg or .png")
    return suffix


def _style():
    import matplotlib

    return matplotlib.rc_context(_STYLE)


def _render(figure: Figure, fmt: str, title: str) -> bytes:
    if fmt not in CHART_FORMATS:
        raise ChartError(f"unknown chart format {fmt!r} (choose from: {', '.join(CHART_FORMATS)})")
    buffer = io.BytesIO()
    metadata = {"Title": title, "Date": None} if fmt == "svg" else {"Title": title, "Software": "kzgraph"}
    figure.savefig(buffer, format=fmt, metadata=metadata, dpi=150 if fmt == "png" else "figure")
    return buffer.getvalue()


def _short(label: str, width: int = 34) -> str:
    label = re.sub(r"\s+", " ", label).strip()
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def election_charts(graph: Graph) -> list[tuple[str, str]]:
    """(title, inline SVG) pairs for a page: the party system over time, then for each
    party-list election its vote and seat shares (Hare allocation beside the seats reported)."""
    from .model import party_list_elections
    from .seats import compare_seats

    elections = party_list_elections(graph)
    if not elections:
        return []
    charts = [("Party system over time", inline_svg(indices_chart(elections)))]
    for election in elections:
        if election.list_seats is None:
            continue
        comparison = compare_seats(graph, election.year)
        charts.append((f"Votes and seats, {election.year}", inline_svg(seats_votes_chart(comparison))))
    return charts
