"""Importers: other sources' tables turned into the kzgraph ontology."""
