"""The interactive lineage page: a pyvis network on a time axis, written as one self-contained HTML file.

`build_network(lineage)` lays the lineage out (layout.time_layout) and returns a pyvis Network
whose nodes and edges carry everything the page shows; `LineageNetwork.write_html(path)` writes
it with our own template, vis-network inlined (vendor/vis-network) and no link to any other
host, so that the page works offline. All text reaches the page as JSON data that the page's
script puts into the DOM as text, never as markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from ..errors import KzgraphError
from .layout import Layout, time_layout
from .model import DISSOLVED, KIND_NAMES, MEMBERSHIP, UNKNOWN, Lineage, iso_year
from .read import read_lineage
from .stats import consolidation_stats

if TYPE_CHECKING:
    from ..graph.store import Graph

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
VIS_JS = PACKAGE / "vendor" / "vis-network" / "vis-network.min.js"

# Colours by the source's 2012 stance group number, then the two fallbacks.
STANCE_COLOURS = {1: "#1b4f9c", 2: "#2a9d8f", 3: "#e9a23b", 4: "#c8402f"}
STATUS_COLOURS = {DISSOLVED: "#a9b0b8", UNKNOWN: "#ffffff"}
BORDER = "#4a5560"
SHAPES = {"party": "dot", "movement": "diamond", "bloc": "square", "headquarters": "triangle"}
EDGE_STYLES = {
    "mergedInto": {"color": "#2d3436", "dashes": False, "width": 2.6},
    "joined": {"color": "#7b5ea7", "dashes": False, "width": 1.6},
    "renamedTo": {"color": "#1b4f9c", "dashes": [10, 5], "width": 2.6},
    "refoundedAs": {"color": "#1b4f9c", "dashes": [10, 4, 2, 4], "width": 2.0},
    "splitFrom": {"color": "#c8402f", "dashes": [4, 4], "width": 2.0},
    "foundedOnBasisOf": {"color": "#2a8a4a", "dashes": [12, 4], "width": 2.0},
    MEMBERSHIP: {"color": "#8a939c", "dashes": [2, 4], "width": 1.4},
}
OTHER_EDGE = {"color": "#555555", "dashes": [6, 3], "width": 1.5}
EDGE_LEGEND = {
    "mergedInto": "merged into",
    "joined": "joined",
    "renamedTo": "renamed to",
    "refoundedAs": "re-founded as",
    "splitFrom": "split from (arrow: from the parent to the new party)",
    "foundedOnBasisOf": "founded on the basis of (arrow: from the basis)",
    MEMBERSHIP: "member of an electoral bloc",
}
FONT_SIZE = 14
LABEL_CHAR_WIDTH = 7.4  # average width of a character of the label font, in pixels


@dataclass(frozen=True)
class Stage:
    number: int
    label: str
    start: int | None
    end: int | None


class LineageNetwork(Network):
    """A pyvis Network with the page around it: title, axis, stages, legend and figures."""

    def __init__(self, page: dict, charts: list[tuple[str, str]] | tuple = (), nonce: str | None = None):
        super().__init__(height="100%", width="100%", directed=True)
        self.page = page
        self.charts = list(charts)  # (title, inline SVG): drawn into the page, not its JSON data
        self.nonce = nonce  # a Content-Security-Policy nonce for the inline script and style

    def generate_html(self, name: str = "lineage.html", local: bool = True, notebook: bool = False) -> str:
        """The complete page: vis-network and the page script inlined, data as escaped JSON."""
        vis_js = VIS_JS.read_text(encoding="utf-8")
        page_js = (TEMPLATES / "lineage.js").read_text(encoding="utf-8")
        for text in (vis_js, page_js):
            if "</script" in text.lower():
                raise KzgraphError("an inlined script contains '</script': it would end the script element")
        env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
        data = {**self.page, "nodes": self.nodes, "edges": self.edges, "options": self.options}
        self.html = env.get_template("lineage.html").render(
            page=self.page,
            data=data,
            vis_js=vis_js,
            page_js=page_js,
            charts=self.charts,
            nonce=self.nonce,
            css=(TEMPLATES / "lineage.css").read_text(),
        )
        return self.html

    def write_html(
        self, name: str | Path, local: bool = True, notebook: bool = False, open_browser: bool = False
    ):
        """Write the page to `name` (one self-contained HTML file)."""
        path = Path(name)
        try:
            path.write_text(self.generate_html(str(path)), encoding="utf-8")
        except OSError as e:
            raise KzgraphError(f"cannot write {path}: {e.strerror or e}") from None
        return path


def load_stages(graph: Graph) -> list[Stage]:
    """The stages of party construction the graph holds (stored query `stages`)."""
    return [
        Stage(int(row["number"]), row["label"], iso_year(row["start_year"]), iso_year(row["end_year"]))
        for row in graph.run("stages")
    ]


def load_sources(graph: Graph) -> list[str]:
    """Citations of the works that the organisations are transcribed from (the source paper)."""
    result = graph.query(
        "SELECT DISTINCT ?citation WHERE { ?organisation a/rdfs:subClassOf* kz:PoliticalOrganisation ;"
        " prov:hadPrimarySource ?work . ?work a/rdfs:subClassOf* kz:SourceWork ;"
        " dct:bibliographicCitation ?citation } ORDER BY ?citation"
    )
    return [c for c in result.column("citation") if c]


def lineage_page(
    graph: Graph,
    party: str | None = None,
    start: int | None = None,
    end: int | None = None,
    charts: bool = True,
    href_of: Callable[[str], str | None] | None = None,
    nonce: str | None = None,
    country: str | None = None,
) -> LineageNetwork:
    """The page for `graph`: the whole lineage or one party's (a label or IRI), within a span of
    years, of one country's organisations (a code such as ITA; KAZ for the bundled data); with
    `charts`, Kazakhstan's election charts (seats against votes, the party system over time)
    under the figures (not on another country's page). `href_of(iri)` gives each organisation a
    link (its page on a server); `nonce` goes on the inline script and style elements (for a
    Content-Security-Policy)."""
    lineage = read_lineage(graph)
    if country is not None:
        lineage = lineage.only(graph.organisations_of(country))
        if not lineage.organisations:
            raise KzgraphError(f"no organisation of the country {country!r} is in the graph")
    focus = None
    if party is not None:
        focus = graph.resolve_organisation(party).value
        lineage = lineage.around(focus)
    if start is not None or end is not None:
        lineage = lineage.between(start, end)
        if not lineage.organisations:
            raise KzgraphError(f"no organisation falls within {start or '...'}-{end or '...'}")
    network = build_network(
        lineage,
        stages=load_stages(graph),
        sources=load_sources(graph),
        focus=focus,
        start=start,
        end=end,
        href_of=href_of,
        place=_country_name(graph, country),
    )
    network.nonce = nonce
    if charts and (country is None or country.strip().upper() == "KAZ"):  # the charts are Kazakhstan's
        from ..elections.charts import election_charts

        network.charts = election_charts(graph)
    return network


def _country_name(graph: Graph, country: str | None) -> str:
    """The name of the country a code names (Kazakhstan for none or KAZ, the bundled data's)."""
    if country is None or country.strip().upper() == "KAZ":
        return "Kazakhstan"
    import pyoxigraph as ox

    names = graph.query(
        "SELECT ?name WHERE { ?country a schema:Country ; skos:notation ?code ; skos:prefLabel ?name }"
        " LIMIT 1",
        {"code": ox.Literal(country.strip().upper())},
    ).column("name")
    return names[0] if names else country


def build_network(
    lineage: Lineage,
    *,
    stages: list[Stage] | tuple[Stage, ...] = (),
    sources: list[str] | tuple[str, ...] = (),
    focus: str | None = None,
    start: int | None = None,
    end: int | None = None,
    layout: Layout | None = None,
    href_of: Callable[[str], str | None] | None = None,
    place: str = "Kazakhstan",
) -> LineageNetwork:
    """A pyvis network of `lineage` (the party system of `place`) on a time axis, with the page's
    legend, stages and figures; `href_of(iri)`, where given, is the link each organisation's node
    and panel lead to."""
    first = start if start is not None else lineage.first_year
    last = end if end is not None else max(lineage.last_year, lineage.present_year or 0)
    names = short_names(lineage)
    widths = {iri: len(name) * LABEL_CHAR_WIDTH for iri, name in names.items()}
    sizes = {iri: _size(org) for iri, org in lineage.organisations.items()}
    layout = layout or time_layout(lineage, label_widths=widths, sizes=sizes, first_year=first)
    spans = lineage.spans()
    stance_labels = {o.stance_number: o.stance for o in lineage.organisations.values() if o.stance}
    title = f"Party lineage in {place}"
    if focus:
        title = f"Lineage of {lineage.organisations[focus].name}"
    page = {
        "title": f"{title}, {first}-{last}",
        "subtitle": (
            f"{len(lineage.organisations)} organisations and {len(lineage.links)} links on a time axis."
            " Hover for names, dates, elections and sources; click to follow a lineage; drag to move."
            + (" Double-click an organisation or follow its panel's link to open its page." * bool(href_of))
        ),
        "axis": {
            "first": first,
            "last": last,
            "yearWidth": layout.year_width,
            "laneHeight": layout.lane_height,
        },
        "stages": [
            {"number": s.number, "label": s.label, "start": s.start, "end": s.end}
            for s in sorted(stages, key=lambda s: s.number)
        ],
        "legend": _legend(stance_labels, lineage),
        "figures": _figures(lineage),
        "sources": list(sources),
        "otherSources": len(
            {c for link in lineage.links for c in (link.primary_source or "").split(" | ") if c}
            - set(sources)
        ),
        "focus": focus,
        "presentYear": lineage.present_year,
    }
    net = LineageNetwork(page)
    for iri, org in lineage.organisations.items():
        x, y = layout.positions[iri]
        year, dated = lineage.positions[iri]
        fill = STANCE_COLOURS.get(
            org.stance_number or 0, STATUS_COLOURS.get(org.status, STATUS_COLOURS[UNKNOWN])
        )
        alive = bool(org.stance) and lineage.present_year is not None
        net.add_node(
            iri,
            label=names[iri],
            shape=SHAPES.get(org.kind, "dot"),
            color={
                "background": fill,
                "border": BORDER,
                "highlight": {"background": fill, "border": "#111111"},
                "hover": {"background": fill, "border": "#111111"},
            },
            x=x,
            y=y,
            size=sizes[iri],
            borderWidth=1.5 if dated else 2,
            shapeProperties={"borderDashes": False if dated else [4, 3]},
            info={
                "name": org.name,
                "labels": [org.label, *org.other_labels],
                "kind": KIND_NAMES.get(org.kind, org.kind),
                "founded": org.founded,
                "ended": org.ended,
                "hasEnd": org.has_end,
                "dated": dated,
                "year": round(year, 2),
                "status": org.status,
                "results": [r.describe() for r in org.results],
                "lifeEnd": layout.x(spans[iri][1]) if alive else None,
                "iri": iri,
                "href": href_of(iri) if href_of else None,
            },
        )
    labels = lineage.labels()
    seen_pairs: dict[tuple[str, str], int] = {}
    for n, link in enumerate(lineage.links):
        style = EDGE_STYLES.get(link.relation, OTHER_EDGE)
        pair = (link.source, link.target)
        parallel = seen_pairs.get(pair, 0)
        seen_pairs[pair] = parallel + 1
        net.add_edge(
            link.source,
            link.target,
            id=f"e{n}",
            color={"color": style["color"], "highlight": style["color"], "hover": style["color"]},
            dashes=style["dashes"],
            width=style["width"],
            arrows={
                "to": {
                    "enabled": True,
                    "scaleFactor": 0.6,
                    "type": "circle" if link.relation == MEMBERSHIP else "arrow",
                }
            },
            smooth={"enabled": True, "type": "curvedCW", "roundness": 0.18 * parallel} if parallel else False,
            relation=link.relation,
            info={
                "sentence": link.sentence(labels),
                "relation": link.relation_label,
                "date": link.date,
                "event": link.event_label,
                "source": link.primary_source,
                "reference": link.reference_number,
                "citation": link.citation,
                "quote": link.quote,
            },
        )
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": True,
            "dragNodes": True,
            "dragView": True,
            "zoomView": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": False,
            "multiselect": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "nodes": {
            "font": {
                "size": FONT_SIZE,
                "face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
                "color": "#1d232a",
            },
        },
        "edges": {"selectionWidth": 1.5, "hoverWidth": 1.2},
    }
    return net


def _size(org) -> float:
    """Node radius: grows with the most seats the organisation won in one election."""
    return round(7 + 1.9 * math.sqrt(org.most_seats), 1)


def _is_acronym(label: str) -> bool:
    letters = [c for c in label if c.isalpha()]
    return len(letters) <= 6 and all(c.isupper() for c in letters)


def short_names(lineage: Lineage) -> dict[str, str]:
    """The label drawn on the canvas: the shortest of an organisation's names that no other
    organisation shares and that is not a bare acronym (full names are in the tooltip)."""
    owners: dict[str, set[str]] = {}
    for iri, org in lineage.organisations.items():
        for label in (org.label, *org.other_labels):
            owners.setdefault(label.casefold(), set()).add(iri)
    names = {}
    for iri, org in lineage.organisations.items():
        candidates = [
            label
            for label in org.other_labels
            if len(owners[label.casefold()]) == 1
            and len(label) >= 4
            and not _is_acronym(label)
            and label[0].isupper()
        ]
        best = min(candidates, key=lambda c: (len(c), c), default=None)
        names[iri] = best if best and len(best) < len(org.name) else org.name
    return names


def _legend(stance_labels: dict[int | None, str | None], lineage: Lineage) -> dict:
    statuses = [
        {
            "label": f"{label} ({lineage.present_year})" if lineage.present_year else label,
            "colour": STANCE_COLOURS.get(n, "#777"),
        }
        for n, label in sorted((k, v) for k, v in stance_labels.items() if k is not None)
    ]
    statuses.append({"label": DISSOLVED, "colour": STATUS_COLOURS[DISSOLVED]})
    statuses.append(
        {
            "label": f"{UNKNOWN} (not in the {lineage.present_year or 'latest'} grouping, no recorded end)",
            "colour": STATUS_COLOURS[UNKNOWN],
        }
    )
    kinds = sorted({o.kind for o in lineage.organisations.values()} | set(SHAPES), key=list(SHAPES).index)
    relations = [r for r in EDGE_STYLES if any(link.relation == r for link in lineage.links)] or list(
        EDGE_STYLES
    )
    return {
        "statuses": statuses,
        "shapes": [{"label": KIND_NAMES[k], "shape": SHAPES[k]} for k in kinds if k in SHAPES],
        "edges": [{"label": EDGE_LEGEND[r], **EDGE_STYLES[r]} for r in relations],
    }


def _figures(lineage: Lineage) -> list[str]:
    """A few consolidation figures for the page's side panel (all computed)."""
    stats = consolidation_stats(lineage)
    labels = lineage.labels()
    lines = []
    if stats.largest_merger:
        link, members = stats.largest_merger
        into = labels[link.target]
        lines.append(f"Largest merger: {len(members)} organisations into {into} ({link.date or 'undated'}).")
    if stats.largest_absorption:
        target, links = stats.largest_absorption
        lines.append(
            f"Most organisations absorbed: {labels[target]}, {len(links)} (merged into or joined it)."
        )
    if stats.longest_chain.links:
        names = " → ".join(labels[i] for i in stats.longest_chain.organisations)
        lines.append(f"Longest chain ({len(stats.longest_chain.links)} links): {names}.")
    if stats.present_year:
        survivors, year = len(stats.surviving_roots), stats.present_year
        lines.append(f"{survivors} of {stats.roots} roots have a successor in the {year} grouping.")
    largest = len(stats.components[0]) if stats.components else 0
    lines.append(f"{len(stats.components)} connected groups; the largest has {largest} organisations.")
    return lines
