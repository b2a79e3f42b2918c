"""The lineage graph on the server (`/lineage`): `kzgraph viz`'s interactive page, made in a
query worker from the served graph, each organisation linking to its page. Query parameters
as the command's options: party, from, to, source."""

from __future__ import annotations

import json
import re

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .pagedata import PageDataJob
from .responses import error_response
from .state import web_state

SOURCES = ("all", "paper")
# The page is made once per parameters and kept; each answer puts in the request's nonce.
NONCE_PLACEHOLDER = "kzgraph-csp-nonce"
# a link to a path of this site: in the markup, and in the page data the script reads
SITE_LINK = re.compile(r'(href="|"href": ")(/[^"]*)(")')


async def lineage(request: Request) -> Response:
    web = web_state(request)
    params = request.query_params
    unknown = sorted(set(params) - {"party", "from", "to", "source"})
    if unknown:
        return error_response(400, f"Unknown parameter {', '.join(unknown)}: use party, from, to, source")
    party = params.get("party", "").strip()
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    source = params.get("source", "all")
    for name, year in (("from", start), ("to", end)):
        if year and not (year.isdigit() and len(year) == 4):
            return error_response(400, f"{name} must be a year (YYYY), not {year!r}")
    if start and end and int(start) > int(end):
        return error_response(400, f"from {start} is after to {end}")
    if source not in SOURCES:
        return error_response(400, f"source must be one of {', '.join(SOURCES)}")
    if len(party) > 300:
        return error_response(400, "party is too long")
    job = PageDataJob("lineage", (party, start, end, source, NONCE_PLACEHOLDER))
    reply = await web.page_cache.call(web, job)
    if reply.status != 200:
        return error_response(reply.status, json.loads(reply.body)["message"])
    html = json.loads(reply.body)["html"]
    nonce = getattr(request.state, "csp_nonce", None)
    marker = f' nonce="{NONCE_PLACEHOLDER}"'
    html = html.replace(marker, f' nonce="{escape(nonce)}"' if nonce else "")
    if web.site is not None:  # `kzgraph site`: the page's links, and its nodes', as relative files
        page = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        html = SITE_LINK.sub(lambda m: m.group(1) + web.site.link(page, m.group(2)) + m.group(3), html)
    return HTMLResponse(html)
