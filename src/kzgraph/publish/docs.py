"""Ontology documentation: one self-contained HTML page of the classes and properties, by pyLODE."""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox

from ..errors import KzgraphError
from .export import export


class DocsError(KzgraphError):
    """The documentation could not be made or written."""


def ontology_html(store: ox.Store) -> str:
    """The ontology graph of `store` documented as one HTML page (pyLODE's OntPub profile).

    The page inlines its CSS and loads nothing from the network.
    """
    import rdflib

    OntPub, PylodeError = _import_pylode()
    ontology = rdflib.Graph().parse(data=export(store, "ttl", "ontology"), format="turtle")
    if len(ontology) == 0:
        raise DocsError("The graph has no ontology to document (no triples in the ontology graph)")
    # pyLODE heads the page with every title and label of the ontology run together: keep the title.
    for node in ontology.subjects(rdflib.RDF.type, rdflib.OWL.Ontology):
        if (node, rdflib.DCTERMS.title, None) in ontology:
            ontology.remove((node, rdflib.RDFS.label, None))
    try:
        html = OntPub(ontology=ontology, sort_subjects=True).make_html()
    except PylodeError as e:
        raise DocsError(f"pyLODE could not document the ontology: {e}") from None
    return accessible(html)


# pyLODE's "made by pyLODE" badge is grey and yellow on white: darker, for a 4.5:1 contrast.
BADGE_COLOURS = (
    "<style>#pylode, #pylode span { color: #555; } #pylode #p { color: #1f6b30; }"
    " #pylode #y { color: #7a5c00; }</style>"
)


def accessible(html: str) -> str:
    """pyLODE's page with a language (`<html lang="en">`) and legible colours (axe-core's checks)."""
    html = html.replace("<html>", '<html lang="en">', 1)
    return html.replace("</head>", BADGE_COLOURS + "\n</head>", 1)


def _import_pylode():
    # pyLODE's supermodel loader calls logging.basicConfig(level=DEBUG) on import, which would
    # make every library's debug log print on our stderr: put the root logger back as it was.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from pylode import OntPub
        from pylode.utils import PylodeError
    except ImportError as e:
        raise DocsError(
            f"pyLODE is missing ({e}): pip install '.[docs]' in the kzgraph checkout (README: Dependencies)"
        ) from None
    root.handlers[:] = handlers
    root.setLevel(level)
    return OntPub, PylodeError


def write_docs(store: ox.Store, directory: Path) -> Path:
    """Write the ontology page to `directory`/index.html (creating the directory); return its path."""
    html = ontology_html(store)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        page = directory / "index.html"
        page.write_text(html, encoding="utf-8")
    except OSError as e:
        raise DocsError(f"{directory}: can't write the documentation: {e.strerror or e}") from None
    return page
