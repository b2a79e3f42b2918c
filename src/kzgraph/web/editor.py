"""The query page (`/editor`): YASGUI with the stored queries as tabs and offline autocompletion."""

from __future__ import annotations

import re

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ..errors import KzgraphError
from ..graph.namespaces import PREFIXES
from .responses import script_json
from .state import web_state


async def home(request: Request) -> Response:
    web = web_state(request)
    tabs = await web.cached("tabs", lambda: yasgui_tabs(web.graph))
    vocabulary = await web.cached("vocabulary", lambda: vocabulary_of(web.graph.store))
    return web.templates.TemplateResponse(
        request,
        "index.html",
        {
            "tabs_json": script_json(tabs),
            "vocabulary_json": script_json(vocabulary),
            "settings": web.settings,
        },
    )


def yasgui_tabs(graph) -> list[dict]:
    """The stored queries as standalone SPARQL for the query page: PREFIX lines for the prefixes
    they use, and each parameter bound to its default or example by VALUES at the top of WHERE."""
    from ..graph.params import bind

    tabs = []
    for query in graph.catalog:
        body = "\n".join(line for line in query.sparql.splitlines() if not line.startswith("#+")).strip()
        used = [p for p in PREFIXES if re.search(rf"(?<![\w.-]){re.escape(p)}:", body)]
        header = [f"# {query.title} (/queries/{query.name})"]
        header += [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
        example = {
            p.name: p.default or p.example for p in query.params if (p.default or p.example) is not None
        }
        try:
            bound = bind(query, example, graph.resolve_organisation)
        except KzgraphError:
            bound = {}
        if bound:
            values = " ".join(f"VALUES ?{var.value} {{ {term} }}" for var, term in bound.items())
            where = re.search(r"\bWHERE\s*\{", body, flags=re.I)
            if where:
                body = f"{body[: where.end()]}\n  {values}{body[where.end() :]}"
        tabs.append({"name": query.name, "title": query.title, "sparql": "\n".join(header) + "\n\n" + body})
    return tabs


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
