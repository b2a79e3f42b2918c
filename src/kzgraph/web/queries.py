"""Stored queries as URLs: the list (`/queries`) and each query as a page or a download
(`/queries/NAME`, `/queries/NAME.csv|.tsv|.json|.xml`, `/queries/NAME.json?_shape=objects`).

The page shows IRIs by their labels, linked to their pages (read in the worker with the
result), offers the parameters' choices (the election years, the organisations' names) and
links to every download, to `curl` and to the query editor."""

from __future__ import annotations

import json
import shlex
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ..errors import KzgraphError
from ..graph.catalog import StoredQuery
from ..graph.namespaces import PREFIXES
from ..publish.site_paths import variants
from .protocol import TRUNCATED_HEADER, Reply, negotiate
from .querypool import StoredJob, StoredPageJob
from .resource_pages import compact, local_path
from .responses import error_response, reply_response
from .state import WebState, web_state

STORED_EXTENSIONS = {"json": "json", "csv": "csv", "tsv": "tsv", "xml": "xml"}
SHAPES = ("objects",)
# Datatypes whose values the objects shape writes as JSON numbers or booleans.
NUMBERS = {PREFIXES["xsd"] + t for t in ("integer", "decimal", "double", "float", "int", "long")}
BOOLEAN = PREFIXES["xsd"] + "boolean"
SPARQL_JSON = "application/sparql-results+json"


async def queries_index(request: Request) -> Response:
    web = web_state(request)
    catalog = list(web.graph.catalog)
    if negotiate(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
        return Response(
            json.dumps([query_summary(q) for q in catalog], ensure_ascii=False), media_type="application/json"
        )
    return web.templates.TemplateResponse(request, "queries.html", {"queries": catalog})


async def stored_query(request: Request) -> Response:
    web = web_state(request)
    name, ext = request.path_params["name"], request.path_params.get("ext")
    if ext is not None and ext not in STORED_EXTENSIONS:
        return error_response(404, f"No .{ext} variant: use {', '.join('.' + e for e in STORED_EXTENSIONS)}")
    try:
        stored = web.graph.catalog.get(name)
    except KzgraphError as e:
        return error_response(404, str(e))
    params = request.query_params.multi_items()
    repeated = sorted({n for n, _ in params if [m for m, _ in params].count(n) > 1})
    if repeated:
        return error_response(400, f"Give each parameter once: {', '.join(repeated)}")
    values = dict(params)
    shape = values.pop("_shape", None)
    if shape is not None and (ext != "json" or shape not in SHAPES):
        return error_response(400, f"_shape={shape} is not offered: use {name}.json?_shape=objects")
    max_rows, max_bytes = web.settings.max_rows, web.settings.max_bytes
    if shape == "objects":
        reply = await web.call(StoredJob(name, tuple(values.items()), "json", max_rows, max_bytes))
        if reply.status != 200:
            return reply_response(reply)
        body = objects_shape(json.loads(reply.body), TRUNCATED_HEADER in reply.headers)
        return Response(json.dumps(body, ensure_ascii=False, indent=1), media_type="application/json")
    if ext is not None:
        fmt = STORED_EXTENSIONS[ext]
        return reply_response(
            await web.call(StoredJob(name, tuple(values.items()), fmt, max_rows, max_bytes))
        )
    missing = [p.name for p in stored.params if p.required and p.name not in values]
    result, error, labels = None, None, {}
    if not missing:
        answer = await web.call(StoredPageJob(name, tuple(values.items()), max_rows, max_bytes))
        reply, labels = (answer, {}) if isinstance(answer, Reply) else (answer.reply, answer.labels)
        if reply.status == 200 and reply.media_type == SPARQL_JSON:
            result = json.loads(reply.body)
            result["truncated"] = reply.headers.get(TRUNCATED_HEADER)
        elif reply.status == 200:
            error = f"{name} is a graph query: download it as Turtle at {name}.json"
        else:
            error = json.loads(reply.body)["message"]
    query_string = urlencode(list(values.items()))
    return web.templates.TemplateResponse(
        request,
        "query.html",
        {
            "query": stored,
            "values": values,
            "missing": missing,
            "result": result,
            "cells": table_cells(result, labels) if result else [],
            "error": error,
            "query_string": query_string,
            "choices": await param_choices(web, stored),
            "variants": variants(stored, await election_years(web)),
            "curl": curl_command(str(request.base_url).rstrip("/"), name, query_string),
            "editor_link": "/editor?" + urlencode([("stored", name), *values.items()]),
            "settings": web.settings,
        },
        status_code=200 if error is None else 400,
    )


def query_summary(query: StoredQuery) -> dict:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "params": [
            {"name": p.name, "type": p.type, "required": p.required, "example": p.example}
            for p in query.params
        ],
        "url": f"/queries/{query.name}",
    }


