"""IRIs kzgraph mints: the ontology, resources, named graphs."""

from __future__ import annotations

BASE = "https://w3id.org/kzgraph/"
KZ = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology"
PAPER_GRAPH = GRAPH + "paper"
DERIVED_GRAPH = GRAPH + "derived"

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
    "src": ID + "source/",
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
