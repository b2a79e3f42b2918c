"""The reader pages of `/id/...` resources: a page of its own for each kind (party, election,
law, stage, event, source), with its data from the stored queries in a query worker; other
resources keep the generic statement table (resource.html)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .pagedata import PageDataJob
from .resource_pages import ResourceView
from .responses import error_response
from .state import web_state


async def reader_page(
    request: Request, iri: str, alternates: dict[str, str], statements: ResourceView
) -> Response | None:
    """The reader page of `iri` with the first page of its statements folded below, or None if its
    kind has none (the caller shows the generic one)."""
    web = web_state(request)
    status, data = await web.page_cache.data(web, PageDataJob("resource", (iri,)))
    if status != 200:
        return error_response(status, data["message"])
    if data["type"] is None:
        return None
    return web.templates.TemplateResponse(
        request,
        f"{data['type']}.html",
        {"page": data, "summary": data["summary"], "statements": statements, "alternates": alternates},
        headers={"Vary": "Accept"},
    )
