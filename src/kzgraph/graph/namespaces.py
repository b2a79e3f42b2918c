"""IRIs kzgraph mints: the ontology, resources, named graphs."""

from __future__ import annotations

BASE = "https://w3id.org/kzgraph/"
KZ = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology"
PAPER_GRAPH = GRAPH + "paper"
POST_2012_GRAPH = GRAPH + "post-2012"
PARLGOV_GRAPH = GRAPH + "parlgov"  # importers/parlgov.py
PARLGOV_RELEASE = "https://doi.org/10.7910/DVN/2VZ5ZC"  # the ParlGov release its facts cite
# What the rules derive from each source graph goes into a graph of its own under DERIVED_PREFIX
# (derived/paper, derived/post-2012, derived/user/<file>), so that a query can leave a source out.
DERIVED_PREFIX = GRAPH + "derived/"
DERIVED_GRAPH = DERIVED_PREFIX + "paper"


def derived_graph(source_graph: str) -> str:
    """The graph that holds what the rules derive from `source_graph` (a graph under GRAPH)."""
    return DERIVED_PREFIX + source_graph.removeprefix(GRAPH)


PREFIXES = {
    "kz": KZ,
    "party": ID + "party/",
    "body": ID + "body/",
    "person": ID + "person/",
    "event": ID + "event/",
    "election": ID + "election/",
    "result": ID + "result/",
    "law": ID + "law/",
    "doc": ID + "doc/",
    "stage": ID + "stage/",
    "stance": ID + "stance/",
    "figure": ID + "figure/",
    "guideline": ID + "guideline/",
    "claim": ID + "claim/",
    "trend": ID + "trend/",
    "src": ID + "source/",
    "statement": ID + "statement/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "time": "http://www.w3.org/2006/time#",
}
