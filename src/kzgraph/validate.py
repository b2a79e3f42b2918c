"""Validate the graph against the SHACL shapes with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import ONTOLOGY_GRAPH, PREFIXES
from .resources import SHAPES_FILE
from .store import Graph


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    severity: str
    shape: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        return f"{self.severity}: {where}: {self.message}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: list[Violation]


def validate(graph: Graph, shapes: Path = SHAPES_FILE) -> Report:
    """Check every graph but the ontology (data plus derived links) against `shapes`."""
    import rdflib
    from pyshacl import validate as shacl_validate

    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    data_quads = [q for q in graph.store if q.graph_name != ontology]
    data = rdflib.Graph()
    data.parse(data=ox.serialize([q.triple for q in data_quads], format=ox.RdfFormat.N_TRIPLES), format="nt")
    ont = rdflib.Graph()
    ont.parse(
        data=ox.serialize(
            [q.triple for q in graph.store.quads_for_pattern(None, None, None, ontology)],
            format=ox.RdfFormat.N_TRIPLES,
        ),
        format="nt",
    )
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes_graph, ont_graph=ont, inference="none", allow_warnings=True
    )
    return Report(bool(conforms), _violations(results))


def _violations(results) -> list[Violation]:
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
        found.append(
            Violation(
                focus=short(results.value(result, SH.focusNode)),
                path=short(results.value(result, SH.resultPath)),
                message=str(results.value(result, SH.resultMessage) or ""),
                severity=short(results.value(result, SH.resultSeverity)).split("#")[-1],
                shape=short(results.value(result, SH.sourceShape)),
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path, v.message))