def objects_shape(result: dict, truncated: bool) -> dict:
    """SPARQL JSON results in Datasette's `?_shape=objects` form: one object per row, a column
    left unbound is null, numbers and booleans are JSON numbers and booleans."""
    columns = result["head"]["vars"]
    rows = [{c: plain_value(row.get(c)) for c in columns} for row in result["results"]["bindings"]]
    return {"ok": True, "columns": columns, "rows": rows, "truncated": truncated}


def plain_value(cell: dict | None):
    if cell is None:
        return None
    datatype = cell.get("datatype")
    try:
        if datatype in NUMBERS:
            number = float(cell["value"])
            return int(number) if number.is_integer() and "." not in cell["value"] else number
        if datatype == BOOLEAN:
            return cell["value"] in ("true", "1")
    except ValueError:
        pass
    return cell["value"]


def table_cells(result: dict, labels: dict[str, str]) -> list[list[dict | None]]:
    """Each result row as cells to show: text, a link for IRIs and a sort key."""
    rows = []
    for binding in result["results"]["bindings"]:
        row = []
        for column in result["head"]["vars"]:
            cell = binding.get(column)
            if cell is None:
                row.append(None)
            elif cell["type"] == "uri":
                iri = cell["value"]
                text = labels.get(iri) or compact(iri)
                row.append({"text": text, "href": local_path(iri) or iri, "title": iri, "sort": text.lower()})
            else:
                numeric = cell.get("datatype") in NUMBERS
                row.append({"text": cell["value"], "numeric": numeric, "sort": cell["value"]})
        rows.append(row)
    return rows


async def param_choices(web: WebState, stored: StoredQuery) -> dict[str, list[str]]:
    """The values to offer for each parameter with known choices: years and organisation names."""
    choices = {}
    for param in stored.params:
        if param.type == "year":
            choices[param.name] = await election_years(web)
        elif param.type == "organisation":
            choices[param.name] = await organisation_names(web)
    return choices


async def election_years(web: WebState) -> list[str]:
    rows = await _cached_rows(web, "election-years")
    return [row["year"] for row in rows]


async def organisation_names(web: WebState) -> list[str]:
    rows = await _cached_rows(web, "organisation-names")
    # the names a reader would type: preferred and other labels, not the misspellings the source prints
    return sorted({row["name"] for row in rows if row["name_kind"] != "hidden"}, key=str.lower)


async def _cached_rows(web: WebState, name: str) -> list[dict]:
    def run() -> list[dict]:
        reply = web.pool.call(StoredJob(name, (), "json", web.settings.max_rows), web.settings.timeout)
        if reply.status != 200:
            return []
        return objects_shape(json.loads(reply.body), False)["rows"]

    return await web.cached(f"rows {name}", run)


def curl_command(base_url: str, name: str, query_string: str) -> str:
    url = f"{base_url}/queries/{name}.csv" + (f"?{query_string}" if query_string else "")
    return f"curl {shlex.quote(url)}"
