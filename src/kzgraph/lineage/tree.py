"""A lineage as an indented text tree: ancestors above, descendants below."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import KIND_NAMES, Lineage, Link, link_order


def text_tree(lineage: Lineage, iri: str) -> str:
    """The organisation's ancestors and descendants as an indented text tree.

    Each line gives the link to the organisation on the line above (↑), as the ontology
    reads it: "merged into ↑" (this one merged into that), "↑ split from it".
    """
    org = lineage.find(iri)
    labels = lineage.labels()
    facts = [KIND_NAMES.get(org.kind, org.kind)]
    facts.append(f"founded {org.founded}" if org.founded else "founding not dated")
    if org.has_end:
        facts.append(f"ended {org.ended}" if org.ended else "ended (not dated)")
    if org.stance:
        facts.append(f"{lineage.present_year or ''} stance group: {org.stance}".strip())
    lines = [f"{org.name}  ({'; '.join(facts)})"]
    if org.other_labels:
        lines.append(f"  also called: {'; '.join(org.other_labels)}")
    for result in org.results:
        lines.append(f"  {result.describe()}")
    lines += ["", "(↑ in a link stands for the organisation on the line above)"]
    for title, upwards, found in (
        ("Ancestors", True, lineage.ancestors(iri)),
        ("Descendants", False, lineage.descendants(iri)),
    ):
        lines += ["", f"{title} ({len(found)}):" + ("" if found else " none recorded")]
        lines += _branches(lineage, iri, labels, upwards)
    return "\n".join(lines) + "\n"


@dataclass
class Branch:
    """One organisation in a lineage tree: the links that tie it to the one above, and its own
    branches (none where it was shown already: `repeat`)."""

    iri: str
    links: list[Link]
    repeat: bool = False
    branches: list[Branch] = field(default_factory=list)


def lineage_branches(lineage: Lineage, root: str, upwards: bool) -> list[Branch]:
    """The ancestors (`upwards`) or descendants of `root` as a tree; an organisation reached
    twice is a `repeat` leaf the second time."""
    labels = lineage.labels()
    seen = {root}

    def walk(iri: str) -> list[Branch]:
        neighbours = set(lineage.graph.predecessors(iri) if upwards else lineage.graph.successors(iri))
        groups = [
            (o, lineage.links_between(o, iri) if upwards else lineage.links_between(iri, o))
            for o in neighbours
        ]
        groups.sort(key=lambda g: (link_order(g[1][0]), g[1][0].date or "", labels[g[0]]))
        found = []
        for other, links in groups:
            branch = Branch(other, links, repeat=other in seen)
            if not branch.repeat:
                seen.add(other)
                branch.branches = walk(other)
            found.append(branch)
        return found

    return walk(root)


def _branches(lineage: Lineage, root: str, labels: dict[str, str], upwards: bool) -> list[str]:
    lines: list[str] = []

    def draw(branches: list[Branch], indent: str) -> None:
        for n, branch in enumerate(branches):
            last = n == len(branches) - 1
            how = "; ".join(
                f"{_phrase(link, upwards)}, {link.date or 'date not stated'}" for link in branch.links
            )
            repeat = " (shown above)" if branch.repeat else ""
            lines.append(f"{indent}{'└── ' if last else '├── '}{labels[branch.iri]}  [{how}]{repeat}")
            draw(branch.branches, indent + ("    " if last else "│   "))

    draw(lineage_branches(lineage, root, upwards), "  ")
    return lines


def _phrase(link: Link, upwards: bool) -> str:
    """The link seen from a tree line: "merged into ↑", "↑ split from it" (↑: the line above)."""
    # Going up (ancestors) the line holds the link's source; going down, its target.
    line_is_subject = link.backwards != upwards
    return f"{link.relation_label} ↑" if line_is_subject else f"↑ {link.relation_label} it"
