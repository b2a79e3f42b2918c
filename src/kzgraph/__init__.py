"""kzgraph: a sourced linked-data knowledge graph of Kazakhstan's party system."""

from .errors import DataLoadError, KzgraphError, ParameterError, QueryError, QueryNotFound
from .graph.catalog import Catalog, Param, StoredQuery
from .graph.results import AskResult, GraphResult, SelectResult
from .graph.store import Graph, load

__version__ = "0.1.0"

__all__ = [
    "AskResult",
    "Catalog",
    "DataLoadError",
    "Graph",
    "GraphResult",
    "KzgraphError",
    "Param",
    "ParameterError",
    "QueryError",
    "QueryNotFound",
    "SelectResult",
    "StoredQuery",
    "__version__",
    "load",
]
