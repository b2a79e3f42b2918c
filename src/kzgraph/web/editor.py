"""The query editor (`/editor`): YASGUI on this
server's /sparql with a picker of the stored queries, offline autocompletion, and a graph view
of CONSTRUCT and DESCRIBE results (vis-network, served from the lineage page's vendored copy).

`/editor?stored=NAME&PARAM=VALUE` opens a stored query with its parameters bound;
`/editor?query=SPARQL` opens any query."""

from __future__ import annotations

import re

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..errors import KzgraphError
from ..graph.catalog import StoredQuery
from ..graph.namespaces import PREFIXES
from .responses import script_json
from .state import PACKAGE, web_state

# The lineage page's vendored copy (its version and licences: lineage/vendor/vis-network/README.md).
VIS_NETWORK = PACKAGE.parent / "lineage" / "vendor" / "vis-network" / "vis-network.min.js"


async def home(request: Request) -> Response:
    web = web_state(request)
    tabs = await web.cached("tabs", lambda: yasgui_tabs(web.graph))
    vocabulary = await web.cached("vocabulary", lambda: vocabulary_of(web.graph.store))
    values = dict(request.query_params)
    chosen, text = values.pop("stored", None), values.pop("query", None)
    if chosen is not None and chosen not in web.graph.catalog.names():
        chosen = None
    if chosen is not None and values:
        stored = web.graph.catalog.get(chosen)
        given = {k: v for k, v in values.items() if stored.param(k) is not None}
        text = standalone_sparql(web.graph, stored, given)
    initial = {"stored": chosen or (tabs[0]["name"] if tabs and text is None else None), "sparql": text}
    return web.templates.TemplateResponse(
        request,
        "editor.html",
        {
            "tabs": tabs,
            "initial": initial,
            "tabs_json": script_json(tabs),
            "initial_json": script_json(initial),
            "vocabulary_json": script_json(vocabulary),
            "settings": web.settings,
        },
    )


async def vis_network(request: Request) -> Response:
    """vis-network, the lineage page's vendored copy, for the editor's graph view."""
    return FileResponse(VIS_NETWORK, media_type="text/javascript")


def yasgui_tabs(graph) -> list[dict]:
    """The stored queries as standalone SPARQL for the editor, each parameter bound to its
    default or example."""
    tabs = []
    for query in graph.catalog:
        example = {
            p.name: p.default or p.example for p in query.params if (p.default or p.example) is not None
        }
        sparql = standalone_sparql(graph, query, example)
        tabs.append({"name": query.name, "title": query.title, "sparql": sparql})
    return tabs


def standalone_sparql(graph, query: StoredQuery, values: dict[str, str]) -> str:
    """`query` as SPARQL that runs anywhere: PREFIX lines for the prefixes it uses, and the
    parameters in `values` bound (as RDF terms) by VALUES at the top of WHERE."""
    from ..graph.params import bind

    body = "\n".join(line for line in query.sparql.splitlines() if not line.startswith("#+")).strip()
    used = [p for p in PREFIXES if re.search(rf"(?<![\w.-]){re.escape(p)}:", body)]
    header = [f"# {query.title} (/queries/{query.name})"]
    header += [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
    try:
        bound = bind(query, values, graph.resolve_organisation)
    except KzgraphError:
        bound = {}
    if bound:
        clauses = " ".join(f"VALUES ?{var.value} {{ {term} }}" for var, term in bound.items())
        where = re.search(r"\bWHERE\s*\{", body, flags=re.I)
        if where:
            body = f"{body[: where.end()]}\n  {clauses}{body[where.end() :]}"
    return "\n".join(header) + "\n\n" + body


def vocabulary_of(store: ox.Store) -> dict[str, list[str]]:
    """Class and property IRIs the graph uses, for the query editor's offline autocompletion."""
    rows = store.query(
        """SELECT DISTINCT ?term ?kind WHERE {
             { ?x a ?term BIND("class" AS ?kind) } UNION { ?term a owl:Class BIND("class" AS ?kind) }
             UNION { ?x ?term ?y BIND("property" AS ?kind) }
           }""",
        use_default_graph_as_union=True,
        prefixes=PREFIXES,
    )
    found: dict[str, set[str]] = {"class": set(), "property": set()}
    for row in rows:
        if isinstance(row["term"], ox.NamedNode):
            found[row["kind"].value].add(row["term"].value)
    return {"classes": sorted(found["class"]), "properties": sorted(found["property"])}
