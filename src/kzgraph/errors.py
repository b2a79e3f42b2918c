"""Exceptions raised by kzgraph. The CLI turns each into a one-line error."""

from __future__ import annotations


class KzgraphError(Exception):
    """Base class of every error kzgraph reports to a user."""


class DataLoadError(KzgraphError):
    """An RDF file could not be read; nothing from the load was kept."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path, self.line, self.column = path, line, column
        where = path if line is None else f"{path}:{line}:{column or 0}"
        super().__init__(f"{where}: {message}")


class CatalogError(KzgraphError):
    """A stored query file is malformed."""


class QueryNotFound(KzgraphError):
    """No stored query has the requested name."""


class ParameterError(KzgraphError):
    """A query parameter is missing, unknown or has a bad value."""


class QueryError(KzgraphError):
    """A SPARQL query is malformed or failed to run."""


class LabelNotFound(ParameterError):
    """No organisation has the given label."""


class AmbiguousLabel(ParameterError):
    """Several organisations share the given label."""


class StoreError(KzgraphError):
    """An on-disk store is missing, in use or cannot be changed; the store was left as it was."""


class EndpointError(KzgraphError):
    """A remote SPARQL endpoint could not be reached or refused a request."""
