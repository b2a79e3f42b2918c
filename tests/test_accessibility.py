"""Every page type of kzgraph serve passes axe-core (vendored in tests/fixtures/axe-core) with no
serious or critical violation, at a desktop (1280x720) and a phone (375x667) viewport."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import launch_chromium
from serving import running_server

from kzgraph.web.app import make_app
from kzgraph.web.settings import ServeSettings

AXE = Path(__file__).parent / "fixtures" / "axe-core" / "axe.min.js"
VIEWPORTS = [(1280, 720), (375, 667)]
# One URL per page type. The reader pages (home, search, lineage, event...) join with one line each.
PAGES = {
    "home": "/",
    "search": "/search?q=otan",
    "lineage": "/lineage?party=Nur+Otan",
    "party": "/id/party/otan-1999",
    "election": "/id/election/majilis-2004",
    "law": "/id/law/ussr-constitution-clause-6-abolition-1990",
    "stage": "/id/stage/first",
    "event": "/id/event/founding-alash",
    "source": "/id/source/zhankuliyeva-2012",
    "queries": "/queries",
    "query with results": "/queries/election-results?year=2004",
    "query with a search parameter": "/queries/predecessors?party=Nur+Otan",
    "editor": "/editor",
    "dataset": "/dataset",
    "ontology": "/ontology",
    "not found": "/no/such/page",
}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def base_url(graph):
    with running_server(make_app(graph, ServeSettings(timeout=10.0))) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with launch_chromium(tmp_path_factory.mktemp("profile"), allow_hosts=("127.0.0.1",)) as running:
        yield running


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(base_url, browser, name, viewport):
    page = browser.open(base_url + PAGES[name], viewport=viewport)
    try:
        if name == "editor":
            page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
        # evaluated, not added as a <script>: the pages' CSP allows no script but their own
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    finally:
        page.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
    assert serious == [], f"{PAGES[name]} at {viewport}: " + "; ".join(serious)
    assert browser.external_requests == []
