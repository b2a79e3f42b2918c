"""Validate the graph against the SHACL shapes with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..resources import PARLGOV_SHAPES_FILE, POST_2012_SHAPES_FILE, SHAPES_FILE
from .namespaces import ONTOLOGY_GRAPH, PARLGOV_RELEASE, POST_2012_GRAPH, PREFIXES, derived_graph
from .store import Graph

KZSH = "https://w3id.org/kzgraph/shapes#"
SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    severity: str
    shape: str
    component: str = ""  # the SHACL constraint component, e.g. sh:MinCountConstraintComponent
    value: str = ""  # the offending value, where there is one
    own_message: bool = False  # the message is the shape's own sh:message, not pySHACL's

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        return f"{self.severity}: {where}: {self.message}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: list[Violation]


def validate(graph: Graph, shapes: Path | None = None) -> Report:
    """Check the data against the SHACL shapes; with `shapes`, every data graph against that file.

    By default three checks run, and their results are merged:
    the paper's data (and user files) against shapes.ttl; every data graph together against
    shapes.ttl without the paper-only source rules (so later facts meet the same structural
    shapes); the post-2012 graph alone against shapes-post-2012.ttl (each fact has a web source).
    """
    import rdflib

    ontology = _rdflib_graph(graph.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
    if shapes is not None:
        return _check(_data(graph, lambda g: True), rdflib.Graph().parse(shapes, format="turtle"), ontology)
    imported = _parlgov_graphs(graph)
    imported |= {derived_graph(g) for g in imported}
    later = {POST_2012_GRAPH, derived_graph(POST_2012_GRAPH)}
    paper_shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    post_shapes = rdflib.Graph().parse(POST_2012_SHAPES_FILE, format="turtle")
    structural = _deactivated(post_shapes, "PaperSourceRules")
    reports = [
        _check(_data(graph, lambda g: g not in later | imported), paper_shapes, ontology),
        _check(_data(graph, lambda g: g not in imported), structural, ontology),
        _check(_data(graph, lambda g: g == POST_2012_GRAPH), post_shapes, ontology, advanced=True),
    ]
    if imported:
        parlgov_shapes = rdflib.Graph().parse(PARLGOV_SHAPES_FILE, format="turtle")
        checks = _deactivated(parlgov_shapes, "ParlGovDeactivated") + parlgov_shapes
        reports.append(_check(_data(graph, lambda g: g in imported), checks, ontology))
    return Report(all(r.conforms for r in reports), one_per_problem(v for r in reports for v in r.violations))


def one_per_problem(violations) -> list[Violation]:
    """One result per problem: several shapes (and the several checks) may report the same
    constraint on the same node, path and value; the result with the shape's own message wins."""
    best: dict[tuple[str, str, str, str], Violation] = {}
    for v in sorted(violations, key=lambda v: (not v.own_message, v.message)):
        best.setdefault((v.focus, v.path, v.component, v.value), v)
    return sorted(best.values(), key=lambda v: (v.focus, v.path, v.message))


def _deactivated(shapes, members: str):
    """shapes.ttl with the shapes that `shapes` lists as kzsh:<members> deactivated."""
    import rdflib

    structural = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    for shape in shapes.objects(rdflib.URIRef(KZSH + members), rdflib.RDFS.member):
        structural.add((shape, rdflib.URIRef(SH + "deactivated"), rdflib.Literal(True)))
    return structural


def _parlgov_graphs(graph: Graph) -> set[str]:
    """The graphs that hold facts of the ParlGov import (they cite its release)."""
    cites = f"?fact <{PREFIXES['prov']}hadPrimarySource> <{PARLGOV_RELEASE}>"
    rows = graph.store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {cites} }} }}")
    return {row["g"].value for row in rows}


def _rdflib_graph(quads):
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def _data(graph: Graph, keep):
    """The triples of every graph but the ontology whose name `keep` accepts."""
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    return _rdflib_graph(
        q for q in graph.store if q.graph_name != ontology and keep(getattr(q.graph_name, "value", None))
    )


def _check(data, shapes, ontology, advanced: bool = False) -> Report:
    from pyshacl import validate as shacl_validate

    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True, advanced=advanced
    )
    return Report(bool(conforms), one_per_problem(_violations(results, shapes)))


def _violations(results, shapes) -> list[Violation]:
    from rdflib.namespace import SH

    def short(node) -> str:
        if node is None:
            return ""
        text = str(node)
        for prefix, iri in PREFIXES.items():
            if text.startswith(iri) and "/" not in text[len(iri) :]:
                return f"{prefix}:{text[len(iri) :]}"
        return text

    found = []
    for result in results.subjects(SH.resultSeverity, None):
        shape = results.value(result, SH.sourceShape)
        found.append(
            Violation(
                focus=short(results.value(result, SH.focusNode)),
                path=short(results.value(result, SH.resultPath)),
                message=str(results.value(result, SH.resultMessage) or ""),
                severity=short(results.value(result, SH.resultSeverity)).split("#")[-1],
                shape=short(shape),
                component=short(results.value(result, SH.sourceConstraintComponent)),
                value=short(results.value(result, SH.value)),
                own_message=shape is not None and shapes.value(shape, SH.message) is not None,
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path, v.message))
